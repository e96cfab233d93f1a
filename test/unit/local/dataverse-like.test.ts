// The simulator answers contains/startswith/endswith as the service does, with SQL LIKE: `%`, `_` and
// `[…]` are wildcards and a bracketed one is the character itself
// (learn.microsoft.com/power-apps/developer/data-platform/wildcard-characters).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Db } from '../../../local/sim/dataverse/db';
import { likePattern } from '../../../local/sim/dataverse/filter';
import { parsePrefer, queryCollection } from '../../../local/sim/dataverse/query';

test('LIKE patterns: % any run, _ one character, [set], [^set], and [%] [_] [[] as the characters', () => {
  assert.ok(likePattern('50%').test('50 percent'));
  assert.ok(likePattern('a_c').test('abc'));
  assert.ok(!likePattern('a_c').test('ac'));
  assert.ok(likePattern('[ab]x').test('bx'));
  assert.ok(!likePattern('[^ab]x').test('bx'));
  assert.ok(likePattern('50[%]').test('50%'));
  assert.ok(!likePattern('50[%]').test('500'));
  assert.ok(likePattern('a[_]b').test('a_b'));
  assert.ok(!likePattern('a[_]b').test('axb'));
  assert.ok(likePattern('[[]x]').test('[x]'));
  assert.ok(likePattern('(x).*+?').test('(x).*+?'), 'regular-expression characters are plain');
});

test('Dataverse queries that hold at scale: the simulator reads an escaped startswith value literally, through its index too', () => {
  const d = new Db({ now: () => new Date('2025-01-10T10:00:00Z') });
  d.loadFixture({
    emails: [
      { activityid: '00000000-0000-4000-8000-000000000001', subject: '50% off', conversationindex: 'A_B%C' },
      { activityid: '00000000-0000-4000-8000-000000000002', subject: '500 off', conversationindex: 'AxBzC' },
    ],
  });
  const ids = (filter: string) =>
    (
      queryCollection(
        d,
        'emails',
        new URLSearchParams({ $select: 'activityid', $filter: filter }),
        parsePrefer(''),
        'http://sim/api/data/v9.2',
      ).body.value as { activityid: string }[]
    ).map((r) => r.activityid.slice(-1));
  assert.deepEqual(ids("startswith(conversationindex,'A_B')"), ['1', '2'], 'an unescaped _ is a wildcard');
  assert.deepEqual(ids("startswith(conversationindex,'A[_]B[%]')"), ['1']);
  assert.deepEqual(ids("contains(subject,'0[%]')"), ['1']);
  assert.deepEqual(ids("contains(subject,'0%')"), ['1', '2']);
});
