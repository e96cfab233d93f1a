// Conformance of the Dataverse simulator with the Web API as Microsoft documents it (local/sim/dataverse/CONFORMANCE.md
// lists each behaviour with its status; the describe labels E.1 to E.6 number its areas, Requests to Email table):
// driven through dynamics-web-api where the client exposes the behaviour, and raw fetch where it hides it (status
// codes that distinguish create from update, Retry-After, batch framing, headers).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DynamicsWebApi } from 'dynamics-web-api';
import type { TenantFixture } from '../../local/tenant/fixture';
import { ScaledClock } from '../../local/clock';
import { startDataverseSimulator, type DataverseSimulator } from '../../local/sim/dataverse';
import { rawCall } from '../support/web-api';

const USER = '11111111-1111-1111-1111-111111111111';
const QUEUE = '22222222-2222-2222-2222-222222222222';
const ACC = '33333333-3333-3333-3333-333333333333';
const BOB = '44444444-4444-4444-4444-444444444444';

const fixture = (): TenantFixture => ({
  exchange: {},
  dataverse: {
    systemusers: [{ systemuserid: USER, fullname: 'Alice' }],
    queues: [{ queueid: QUEUE, name: 'Sales', emailaddress: 'sales@contoso.com' }],
    accounts: [{ accountid: ACC, name: 'Fabrikam', accountnumber: 'F-1' }],
    contacts: [
      { contactid: BOB, fullname: 'Bob', emailaddress1: 'Bob@Fabrikam.com' },
      ...Array.from({ length: 23 }, (_, i) => ({
        fullname: `P${String(i).padStart(2, '0')}`,
        emailaddress1: `p${i}@example.com`,
      })),
    ],
  },
});

let sim: DataverseSimulator;
let clock: ScaledClock;
let api: DynamicsWebApi;

const raw = (
  method: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string>; token?: string } = {},
) =>
  rawCall(sim.baseUrl, method, path, {
    ...opts,
    token: opts.token ?? 'raw-user',
    headers: { 'OData-MaxVersion': '4.0', 'OData-Version': '4.0', ...opts.headers },
  });

/** A dynamics-web-api error with this status (and hex code when given). */
const dwaError =
  (status: number, code?: string) =>
  (e: any): boolean => {
    assert.equal(e.status, status, JSON.stringify(e));
    if (code) assert.equal(e.code, code);
    return true;
  };

before(async () => {
  clock = new ScaledClock(new Date('2025-01-10T10:00:00Z'), 1);
  // Generous limits so only the limits tests (with their own tokens and a small request budget) hit them.
  sim = await startDataverseSimulator({ tenant: fixture(), clock, limits: { requests: 400 } });
  api = new DynamicsWebApi({
    serverUrl: new URL(sim.baseUrl).origin,
    dataApi: { version: '9.2' },
    onTokenRefresh: async () => 'dwa-user',
    propagateErrors: true,
  });
});
after(async () => sim.close());

