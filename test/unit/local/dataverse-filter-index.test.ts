// The simulator's $filter index (local/sim/dataverse/filter-index.ts) must answer exactly as a scan does:
// same rows, same order, same paging, $top and $count, before and after the rows change under it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Db } from '../../../local/sim/dataverse/db';
import { parseFilter } from '../../../local/sim/dataverse/filter';
import { parsePrefer, queryCollection } from '../../../local/sim/dataverse/query';
import { cloneRow } from '../../../local/sim/dataverse/store';

const clock = { now: () => new Date('2025-01-10T10:00:00Z') };
const BASE = 'http://sim/api/data/v9.2';
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function db(): Db {
  const d = new Db(clock);
  d.loadFixture({
    emails: Array.from({ length: 60 }, (_, i) => ({
      activityid: id(i),
      subject: `msg ${i}`,
      // Mixed case and unbracketed forms, a few rows sharing one Message-ID, some without one.
      messageid: i % 11 === 0 ? null : i % 7 === 0 ? `<Shared@X.test>` : i % 2 ? `<M${i}@X.test>` : `m${i}@x.test`,
      trackingtoken: i % 5 === 0 ? `CRM:${String(1000 + i).padStart(7, '0')}` : null,
      conversationindex:
        i % 13 === 0 ? null : `${i % 3 === 0 ? 'AQHZ' : 'aqhy'}${String.fromCharCode(65 + (i % 4))}${i}==`,
      directioncode: i % 2 === 0,
      createdon: `2025-01-0${1 + (i % 9)}T08:00:00Z`,
    })),
    contacts: Array.from({ length: 20 }, (_, i) => ({
      contactid: id(1000 + i),
      emailaddress1: i % 3 === 0 ? `Person${i}@Contoso.com` : null,
      emailaddress2: i % 4 === 0 ? `person${i + 1}@contoso.COM` : undefined,
      emailaddress3: `p${i}@fabrikam.com`,
    })),
    // An unmodelled set whose `code` column mixes numbers and text, compared by different rules.
    widgets: Array.from({ length: 12 }, (_, i) => ({
      widgetid: `w-${i}`,
      code: i % 3 === 0 ? i : i % 3 === 1 ? String(i) : `0${i}`,
    })),
  });
  return d;
}

const inList = (col: string, values: string[]) =>
  `Microsoft.Dynamics.CRM.In(PropertyName='${col}',PropertyValues=[${values.map((v) => `'${v}'`).join(',')}])`;

/** Filters the index narrows, each with an equivalent the index cannot read (`not (not (…))`), so it is scanned. */
const INDEXED: [string, string][] = [
  ['emails', "messageid eq '<m3@x.TEST>'"],
  ['emails', "'<SHARED@x.test>' eq messageid"],
  ['emails', inList('messageid', ['<M1@x.test>', 'M2@X.TEST', '<shared@x.test>', '<nope@x.test>', '<m1@X.test>'])],
  ['emails', "In(PropertyName='trackingtoken',PropertyValues=['crm:0001005','CRM:0001010','CRM:9999999'])"],
  ['emails', "startswith(conversationindex,'AQHZ')"],
  ['emails', "startswith(conversationindex,'aqhyB')"],
  ['emails', "startswith(conversationindex,'')"],
  ['emails', "startswith(conversationindex,'AQHZ') and directioncode eq true"],
  ['emails', `directioncode eq false and ${inList('messageid', ['<m3@x.test>', '<m5@x.test>', '<m6@x.test>'])}`],
  ['emails', "contains(subject,'1') and messageid eq '<shared@x.test>'"],
  ['emails', `${inList('messageid', ['<m9@x.test>'])} or startswith(conversationindex,'aqhzA')`],
  [
    'contacts',
    ['emailaddress1', 'emailaddress2', 'emailaddress3']
      .map((c) => inList(c, ['person3@contoso.com', 'PERSON5@contoso.com', 'p7@FABRIKAM.com']))
      .join(' or '),
  ],
  ['widgets', "code eq '3'"],
  ['widgets', inList('code', ['6', '07', '4'])],
  ['widgets', "startswith(code,'0')"],
];

/** Filters left to the scan: dates compare as dates, nulls, negations, functions the index does not read. */
const SCANNED: [string, string][] = [
  ['emails', "createdon eq '2025-01-03T08:00:00.000Z'"],
  ['emails', 'messageid eq null'],
  ['emails', "messageid ne '<shared@x.test>'"],
  ['emails', "not startswith(conversationindex,'AQHZ')"],
  ['emails', "endswith(messageid,'@x.test>') or messageid eq '<m3@x.test>'"],
];

function query(d: Db, set: string, filter: string, extra: Record<string, string> = {}, prefer = '') {
  return queryCollection(
    d,
    set,
    new URLSearchParams({ $select: d.def(set).key, $filter: filter, ...extra }),
    parsePrefer(prefer),
    BASE,
  );
}

