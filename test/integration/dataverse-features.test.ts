// Dataverse simulator features beyond CRUD: service protection limits on the simulator clock, change tracking,
// $metadata / EntityDefinitions, closed activities, the activityparties set and $expand of lookups.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DynamicsWebApi } from 'dynamics-web-api';
import type { TenantFixture } from '../../local/tenant/fixture';
import { ScaledClock } from '../../local/clock';
import { REAL_LIMITS, startDataverseSimulator, type DataverseSimulator } from '../../local/sim/dataverse';
import { rawCall } from '../support/web-api';
import { gate, until } from '../support/until';

const USER = '11111111-1111-1111-1111-111111111111';
const ACC = '33333333-3333-3333-3333-333333333333';
const BOB = '44444444-4444-4444-4444-444444444444';
const CAROL = '55555555-5555-5555-5555-555555555555';
const OPP = '66666666-6666-6666-6666-666666666666';
const E1 = '77777777-7777-7777-7777-777777777777';
const DRAFT = '77777777-7777-7777-7777-000000000002';

function tenant(): TenantFixture {
  return {
    exchange: {},
    dataverse: {
      systemusers: [{ systemuserid: USER, fullname: 'Alice', internalemailaddress: 'alice@contoso.com' }],
      accounts: [{ accountid: ACC, name: 'Fabrikam', accountnumber: 'F-1' }],
      contacts: [
        {
          contactid: BOB,
          fullname: 'Bob',
          emailaddress1: 'bob@fabrikam.com',
          _parentcustomerid_value: ACC,
          'parentcustomerid@odata.type': 'account',
        },
        { contactid: CAROL, fullname: 'Carol', emailaddress1: 'carol@contoso.com' },
        ...Array.from({ length: 10 }, (_, i) => ({ fullname: `Gen ${i}`, emailaddress1: `gen${i}@example.com` })),
      ],
      opportunities: [{ opportunityid: OPP, name: 'Q-100' }],
      emails: [
        {
          activityid: E1,
          subject: 'Sent one',
          statuscode: 3,
          _regardingobjectid_value: OPP,
          'regardingobjectid@odata.type': 'opportunity',
          email_activity_parties: [
            { participationtypemask: 1, _partyid_value: USER, 'partyid@odata.type': 'systemuser' },
            { participationtypemask: 2, _partyid_value: BOB, 'partyid@odata.type': 'contact' },
            { participationtypemask: 2, addressused: 'nobody@external.com' },
          ],
        },
        {
          activityid: DRAFT,
          subject: 'Draft one',
          email_activity_parties: [{ participationtypemask: 2, _partyid_value: BOB, 'partyid@odata.type': 'contact' }],
        },
      ],
    },
  };
}

const call = (
  base: string,
  method: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string>; token?: string } = {},
) => rawCall(base, method, path, { ...opts, token: opts.token ?? 'token-a' });

const jwt = (claims: Record<string, unknown>, salt: string): string =>
  ['{"alg":"none"}', JSON.stringify(claims), salt].map((p) => Buffer.from(p).toString('base64url')).join('.');

function batchOfGets(n: number, boundary = 'batch_x'): { body: string; contentType: string } {
  const part = [
    'Content-Type: application/http',
    'Content-Transfer-Encoding: binary',
    '',
    'GET contacts?$top=1 HTTP/1.1',
    'Accept: application/json',
    '',
  ].join('\r\n');
  const body = Array.from({ length: n }, () => `--${boundary}\r\n${part}`).join('\r\n') + `\r\n--${boundary}--\r\n`;
  return { body, contentType: `multipart/mixed; boundary=${boundary}` };
}