describe('E.2 upsert matrix', () => {
  test('no header = upsert; return=representation tells created (201) from updated (200)', async () => {
    const id = 'c1000000-0000-0000-0000-000000000001';
    await api.upsert({ collection: 'contacts', key: id, data: { fullname: 'Upserted' } });
    assert.equal((await api.retrieve({ collection: 'contacts', key: id, select: ['fullname'] })).fullname, 'Upserted');
    assert.equal(
      (
        await raw('PATCH', `contacts(${id})`, {
          body: { fullname: 'U2' },
          headers: { Prefer: 'return=representation' },
        })
      ).status,
      200,
    );
    assert.equal(
      (
        await raw('PATCH', 'contacts(c1000000-0000-0000-0000-000000000002)', {
          body: { fullname: 'U3' },
          headers: { Prefer: 'return=representation' },
        })
      ).status,
      201,
    );
    const plain = await raw('PATCH', `contacts(${id})`, { body: { fullname: 'U4' } });
    assert.equal(plain.status, 204);
    assert.equal(plain.headers.get('odata-entityid'), `${sim.baseUrl}/contacts(${id})`);
  });

  test('If-Match: * = update only (404); If-None-Match: * = create only (412); stale etag (412)', async () => {
    await assert.rejects(
      api.update({ collection: 'contacts', key: 'c1000000-0000-0000-0000-0000000000ff', data: { fullname: 'x' } }),
      dwaError(404, '0x80040217'),
    );
    await assert.rejects(
      api.upsert({ collection: 'contacts', key: BOB, data: { fullname: 'x' }, ifnonematch: '*' }),
      dwaError(412, '0x80040237'),
    );
    await api.upsert({
      collection: 'contacts',
      key: 'c1000000-0000-0000-0000-000000000003',
      data: { fullname: 'Created only' },
      ifnonematch: '*',
    });
    const bob = await api.retrieve({ collection: 'contacts', key: BOB, select: ['fullname'] });
    await api.update({ collection: 'contacts', key: BOB, data: { jobtitle: 'Buyer' }, ifmatch: bob['@odata.etag'] });
    await assert.rejects(
      api.update({ collection: 'contacts', key: BOB, data: { jobtitle: 'Stale' }, ifmatch: bob['@odata.etag'] }),
      dwaError(412, '0x80060882'),
    );
    const fresh = await raw('GET', `contacts(${BOB})?$select=jobtitle`);
    assert.equal(
      (
        await raw('GET', `contacts(${BOB})?$select=jobtitle`, {
          headers: { 'If-None-Match': fresh.json['@odata.etag'] },
        })
      ).status,
      304,
    );
  });
});

describe('E.1 / query: filters, paging', () => {
  test('string comparison is case-insensitive; Microsoft.Dynamics.CRM.In; unknown column is 0x80060888', async () => {
    const eq = await api.retrieveMultiple({
      collection: 'contacts',
      select: ['fullname'],
      filter: "emailaddress1 eq 'BOB@fabrikam.COM'",
    });
    assert.deepEqual(
      eq.value?.map((v) => v.fullname),
      ['Bob'],
    );
    const inList = await api.retrieveMultiple({
      collection: 'contacts',
      select: ['fullname'],
      orderBy: ['fullname'],
      filter:
        "Microsoft.Dynamics.CRM.In(PropertyName='emailaddress1',PropertyValues=['P1@EXAMPLE.com','bob@fabrikam.com'])",
    });
    assert.deepEqual(
      inList.value?.map((v) => v.fullname),
      ['Bob', 'P01'],
    );
    await assert.rejects(
      api.retrieveMultiple({ collection: 'contacts', filter: "nosuch eq 'x'" }),
      dwaError(400, '0x80060888'),
    );
  });

  test('odata.maxpagesize pages with absolute nextLinks; retrieveAll walks them', async () => {
    const page = await api.retrieveMultiple({ collection: 'accounts', select: ['name'], maxPageSize: 1 });
    assert.equal(page.value?.length, 1);
    const first = await raw('GET', 'contacts?$select=fullname&$orderby=fullname', {
      headers: { Prefer: 'odata.maxpagesize=10' },
    });
    assert.equal(first.headers.get('preference-applied'), 'odata.maxpagesize=10');
    assert.equal(first.json.value.length, 10);
    assert.ok(first.json['@odata.nextLink'].startsWith(`${sim.baseUrl}/contacts?`));
    const all = await api.retrieveAll({ collection: 'contacts', select: ['fullname'], maxPageSize: 7 });
    const total = (await raw('GET', 'contacts?$count=true&$top=0')).json['@odata.count'];
    assert.equal(all.value.length, total);
    assert.equal(new Set(all.value.map((v: any) => v.contactid)).size, total);
  });
});

