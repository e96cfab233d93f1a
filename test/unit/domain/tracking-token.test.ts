import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  nextToken,
  subjectWithToken,
  queueTokenNumber,
  userTokenStem,
  type TokenFormat,
} from '../../../shared/domain/tracking-token';
import { headerSafe } from '../../../shared/domain/send';

const DEFAULT: TokenFormat = { prefix: 'CRM:', userDigits: 3, maxCounter: 999, base: 0 };

test('The tracking token is added as the organization configures it: prefix, designator, user number, next counter', () => {
  assert.equal(nextToken(DEFAULT, 1, 'CRM:0001001'), 'CRM:0001002');
  assert.equal(nextToken(DEFAULT, 1, undefined), 'CRM:0001001');
  assert.equal(nextToken(DEFAULT, 12, 'CRM:0012041'), 'CRM:0012042');
});

test('The tracking token is added as the organization configures it: the base is added to the user number, digits follow the settings', () => {
  assert.equal(userTokenStem({ ...DEFAULT, base: 500 }, 1), 'CRM:0501');
  assert.equal(nextToken({ prefix: 'TKT#', userDigits: 2, maxCounter: 99999, base: 0 }, 3, undefined), 'TKT#00300001');
});

test('The tracking token is added as the organization configures it: the per-user counter wraps past maximumtrackingnumber', () => {
  assert.equal(nextToken(DEFAULT, 1, 'CRM:0001999'), 'CRM:0001000');
  // Another user's token does not move this user's counter.
  assert.equal(nextToken(DEFAULT, 1, 'CRM:0002007'), 'CRM:0001001');
});

test('The 255-character subject rule: the subject is cut so subject and token fit; a token that cannot fit is left off', () => {
  const long = 'x'.repeat(300);
  const r = subjectWithToken(long, 'CRM:0001002');
  assert.equal(r.subject.length, 255);
  assert.ok(r.subject.endsWith(' CRM:0001002'));
  assert.equal(r.token, 'CRM:0001002');
  assert.deepEqual(subjectWithToken('Proposal', 'CRM:0001002'), {
    subject: 'Proposal CRM:0001002',
    token: 'CRM:0001002',
  });
  const huge = 'T'.repeat(256);
  assert.deepEqual(subjectWithToken('Proposal', huge), { subject: 'Proposal' });
  assert.deepEqual(subjectWithToken(long, undefined), { subject: long.slice(0, 255) });
});

test('No header ever carries a CR or LF from a subject or address', () => {
  assert.equal(headerSafe('Hi\r\nBcc: evil@x.io'), 'Hi Bcc: evil@x.io');
  assert.equal(headerSafe('a\nb\rc'), 'a b c');
});

test('Tokens: mail from a queue carries the tracking token, with a number of its own counted down from the top', () => {
  const first = queueTokenNumber(DEFAULT, 1)!;
  assert.equal(nextToken(DEFAULT, first, undefined), 'CRM:0999001', 'the first queue');
  assert.equal(userTokenStem(DEFAULT, queueTokenNumber(DEFAULT, 2)!), 'CRM:0998', 'the second queue');
  const based = { ...DEFAULT, base: 500 };
  assert.equal(userTokenStem(based, queueTokenNumber(based, 1)!), 'CRM:0999', 'the base is within the digits');
  assert.equal(queueTokenNumber({ ...DEFAULT, userDigits: 1, base: 9 }, 1), undefined, 'no room: no token');
});