describe('service protection limits', () => {
  test('off by default: no rate headers, nothing throttled', async () => {
    const sim = await startDataverseSimulator({
      tenant: tenant(),
      clock: new ScaledClock(new Date('2025-01-10T10:00:00Z')),
    });
    try {
      const r = await call(sim.baseUrl, 'GET', 'contacts?$top=1');
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('x-ms-ratelimit-burst-remaining-xrm-requests'), null);
      assert.equal(sim.limits(), undefined);
      assert.deepEqual(sim.stats().throttled, { requests: 0, executionTime: 0, concurrency: 0 });
    } finally {
      await sim.close();
    }
  });

  test('requests per sliding window, per user; Retry-After grows under pressure; the window runs on the clock', async () => {
    const clock = new ScaledClock(new Date('2025-01-10T10:00:00Z'));
    const sim = await startDataverseSimulator({ tenant: tenant(), clock, limits: { requests: 5 } });
    try {
      assert.equal(sim.limits()?.windowSeconds, 300);
      // The clock also runs with real time: the oldest request happened somewhere in [firstBefore, firstAfter].
      const firstBefore = clock.now().getTime();
      let firstAfter = firstBefore;
      for (let i = 0; i < 5; i++) {
        const ok = await call(sim.baseUrl, 'GET', 'contacts?$top=1');
        if (i === 0) firstAfter = clock.now().getTime();
        assert.equal(ok.status, 200);
        assert.equal(ok.headers.get('x-ms-ratelimit-burst-remaining-xrm-requests'), String(4 - i));
        assert.match(ok.headers.get('x-ms-ratelimit-time-remaining-xrm-requests') ?? '', /^\d{1,3}(,\d{3})*\.\d{2}$/);
        clock.advance(10_000);
      }
      const sentBefore = clock.now().getTime();
      const first = await call(sim.baseUrl, 'GET', 'contacts?$top=1');
      const sentAfter = clock.now().getTime();
      assert.equal(first.status, 429);
      assert.equal(first.json.error.code, '0x80072322');
      assert.equal(
        first.json.error.message,
        'Number of requests exceeded the limit of 5 over time window of 300 seconds.',
      );
      const wait1 = Number(first.headers.get('retry-after'));
      assert.ok(Number.isInteger(wait1) && wait1 >= 1, String(first.headers.get('retry-after')));
      // The oldest request (t=0) leaves the window at t=300 s; now is t=50 s (plus the real time the calls took).
      const earliest = Math.ceil((firstBefore + 300_000 - sentAfter) / 1000);
      const latest = Math.ceil((firstAfter + 300_000 - sentBefore) / 1000);
      assert.ok(wait1 >= earliest && wait1 <= latest && latest <= 250, `${wait1} s in [${earliest}, ${latest}]`);
      const second = await call(sim.baseUrl, 'GET', 'contacts?$top=1');
      assert.equal(second.status, 429);
      assert.ok(Number(second.headers.get('retry-after')) > wait1, 'repeated pressure lengthens Retry-After');
      const other = await call(sim.baseUrl, 'GET', 'contacts?$top=1', { token: 'token-b' });
      assert.equal(other.status, 200, 'another user has its own budget');
      clock.advance(Number(second.headers.get('retry-after')) * 1000);
      assert.equal((await call(sim.baseUrl, 'GET', 'contacts?$top=1')).status, 200);
      assert.equal(sim.stats().throttled.requests, 2);
      assert.equal(sim.usage('token-a')?.strikes, 0);
    } finally {
      await sim.close();
    }
  });

  test("the user is the token's oid: rotated tokens share one budget; a $batch counts as one request", async () => {
    const clock = new ScaledClock(new Date('2025-01-10T10:00:00Z'));
    const sim = await startDataverseSimulator({ tenant: tenant(), clock, limits: { requests: 3 } });
    try {
      const t1 = jwt({ oid: 'AAAA-app', exp: 1 }, 'one');
      const t2 = jwt({ oid: 'aaaa-app', exp: 2 }, 'two');
      const batch = batchOfGets(10);
      const b = await call(sim.baseUrl, 'POST', '$batch', {
        body: batch.body,
        headers: { 'Content-Type': batch.contentType },
        token: t1,
      });
      assert.equal(b.status, 200);
      assert.equal(sim.usage('aaaa-app')?.requests, 1);
      assert.equal(sim.usage('aaaa-app')?.executionMs, 10 * REAL_LIMITS.costMsPerOperation);
      assert.equal((await call(sim.baseUrl, 'GET', 'contacts?$top=1', { token: t2 })).status, 200);
      assert.equal((await call(sim.baseUrl, 'GET', 'contacts?$top=1', { token: t1 })).status, 200);
      assert.equal((await call(sim.baseUrl, 'GET', 'contacts?$top=1', { token: t2 })).status, 429);
    } finally {
      await sim.close();
    }
  });

  test('execution time per window: a big $batch overshoots, the next request gets 0x80072321', async () => {
    const clock = new ScaledClock(new Date('2025-01-10T10:00:00Z'));
    const sim = await startDataverseSimulator({
      tenant: tenant(),
      clock,
      limits: { executionMs: 100, costMsPerOperation: 10 },
    });
    try {
      const batch = batchOfGets(20);
      const b = await call(sim.baseUrl, 'POST', '$batch', {
        body: batch.body,
        headers: { 'Content-Type': batch.contentType },
      });
      assert.equal(b.status, 200, 'checked before, charged after: the batch itself runs');
      assert.equal(b.headers.get('x-ms-ratelimit-time-remaining-xrm-requests'), '0.00');
      const r = await call(sim.baseUrl, 'GET', 'contacts?$top=1');
      assert.equal(r.status, 429);
      assert.equal(r.json.error.code, '0x80072321');
      assert.match(
        r.json.error.message,
        /^Combined execution time of incoming requests exceeded limit of 100 milliseconds over time window of 300 seconds/,
      );
      assert.equal(r.headers.get('retry-after'), '300');
      clock.advance(301_000);
      assert.equal((await call(sim.baseUrl, 'GET', 'contacts?$top=1')).status, 200);
    } finally {
      await sim.close();
    }
  });

  test('concurrency (52 with limits: real) fires at once with 0x80072326', async () => {
    const clock = new ScaledClock(new Date('2025-01-10T10:00:00Z'));
    // Admitted requests wait at the gate until all 60 have arrived: the overlap is certain, not a race.
    const held = gate();
    const sim = await startDataverseSimulator({ tenant: tenant(), clock, limits: 'real', hold: () => held.wait() });
    try {
      const pending = Array.from({ length: 60 }, () => call(sim.baseUrl, 'GET', 'contacts?$top=1'));
      await until(() => sim.stats().requests === 60);
      assert.equal(sim.usage('token-a')!.inFlight, 52, 'the simulator holds 52 requests in flight, never more');
      assert.equal(
        sim.stats().throttled.concurrency,
        8,
        'the other 8 were refused at once, while the 52 are still held',
      );
      held.open();
      const results = await Promise.all(pending);
      const throttled = results.filter((r) => r.status === 429);
      assert.equal(results.filter((r) => r.status === 200).length, 52);
      assert.equal(throttled.length, 8);
      for (const t of throttled) {
        assert.equal(t.json.error.code, '0x80072326');
        assert.match(t.headers.get('retry-after') ?? '', /^\d+$/);
      }
      assert.equal(sim.stats().throttled.concurrency, 8);
      assert.equal(sim.usage('token-a')!.inFlight, 0);
      const after = await call(sim.baseUrl, 'GET', 'contacts?$top=1');
      assert.equal(after.status, 200, 'concurrency throttling does not block later requests');
      assert.equal(after.headers.get('x-ms-ratelimit-burst-remaining-xrm-requests'), String(6000 - 53));
    } finally {
      await sim.close();
    }
  });

  test("limits: 'real' uses the documented defaults", async () => {
    const sim = await startDataverseSimulator({ tenant: tenant(), clock: new ScaledClock(), limits: 'real' });
    try {
      assert.deepEqual(
        { ...sim.limits(), costMsPerOperation: undefined, holdMs: undefined, maxRetryAfterSeconds: undefined },
        {
          windowSeconds: 300,
          requests: 6000,
          executionMs: 1_200_000,
          concurrent: 52,
          costMsPerOperation: undefined,
          holdMs: undefined,
          maxRetryAfterSeconds: undefined,
        },
      );
      const r = await call(sim.baseUrl, 'GET', 'WhoAmI');
      assert.equal(r.headers.get('x-ms-ratelimit-burst-remaining-xrm-requests'), '5999');
      // Seconds with a grouping separator and two decimals, as the service writes it (1,200 s minus one 5 ms request).
      assert.match(r.headers.get('x-ms-ratelimit-time-remaining-xrm-requests') ?? '', /^1,(199\.99|200\.00)$/);
    } finally {
      await sim.close();
    }
  });
});