function part(method: string, url: string, body?: unknown, extra: string[] = [], contentId?: string): string {
  return [
    'Content-Type: application/http',
    'Content-Transfer-Encoding: binary',
    ...(contentId ? [`Content-ID: ${contentId}`] : []),
    '',
    `${method} ${url} HTTP/1.1`,
    ...(body !== undefined ? ['Content-Type: application/json'] : []),
    ...extra,
    '',
    body === undefined ? '' : JSON.stringify(body),
  ].join('\r\n');
}

describe('E.4 $batch', () => {
  test('dynamics-web-api change set with Content-ID binds; continue-on-error returns per-part errors', async () => {
    api.startBatch();
    void api.create({ collection: 'accounts', contentId: '1', data: { name: 'Batch Parent' } });
    void api.create({
      collection: 'contacts',
      data: { fullname: 'Batch Child', 'parentcustomerid_account@odata.bind': '$1' },
    });
    const ok = await api.executeBatch();
    assert.equal(ok.length, 2);
    const child = await api.retrieveMultiple({
      collection: 'contacts',
      select: ['_parentcustomerid_value'],
      filter: "fullname eq 'Batch Child'",
    });
    assert.equal(child.value?.[0]._parentcustomerid_value, ok[0]);

    api.startBatch();
    void api.update({
      collection: 'contacts',
      key: 'c1000000-0000-0000-0000-0000000000fe',
      data: { fullname: 'missing' },
      inChangeSet: false,
    });
    void api.create({ collection: 'accounts', data: { name: 'After the failure' }, inChangeSet: false });
    const mixed = await api.executeBatch({ continueOnError: true });
    assert.equal(mixed.length, 2);
    assert.equal((mixed[0] as any).status, 404);
    assert.match(String(mixed[1]), /^[0-9a-f-]{36}$/);
  });

  test('raw framing: atomic change set, stop at first failure, Content-ID scope, 1,000-part cap', async () => {
    const b = 'batch_c1';
    const cs = 'changeset_c1';
    const body = [
      `--${b}`,
      `Content-Type: multipart/mixed; boundary=${cs}`,
      '',
      `--${cs}`,
      part('POST', '/api/data/v9.2/accounts', { name: 'Rolled back' }, [], '1'),
      `--${cs}`,
      part('POST', 'emails', { subject: 'bad', inreplyto: '<x@y>' }, [], '2'),
      `--${cs}--`,
      `--${b}`,
      part('GET', 'accounts?$top=1'),
      `--${b}--`,
      '',
    ].join('\r\n');
    const stop = await raw('POST', '$batch', { body, headers: { 'Content-Type': `multipart/mixed; boundary=${b}` } });
    assert.equal(stop.status, 400, 'without continue-on-error the outer status is the failing one');
    assert.equal(
      (await raw('GET', `accounts?$filter=${encodeURIComponent("name eq 'Rolled back'")}`)).json.value.length,
      0,
    );
    const cont = await raw('POST', '$batch', {
      body,
      headers: { 'Content-Type': `multipart/mixed; boundary=${b}`, Prefer: 'odata.continue-on-error' },
    });
    assert.equal(cont.status, 200);
    assert.deepEqual(
      [...cont.text.matchAll(/HTTP\/1\.1 (\d+)/g)].map((m) => Number(m[1])),
      [400, 200],
    );
    // A Content-ID is only visible inside its own change set.
    const scoped = [
      `--${b}`,
      `Content-Type: multipart/mixed; boundary=${cs}`,
      '',
      `--${cs}`,
      part('POST', 'accounts', { name: 'A' }, [], '1'),
      `--${cs}--`,
      `--${b}`,
      `Content-Type: multipart/mixed; boundary=cs2`,
      '',
      '--cs2',
      part('PATCH', '$1', { name: 'B' }, [], '2'),
      '--cs2--',
      `--${b}--`,
      '',
    ].join('\r\n');
    const s = await raw('POST', '$batch', {
      body: scoped,
      headers: { 'Content-Type': `multipart/mixed; boundary=${b}` },
    });
    assert.equal(s.status, 400);
    assert.match(s.json.error.message, /Content-ID Reference: '\$1' does not exist in the batch context/);
    const many =
      Array.from({ length: 1001 }, () => `--${b}\r\n${part('GET', 'accounts?$top=1')}`).join('\r\n') +
      `\r\n--${b}--\r\n`;
    assert.equal(
      (await raw('POST', '$batch', { body: many, headers: { 'Content-Type': `multipart/mixed; boundary=${b}` } }))
        .status,
      400,
    );
    const thousand =
      Array.from({ length: 1000 }, () => `--${b}\r\n${part('GET', 'accounts?$top=1')}`).join('\r\n') +
      `\r\n--${b}--\r\n`;
    assert.equal(
      (await raw('POST', '$batch', { body: thousand, headers: { 'Content-Type': `multipart/mixed; boundary=${b}` } }))
        .status,
      200,
    );
  });
});