/** The indexed query against its scanned twin: same body apart from the filter text inside nextLink. */
function assertSameAsScan(d: Db, set: string, filter: string, extra: Record<string, string> = {}, prefer = ''): number {
  const a = query(d, set, filter, extra, prefer).body;
  const b = query(d, set, `not (not (${filter}))`, extra, prefer).body;
  const next = (x: unknown) => (typeof x === 'string' ? x.replace(/\$filter=[^&]*/, '') : x);
  assert.deepEqual(
    { ...a, '@odata.nextLink': next(a['@odata.nextLink']) },
    { ...b, '@odata.nextLink': next(b['@odata.nextLink']) },
    `${set}: ${filter}`,
  );
  return (a.value as unknown[]).length;
}

function assertAllSame(d: Db): void {
  for (const [set, f] of [...INDEXED, ...SCANNED]) assertSameAsScan(d, set, f);
}

test('eq, In, startswith, and/or: the indexed path narrows, and answers what the scan answers', () => {
  const d = db();
  for (const [set, f] of INDEXED) assert.ok(d.store.index(set).candidates(parseFilter(f)), `indexed: ${f}`);
  for (const [set, f] of SCANNED)
    assert.equal(d.store.index(set).candidates(parseFilter(f)), undefined, `scanned: ${f}`);
  assertAllSame(d);
  // Not vacuous: case-different literals find rows, the or reaches all three address columns.
  assert.equal(assertSameAsScan(d, 'emails', "messageid eq '<m3@x.TEST>'"), 1);
  assert.equal(assertSameAsScan(d, 'emails', "'<SHARED@x.test>' eq messageid"), 8);
  assert.equal(assertSameAsScan(d, 'contacts', INDEXED[11][1]), 3);
  assert.equal(assertSameAsScan(d, 'widgets', "code eq '3'"), 1);
});

test('$top, $count, $orderby and paging come out the same through the index', () => {
  const d = db();
  const f = "startswith(conversationindex,'aqh')";
  assertSameAsScan(d, 'emails', f, { $top: '3' });
  assertSameAsScan(d, 'emails', f, { $count: 'true', $orderby: 'createdon desc' });
  assertSameAsScan(d, 'emails', f, { $count: 'true' }, 'odata.maxpagesize=7');
  const first = query(d, 'emails', f, {}, 'odata.maxpagesize=7').body;
  const token = new URL(String(first['@odata.nextLink'])).searchParams.get('$skiptoken')!;
  assertSameAsScan(d, 'emails', f, { $skiptoken: token }, 'odata.maxpagesize=7');
});

test('rows created, updated, deleted and rolled back after the index was built are seen', () => {
  const d = db();
  assertAllSame(d); // builds the indexes
  const change = (key: string, values: Record<string, unknown>) => {
    const row = cloneRow(d.store.get('emails', key)!);
    Object.assign(row.values, values);
    d.save('emails', row);
  };
  change(id(3), { messageid: '<Shared@x.TEST>', conversationindex: 'AQHZnew==' });
  change(id(5), { messageid: null, conversationindex: null, trackingtoken: 'CRM:0001010' });
  change(id(9), { messageid: '<m9@x.test>' }); // same value, other case
  d.delete('emails', d.store.get('emails', id(1))!);
  d.delete('emails', d.store.get('emails', id(14))!);
  d.save('emails', {
    values: { activityid: id(14), messageid: '<M1@x.test>', conversationindex: 'aqhzZ', directioncode: true },
    lookupTypes: {},
  });
  d.save('widgets', { values: { widgetid: 'w-99', code: 3 }, lookupTypes: {} });
  assert.throws(
    () =>
      d.store.atomically(() => {
        change(id(2), { messageid: '<m3@x.test>' });
        d.delete('emails', d.store.get('emails', id(4))!);
        throw new Error('roll back');
      }),
    /roll back/,
  );
  assertAllSame(d);
  // The re-created row comes last, as in the table; the rolled-back delete is back (at the end too).
  const ids = (f: string) => (query(d, 'emails', f).body.value as { activityid: string }[]).map((r) => r.activityid);
  assert.deepEqual(ids(inList('messageid', ['<m1@x.test>'])), [id(14)]);
  assert.deepEqual(ids("messageid eq 'm2@x.test'"), [id(2)]);
  assert.deepEqual(ids("messageid eq 'm4@x.test'"), [id(4)]);
  assert.deepEqual(ids("startswith(conversationindex,'aqhzz')"), [id(14)]);
  assert.equal((query(d, 'widgets', "code eq '3'").body.value as unknown[]).length, 2);
});

test('a filter that fails does so whether or not an index could narrow it', () => {
  const d = db();
  for (const f of [
    "bogus(messageid) and messageid eq '<none@x.test>'",
    "In(PropertyName='messageid') or messageid eq 'x'",
  ]) {
    assert.equal(d.store.index('emails').candidates(parseFilter(f)), undefined);
    assert.throws(() => query(d, 'emails', f), /not supported|PropertyName/);
  }
  assert.throws(() => query(d, 'emails', "nosuchcolumn eq 'x'"), /Could not find a property/);
});