describe('change tracking', () => {
  let sim: DataverseSimulator;
  before(async () => {
    sim = await startDataverseSimulator({ tenant: tenant(), clock: new ScaledClock(new Date('2025-01-10T10:00:00Z')) });
  });
  after(async () => sim.close());

  test('initial read pages, then the delta holds creates, updates and deletes; tokens are opaque', async () => {
    const seen: string[] = [];
    let url: string | undefined = `${sim.baseUrl}/contacts?$select=fullname`;
    let deltaLink: string | undefined;
    let pages = 0;
    while (url) {
      const r = await call(sim.baseUrl, 'GET', url, { headers: { Prefer: 'odata.track-changes,odata.maxpagesize=5' } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json['@odata.context'], `${sim.baseUrl}/$metadata#contacts(fullname)/$delta`);
      assert.match(r.headers.get('preference-applied') ?? '', /odata\.track-changes/);
      seen.push(...r.json.value.map((v: any) => v.fullname));
      url = r.json['@odata.nextLink'];
      deltaLink = r.json['@odata.deltaLink'];
      pages++;
      if (url) assert.equal(deltaLink, undefined, 'the delta link comes with the last page only');
    }
    assert.equal(pages, 3);
    assert.equal(seen.length, 12);
    assert.ok(deltaLink?.startsWith(`${sim.baseUrl}/contacts?$select=fullname&$deltatoken=`), deltaLink);

    const none = await call(sim.baseUrl, 'GET', deltaLink!);
    assert.deepEqual(none.json.value, []);

    const created = await call(sim.baseUrl, 'POST', 'contacts', {
      body: { fullname: 'New Person' },
      headers: { Prefer: 'return=representation' },
    });
    assert.equal((await call(sim.baseUrl, 'PATCH', `contacts(${BOB})`, { body: { fullname: 'Bob B' } })).status, 204);
    assert.equal((await call(sim.baseUrl, 'DELETE', `contacts(${CAROL})`)).status, 204);
    await call(sim.baseUrl, 'PATCH', `accounts(${ACC})`, { body: { name: 'not a contact' } });
    const delta = await call(sim.baseUrl, 'GET', deltaLink!, { headers: { Prefer: 'odata.track-changes' } });
    assert.equal(delta.status, 200);
    const changed = delta.json.value.filter((v: any) => !v['@odata.context']);
    const deleted = delta.json.value.filter((v: any) => v['@odata.context']);
    assert.deepEqual(changed.map((v: any) => v.fullname).sort(), ['Bob B', 'New Person']);
    assert.deepEqual(Object.keys(changed[0]).sort(), ['@odata.etag', 'contactid', 'fullname']);
    assert.deepEqual(deleted, [
      { '@odata.context': `${sim.baseUrl}/$metadata#contacts/$deletedEntity`, id: CAROL, reason: 'deleted' },
    ]);
    assert.ok(changed.some((v: any) => v.contactid === created.json.contactid));
    const next = delta.json['@odata.deltaLink'];
    assert.notEqual(next, deltaLink);
    assert.deepEqual((await call(sim.baseUrl, 'GET', next)).json.value, []);
    // The old link still answers the same changes (tokens are positions, not consumed).
    assert.equal((await call(sim.baseUrl, 'GET', deltaLink!)).json.value.length, 3);
  });

  test('refusals: untracked sets, other query options, tampered tokens, a token for another set', async () => {
    const plain = await call(sim.baseUrl, 'GET', 'emails?$select=subject', {
      headers: { Prefer: 'odata.track-changes' },
    });
    assert.equal(plain.status, 200);
    assert.equal(plain.json['@odata.deltaLink'], undefined, 'emails are not tracked: the preference is not applied');
    const link = (await call(sim.baseUrl, 'GET', 'accounts', { headers: { Prefer: 'odata.track-changes' } })).json[
      '@odata.deltaLink'
    ] as string;
    const token = new URL(link).searchParams.get('$deltatoken')!;
    assert.equal((await call(sim.baseUrl, 'GET', `emails?$deltatoken=${encodeURIComponent(token)}`)).status, 400);
    assert.equal((await call(sim.baseUrl, 'GET', `contacts?$deltatoken=${encodeURIComponent(token)}`)).status, 400);
    assert.equal((await call(sim.baseUrl, 'GET', 'contacts?$deltatoken=12!garbage')).status, 400);
    const filtered = await call(sim.baseUrl, 'GET', "contacts?$filter=fullname eq 'x'", {
      headers: { Prefer: 'odata.track-changes' },
    });
    assert.equal(filtered.status, 400);
  });

  test('a rolled-back delete leaves no tombstone; tokens survive snapshot/restore', async () => {
    const start = (await call(sim.baseUrl, 'GET', 'leads', { headers: { Prefer: 'odata.track-changes' } })).json[
      '@odata.deltaLink'
    ] as string;
    const lead = await call(sim.baseUrl, 'POST', 'leads', {
      body: { fullname: 'Lead One' },
      headers: { Prefer: 'return=representation' },
    });
    const boundary = 'b_rb';
    const cs = 'cs_rb';
    const body = [
      `--${boundary}`,
      `Content-Type: multipart/mixed; boundary=${cs}`,
      '',
      `--${cs}`,
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 1',
      '',
      `DELETE leads(${lead.json.leadid}) HTTP/1.1`,
      '',
      '',
      `--${cs}`,
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 2',
      '',
      'PATCH leads(99999999-9999-9999-9999-999999999999) HTTP/1.1',
      'Content-Type: application/json',
      'If-Match: *',
      '',
      '{"fullname":"x"}',
      `--${cs}--`,
      `--${boundary}--`,
      '',
    ].join('\r\n');
    assert.equal(
      (
        await call(sim.baseUrl, 'POST', '$batch', {
          body,
          headers: { 'Content-Type': `multipart/mixed; boundary=${boundary}` },
        })
      ).status,
      404,
    );
    const d1 = await call(sim.baseUrl, 'GET', start);
    assert.deepEqual(
      d1.json.value.map((v: any) => v.leadid),
      [lead.json.leadid],
      'the lead is reported as created, not deleted',
    );

    const copy = await startDataverseSimulator({
      snapshot: JSON.parse(JSON.stringify(sim.snapshot())),
      clock: new ScaledClock(),
    });
    try {
      const link = d1.json['@odata.deltaLink'].replace(sim.baseUrl, copy.baseUrl);
      assert.equal((await call(copy.baseUrl, 'DELETE', `leads(${lead.json.leadid})`)).status, 204);
      const d2 = await call(copy.baseUrl, 'GET', link);
      assert.deepEqual(d2.json.value, [
        { '@odata.context': `${copy.baseUrl}/$metadata#leads/$deletedEntity`, id: lead.json.leadid, reason: 'deleted' },
      ]);
    } finally {
      await copy.close();
    }
  });

  test('dynamics-web-api: trackChanges and following the delta link', async () => {
    const api = new DynamicsWebApi({
      serverUrl: new URL(sim.baseUrl).origin,
      dataApi: { version: '9.2' },
      onTokenRefresh: async () => 'client-token',
    });
    const first = await api.retrieveMultiple({ collection: 'systemusers', select: ['fullname'], trackChanges: true });
    assert.equal(first.value?.length, 1);
    assert.ok(first.oDataDeltaLink);
    await api.update({ collection: 'systemusers', key: USER, data: { fullname: 'Alice A' } });
    const delta = await api.retrieveMultiple({ collection: 'systemusers' }, first.oDataDeltaLink);
    assert.deepEqual(
      delta.value?.map((v: any) => v.fullname),
      ['Alice A'],
    );
  });
});

describe('$metadata and EntityDefinitions', () => {
  let sim: DataverseSimulator;
  before(async () => {
    sim = await startDataverseSimulator({
      tenant: tenant(),
      clock: new ScaledClock(),
      alternateKeys: { accounts: [['accountnumber']] },
    });
  });
  after(async () => sim.close());

  test('CSDL with the navigation properties binds use', async () => {
    const r = await fetch(`${sim.baseUrl}/$metadata`, { headers: { Authorization: 'Bearer t' } });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/xml');
    const xml = await r.text();
    assert.match(xml, /^<\?xml version="1.0" encoding="utf-8"\?>\n<edmx:Edmx Version="4.0"/);
    const email = /<EntityType Name="email" [^>]*>([\s\S]*?)<\/EntityType>/.exec(xml)![1];
    for (const [nav, type] of [
      ['regardingobjectid_contact_email', 'contact'],
      ['regardingobjectid_account_email', 'account'],
      ['regardingobjectid_asyncoperation', 'asyncoperation'],
      ['parentactivityid', 'email'],
      ['correlatedactivityid_email', 'email'],
      ['receivingmailboxid_email', 'mailbox'],
      ['acceptingentityid_queue', 'queue'],
      ['acceptingentityid_systemuser', 'systemuser'],
    ])
      assert.match(email, new RegExp(`<NavigationProperty Name="${nav}" Type="mscrm\\.${type}">`), nav);
    assert.match(email, /<Key><PropertyRef Name="activityid" \/><\/Key>/);
    assert.match(
      email,
      /<NavigationProperty Name="email_activity_parties" Type="Collection\(mscrm\.activityparty\)" Partner="activityid_email" \/>/,
    );
    const party = /<EntityType Name="activityparty" [^>]*>([\s\S]*?)<\/EntityType>/.exec(xml)![1];
    for (const t of ['account', 'contact', 'lead', 'queue', 'systemuser'])
      assert.match(party, new RegExp(`<NavigationProperty Name="partyid_${t}" Type="mscrm\\.${t}">`));
    assert.match(
      party,
      /<NavigationProperty Name="activityid_email" Type="mscrm\.email" Partner="email_activity_parties">/,
    );
    assert.match(xml, /<EntitySet Name="emails" EntityType="Microsoft\.Dynamics\.CRM\.email" \/>/);
    assert.match(xml, /<EntitySet Name="activityparties" EntityType="Microsoft\.Dynamics\.CRM\.activityparty" \/>/);
    const contact = /<EntityType Name="contact" [^>]*>([\s\S]*?)<\/EntityType>/.exec(xml)![1];
    assert.match(contact, /Org\.OData\.Capabilities\.V1\.ChangeTracking/);
    assert.doesNotMatch(email, /ChangeTracking/);

    const api = new DynamicsWebApi({
      serverUrl: new URL(sim.baseUrl).origin,
      dataApi: { version: '9.2' },
      onTokenRefresh: async () => 't',
    });
    const viaClient = await api.retrieveCsdlMetadata();
    assert.match(String(viaClient), /regardingobjectid_contact_email/);
  });

  test('EntityDefinitions by LogicalName, with $select, $filter and Keys', async () => {
    const r = await call(
      sim.baseUrl,
      'GET',
      "EntityDefinitions(LogicalName='email')?$select=EntitySetName,PrimaryIdAttribute",
    );
    assert.equal(r.status, 200);
    assert.equal(r.json.EntitySetName, 'emails');
    assert.equal(r.json.PrimaryIdAttribute, 'activityid');
    assert.match(r.json.MetadataId, /^[0-9a-f-]{36}$/);
    assert.equal(
      r.json['@odata.context'],
      `${sim.baseUrl}/$metadata#EntityDefinitions(EntitySetName,PrimaryIdAttribute)/$entity`,
    );
    assert.equal((await call(sim.baseUrl, 'GET', "EntityDefinitions(LogicalName='nosuchtable')")).status, 404);
    const tracked = await call(
      sim.baseUrl,
      'GET',
      'EntityDefinitions?$select=LogicalName&$filter=ChangeTrackingEnabled eq true',
    );
    assert.deepEqual(tracked.json.value.map((v: any) => v.LogicalName).sort(), [
      'account',
      'appointment',
      'contact',
      'lead',
      'queue',
      'recurringappointmentmaster',
      'systemuser',
      'task',
    ]);
    const keys = await call(
      sim.baseUrl,
      'GET',
      "EntityDefinitions(LogicalName='account')?$select=SchemaName&$expand=Keys($select=KeyAttributes)",
    );
    assert.deepEqual(keys.json.Keys, [{ KeyAttributes: ['accountnumber'] }]);
    const api = new DynamicsWebApi({
      serverUrl: new URL(sim.baseUrl).origin,
      dataApi: { version: '9.2' },
      onTokenRefresh: async () => 't',
    });
    const viaClient = await api.retrieveEntity({
      key: "LogicalName='activityparty'",
      select: ['EntitySetName', 'PrimaryIdAttribute'],
    });
    assert.equal(viaClient.EntitySetName, 'activityparties');
    // useEntityNames resolves logical names through EntityDefinitions?$select=EntitySetName,LogicalName.
    const byName = new DynamicsWebApi({
      serverUrl: new URL(sim.baseUrl).origin,
      dataApi: { version: '9.2' },
      useEntityNames: true,
      onTokenRefresh: async () => 't',
    });
    const contacts = await byName.retrieveMultiple({
      collection: 'contact',
      select: ['fullname'],
      filter: "fullname eq 'Bob'",
    });
    assert.equal(contacts.value?.length, 1);
  });
});

describe('closed activities, activityparties, $expand of lookups', () => {
  let sim: DataverseSimulator;
  before(async () => {
    sim = await startDataverseSimulator({ tenant: tenant(), clock: new ScaledClock() });
  });
  after(async () => sim.close());

  test('a Sent email is read-only except Regarding, owner, state and engagement columns', async () => {
    const subject = await call(sim.baseUrl, 'PATCH', `emails(${E1})`, {
      body: { subject: 'edited' },
      headers: { 'If-Match': '*' },
    });
    assert.equal(subject.status, 400);
    assert.equal(subject.json.error.code, '0x80040203');
    assert.match(subject.json.error.message, /closed .*'subject'/);
    const parties = await call(sim.baseUrl, 'PUT', `emails(${E1})/email_activity_parties`, {
      body: { value: [{ participationtypemask: 2, addressused: 'x@y.z' }] },
    });
    assert.equal(parties.status, 400);
    assert.equal((await call(sim.baseUrl, 'PUT', `emails(${E1})/description`, { body: { value: 'x' } })).status, 400);

    const regarding = await call(sim.baseUrl, 'PATCH', `emails(${E1})`, {
      body: { 'regardingobjectid_contact_email@odata.bind': `/contacts(${BOB})`, opencount: 2 },
      headers: { 'If-Match': '*', Prefer: 'return=representation' },
    });
    assert.equal(regarding.status, 200, regarding.text);
    assert.equal(regarding.json._regardingobjectid_value, BOB);
    assert.equal(
      (
        await call(sim.baseUrl, 'PUT', `emails(${E1})/regardingobjectid_account_email/$ref`, {
          body: { '@odata.id': `${sim.baseUrl}/accounts(${ACC})` },
        })
      ).status,
      204,
    );
    assert.equal((await call(sim.baseUrl, 'DELETE', `emails(${E1})/regardingobjectid_account_email/$ref`)).status, 204);
    assert.equal(
      (await call(sim.baseUrl, 'PATCH', `emails(${E1})`, { body: { 'ownerid@odata.bind': `/systemusers(${USER})` } }))
        .status,
      204,
    );

    // Reopening is a state change (allowed); then the email is editable again.
    assert.equal(
      (await call(sim.baseUrl, 'PATCH', `emails(${E1})`, { body: { statecode: 0, statuscode: 1 } })).status,
      204,
    );
    assert.equal((await call(sim.baseUrl, 'PATCH', `emails(${E1})`, { body: { subject: 'edited' } })).status, 204);
    // Create and close in one request is fine; so is closing a draft and setting Regarding in the same PATCH.
    assert.equal(
      (
        await call(sim.baseUrl, 'PATCH', `emails(${DRAFT})`, {
          body: { subject: 'final', statecode: 1, statuscode: 4 },
        })
      ).status,
      204,
    );
    assert.equal((await call(sim.baseUrl, 'PATCH', `emails(${DRAFT})`, { body: { subject: 'again' } })).status, 400);
    assert.equal(
      (await call(sim.baseUrl, 'DELETE', `emails(${DRAFT})`)).status,
      204,
      'closed activities can still be deleted',
    );
  });

  test('activityparties is readable with $filter on addressused, _partyid_value, _activityid_value, participationtypemask', async () => {
    const q = async (filter: string, headers: Record<string, string> = {}) =>
      call(
        sim.baseUrl,
        'GET',
        `activityparties?$select=participationtypemask,addressused,_partyid_value,_activityid_value&$filter=${encodeURIComponent(filter)}`,
        { headers },
      );
    const byAddress = await q("addressused eq 'NOBODY@external.com'");
    assert.equal(byAddress.status, 200, byAddress.text);
    assert.deepEqual(
      byAddress.json.value.map((p: any) => [p._activityid_value, p.participationtypemask]),
      [[E1, 2]],
    );
    const byParty = await q(`_partyid_value eq ${BOB} and participationtypemask eq 2`, {
      Prefer: 'odata.include-annotations="*"',
    });
    assert.equal(byParty.json.value.length, 1, 'the draft was deleted above; E1 still has Bob');
    assert.equal(byParty.json.value[0]['_partyid_value@Microsoft.Dynamics.CRM.lookuplogicalname'], 'contact');
    assert.equal(byParty.json.value[0]['_activityid_value@Microsoft.Dynamics.CRM.lookuplogicalname'], 'email');
    const all = await call(sim.baseUrl, 'GET', `activityparties?$filter=_activityid_value eq ${E1}&$count=true`);
    assert.equal(all.json['@odata.count'], 3);
    const one = await call(sim.baseUrl, 'GET', `activityparties(${all.json.value[0].activitypartyid})`);
    assert.equal(one.json._activityid_value, E1);
    assert.equal((await call(sim.baseUrl, 'GET', 'activityparties?$filter=bogus eq 1')).status, 400);
    assert.equal(
      (await call(sim.baseUrl, 'POST', 'activityparties', { body: { participationtypemask: 2 } })).status,
      405,
    );
  });

  test('$expand of single-valued lookups, with $select', async () => {
    const e = await call(
      sim.baseUrl,
      'GET',
      `emails(${E1})?$select=subject&$expand=regardingobjectid_contact_email($select=fullname),regardingobjectid_opportunity_email($select=name),email_activity_parties($select=addressused)`,
    );
    assert.equal(e.status, 200, e.text);
    assert.equal(e.json.regardingobjectid_contact_email, null);
    assert.equal(e.json.regardingobjectid_opportunity_email, null, 'E1 regarding was cleared above');
    assert.equal(e.json.email_activity_parties.length, 3);
    const c = await call(
      sim.baseUrl,
      'GET',
      `contacts?$select=fullname&$filter=contactid eq ${BOB}&$expand=parentcustomerid_account($select=name)`,
    );
    assert.deepEqual(c.json.value[0].parentcustomerid_account, {
      '@odata.etag': c.json.value[0].parentcustomerid_account['@odata.etag'],
      name: 'Fabrikam',
      accountid: ACC,
    });
    const o = await call(sim.baseUrl, 'GET', `emails(${E1})?$select=subject&$expand=ownerid`);
    assert.equal(o.json.ownerid.systemuserid, USER);
    assert.equal((await call(sim.baseUrl, 'GET', `emails(${E1})?$expand=nosuchnav`)).status, 400);
  });
});

describe('latency (`latencyMs`, `--faults dataverse.latency`)', () => {
  test('every request takes at least latencyMs of real time, and holds its concurrency slot meanwhile', async (t) => {
    const clock = new ScaledClock(new Date('2025-01-10T10:00:00Z'));
    const sim = await startDataverseSimulator({ tenant: tenant(), clock, latencyMs: 120, limits: { concurrent: 2 } });
    try {
      // A lower bound only: a slow machine makes the request longer, never shorter.
      const t0 = Date.now();
      assert.equal((await call(sim.baseUrl, 'GET', 'contacts?$top=1')).status, 200);
      assert.ok(Date.now() - t0 >= 115, `took ${Date.now() - t0} ms`);
      // The slot: with the timers in the test's hands, the latency ends only when the test says so.
      t.mock.timers.enable({ apis: ['setTimeout'] });
      const pending = Array.from({ length: 3 }, () => call(sim.baseUrl, 'GET', 'contacts?$top=1'));
      await until(() => sim.stats().requests === 4);
      assert.equal(sim.usage('token-a')!.inFlight, 2);
      assert.equal(sim.stats().throttled.concurrency, 1);
      t.mock.timers.tick(119);
      assert.equal(sim.usage('token-a')!.inFlight, 2, 'both still hold their slot 1 ms before latencyMs');
      t.mock.timers.tick(1);
      const results = await Promise.all(pending);
      assert.deepEqual(results.map((r) => r.status).sort(), [200, 200, 429]);
      assert.equal(sim.usage('token-a')!.inFlight, 0);
    } finally {
      t.mock.timers.reset();
      await sim.close();
    }
  });
});