describe('E.3 / E.6 writes: read-only columns, party masks, closed emails', () => {
  test('read-only columns are refused on create and update', async () => {
    for (const col of ['inreplyto', 'conversationindex', 'senton', 'emailsender', 'correlationmethod']) {
      const value = col === 'correlationmethod' ? 3 : col === 'emailsender' ? undefined : 'v';
      const data =
        col === 'emailsender'
          ? { subject: 'ro', 'emailsender_contact@odata.bind': `/contacts(${BOB})` }
          : { subject: 'ro', [col]: value };
      await assert.rejects(api.create({ collection: 'emails', data }), dwaError(400), col);
    }
    await assert.rejects(
      api.create({ collection: 'appointments', data: { subject: 'x', statecode: 3 } }),
      dwaError(400),
    );
  });

  test('party masks per activity type and party targets', async () => {
    await api.create({
      collection: 'emails',
      data: {
        subject: 'masks ok',
        email_activity_parties: [
          { participationtypemask: 1, 'partyid_queue@odata.bind': `/queues(${QUEUE})` },
          { participationtypemask: 2, 'partyid_contact@odata.bind': `/contacts(${BOB})` },
          { participationtypemask: 3, addressused: 'cc@external.com' },
          { participationtypemask: 4, 'partyid_systemuser@odata.bind': `/systemusers(${USER})` },
        ],
      },
    });
    await assert.rejects(
      api.create({
        collection: 'emails',
        data: { subject: 'x', email_activity_parties: [{ participationtypemask: 5, addressused: 'a@b.c' }] },
      }),
      dwaError(400, '0x80094006'),
    );
    await assert.rejects(
      api.create({
        collection: 'appointments',
        data: { subject: 'x', appointment_activity_parties: [{ participationtypemask: 2, addressused: 'a@b.c' }] },
      }),
      dwaError(400, '0x80094006'),
    );
    await assert.rejects(
      api.create({
        collection: 'appointments',
        data: {
          subject: 'x',
          appointment_activity_parties: [
            { participationtypemask: 7, 'partyid_contact@odata.bind': `/contacts(${BOB})` },
          ],
        },
      }),
      dwaError(400, '0x80043506'),
    );
  });

  test('a Received email keeps Regarding updatable and nothing else', async () => {
    api.startBatch();
    void api.create({ collection: 'emails', contentId: '1', data: { subject: 'tracked', directioncode: false } });
    void api.update({ collection: '$1', data: { statecode: 1, statuscode: 4 } } as any);
    const [id] = await api.executeBatch();
    await api.update({
      collection: 'emails',
      key: String(id),
      data: { 'regardingobjectid_account_email@odata.bind': `/accounts(${ACC})` },
    });
    await assert.rejects(
      api.update({ collection: 'emails', key: String(id), data: { subject: 'changed' } }),
      dwaError(400, '0x80040203'),
    );
    const e = await api.retrieve({
      collection: 'emails',
      key: String(id),
      select: ['_regardingobjectid_value', 'statecode', 'subject'],
    });
    assert.deepEqual([e._regardingobjectid_value, e.statecode, e.subject], [ACC, 1, 'tracked']);
  });
});

describe('E.2 alternate keys', () => {
  test('defined keys work in URLs and binds; undefined keys, forbidden characters and duplicates are refused', async () => {
    await assert.rejects(
      api.upsert({ collection: 'accounts', key: "accountnumber='K-1'", data: { name: 'K' } }),
      dwaError(400, '0x80060890'),
    );
    sim.defineAlternateKey('accounts', ['accountnumber']);
    await api.upsert({ collection: 'accounts', key: "accountnumber='K-1'", data: { name: 'K' } });
    assert.equal(
      (await api.retrieve({ collection: 'accounts', key: "accountnumber='K-1'", select: ['name'] })).name,
      'K',
    );
    await api.create({
      collection: 'contacts',
      data: { fullname: 'Keyed', 'parentcustomerid_account@odata.bind': "/accounts(accountnumber='K-1')" },
    });
    for (const ch of ['/', '<', '>', '*', '%', '&', ':', '\\', '?', '+']) {
      const r = await raw('GET', `accounts(accountnumber='${encodeURIComponent(`a${ch}b`)}')`);
      assert.equal(r.status, 400, `character ${ch}`);
    }
    await assert.rejects(
      api.create({ collection: 'accounts', data: { name: 'dup', accountnumber: 'k-1' } }),
      dwaError(412, '0x80060892'),
    );
  });
});

describe('E.5 service protection limits', () => {
  test('429 with integer Retry-After, documented code, and rate headers; dynamics-web-api sees the 429', async () => {
    const token = 'limits-user';
    let last = await raw('GET', 'WhoAmI', { token });
    assert.equal(last.headers.get('x-ms-ratelimit-burst-remaining-xrm-requests'), '399');
    for (let i = 1; i < 400; i++) {
      const r = await raw('GET', 'WhoAmI', { token });
      assert.equal(r.status, 200);
      last = r;
    }
    assert.equal(last.headers.get('x-ms-ratelimit-burst-remaining-xrm-requests'), '0');
    const throttled = await raw('GET', 'WhoAmI', { token });
    assert.equal(throttled.status, 429);
    assert.match(throttled.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
    assert.equal(throttled.json.error.code, '0x80072322');
    const client = new DynamicsWebApi({
      serverUrl: new URL(sim.baseUrl).origin,
      dataApi: { version: '9.2' },
      onTokenRefresh: async () => token,
    });
    await assert.rejects(client.retrieveMultiple({ collection: 'accounts' }), dwaError(429, '0x80072322'));
    clock.advance(301_000);
    assert.equal((await raw('GET', 'WhoAmI', { token })).status, 200, 'the window slides on the simulator clock');
  });
});

describe('change tracking', () => {
  test('retrieveAll with trackChanges, then the delta link returns changes and deletes', async () => {
    const initial = await api.retrieveAll({
      collection: 'queues',
      select: ['name'],
      trackChanges: true,
      maxPageSize: 1,
    } as any);
    assert.equal(initial.value.length, 1);
    const link = initial.oDataDeltaLink as string;
    assert.match(link, /\$deltatoken=/);
    const q2 = await api.create({ collection: 'queues', data: { name: 'Support' } });
    await api.deleteRecord({ collection: 'queues', key: QUEUE });
    const delta = await raw('GET', link);
    assert.deepEqual(delta.json.value.map((v: any) => v.name ?? v.reason).sort(), ['Support', 'deleted']);
    assert.equal(delta.json.value.find((v: any) => v.reason).id, QUEUE);
    assert.ok(delta.json.value.some((v: any) => v.queueid === q2));
  });
});
