// The Dataverse Web API simulator driven over real HTTP: raw fetch for each behaviour, then the
// dynamics-web-api package as an independent client.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DynamicsWebApi } from 'dynamics-web-api';
import type { Json, TenantFixture } from '../../local/tenant/fixture';
import { startDataverseSimulator, type DataverseSimulator } from '../../local/sim/dataverse';
import { rawCall } from '../support/web-api';

const clock = { now: () => new Date('2025-01-10T10:00:00.123Z') };
const USER = '11111111-1111-1111-1111-111111111111';
const QUEUE = '22222222-2222-2222-2222-222222222222';
const ACC = '33333333-3333-3333-3333-333333333333';
const BOB = '44444444-4444-4444-4444-444444444444';
const CAROL = '55555555-5555-5555-5555-555555555555';
const OPP = '66666666-6666-6666-6666-666666666666';
const E1 = '77777777-7777-7777-7777-777777777777';
const MBX = '88888888-8888-8888-8888-888888888888';

function tenant(): TenantFixture {
  return {
    exchange: {},
    dataverse: {
      systemusers: [
        { systemuserid: USER, fullname: 'Alice', internalemailaddress: 'alice@contoso.com', isdisabled: false },
      ],
      queues: [{ queueid: QUEUE, name: 'Sales', emailaddress: 'sales@contoso.com', incomingemailfilteringmethod: 0 }],
      mailboxes: [
        {
          mailboxid: MBX,
          emailaddress: 'alice@contoso.com',
          _regardingobjectid_value: USER,
          'regardingobjectid@odata.type': 'systemuser',
        },
      ],
      accounts: [{ accountid: ACC, name: "O'Brien & Co", emailaddress1: 'info@fabrikam.com' }],
      contacts: [
        {
          contactid: BOB,
          fullname: 'Bob',
          emailaddress1: 'Bob@Fabrikam.com',
          _parentcustomerid_value: ACC,
          'parentcustomerid@odata.type': 'account',
          _ownerid_value: USER,
          age: 40,
        },
        { contactid: CAROL, fullname: 'Carol', emailaddress1: 'carol@contoso.com', age: 30 },
        ...Array.from({ length: 10 }, (_, i) => ({
          fullname: `Gen ${String(i).padStart(2, '0')}`,
          emailaddress1: `gen${i}@example.com`,
          age: 20 + i,
        })),
      ],
      opportunities: [{ opportunityid: OPP, name: 'Q-100' }],
      emails: [
        {
          activityid: E1,
          subject: 'Quote Q-100 CRM:0001001',
          messageid: '<e1@contoso.com>',
          directioncode: true,
          statuscode: 3,
          _regardingobjectid_value: OPP,
          'regardingobjectid@odata.type': 'opportunity',
          email_activity_parties: [
            { participationtypemask: 1, _partyid_value: USER, 'partyid@odata.type': 'systemuser' },
            { participationtypemask: 2, _partyid_value: BOB, 'partyid@odata.type': 'contact' },
            { participationtypemask: 2, addressused: 'nobody@external.com' },
          ],
        },
      ],
      widgets: [{ widgetid: 'w-1', label: 'generic' }],
    },
  };
}

let sim: DataverseSimulator;
const AUTH = { Authorization: 'Bearer test-token' };

const call = (method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) =>
  rawCall(sim.baseUrl, method, path, opts);
const names = (r: { json: any }): string[] => r.json.value.map((v: Json) => v.fullname as string);

before(async () => {
  sim = await startDataverseSimulator({ tenant: tenant(), clock });
});
after(async () => {
  await sim.close();
});

describe('reading', () => {
  test('needs a bearer token', async () => {
    const res = await fetch(`${sim.baseUrl}/contacts`);
    assert.equal(res.status, 401);
    assert.equal((await call('GET', 'contacts', { headers: { Authorization: 'Bearer ' } })).status, 401);
  });

  test('GET collection and single, with lookup annotations only on request', async () => {
    const all = await call('GET', 'contacts');
    assert.equal(all.status, 200);
    assert.equal(all.json['@odata.context'], `${sim.baseUrl}/$metadata#contacts`);
    assert.equal(all.json.value.length, 12);
    const bob = await call('GET', `contacts(${BOB})?$select=fullname,_parentcustomerid_value`, {
      headers: { Prefer: 'odata.include-annotations="*"' },
    });
    assert.equal(bob.json.contactid, BOB);
    assert.equal(bob.json._parentcustomerid_value, ACC);
    assert.equal(bob.json['_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname'], 'account');
    assert.match(bob.json['@odata.etag'], /^W\/"\d+"$/);
    const plain = await call('GET', `contacts(${BOB})`);
    assert.equal(plain.json['_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname'], undefined);
    assert.equal(plain.json.createdon, '2025-01-10T10:00:00Z');
    const missing = await call('GET', 'contacts(99999999-9999-9999-9999-999999999999)');
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error.code, '0x80040217');
    assert.match(missing.json.error.message, /contact With Id = 99999999-9999-9999-9999-999999999999 Does Not Exist/);
    assert.equal((await call('GET', 'nosuchthings')).status, 404);
    assert.equal((await call('GET', 'widgets')).json.value[0].label, 'generic');
  });

  test('$filter operators, case-insensitive strings, In, functions, GUIDs and null', async () => {
    const f = async (filter: string) =>
      names(await call('GET', `contacts?$filter=${encodeURIComponent(filter)}&$orderby=fullname`));
    assert.deepEqual(await f("emailaddress1 eq 'BOB@fabrikam.COM'"), ['Bob']);
    assert.deepEqual(await f(`_parentcustomerid_value eq ${ACC}`), ['Bob']);
    assert.deepEqual(await f('_parentcustomerid_value ne null and age ge 30'), ['Bob']);
    assert.deepEqual(await f("age gt 27 and age lt 40 and not (fullname eq 'Carol')"), ['Gen 08', 'Gen 09']);
    assert.deepEqual(await f("(fullname eq 'Bob' or fullname eq 'carol') and age le 40"), ['Bob', 'Carol']);
    assert.deepEqual(await f("contains(emailaddress1,'FABRIKAM')"), ['Bob']);
    assert.deepEqual(await f("startswith(fullname,'gen 0') and endswith(emailaddress1,'1@example.com')"), ['Gen 01']);
    assert.deepEqual(
      await f(
        "Microsoft.Dynamics.CRM.In(PropertyName='emailaddress1',PropertyValues=['carol@CONTOSO.com','bob@fabrikam.com'])",
      ),
      ['Bob', 'Carol'],
    );
    assert.deepEqual(await f('_parentcustomerid_value eq null and age eq 30'), ['Carol']);
    assert.deepEqual((await f("emailaddress1 ne 'bob@fabrikam.com'")).length, 11);
    const accounts = await call('GET', `accounts?$filter=${encodeURIComponent("name eq 'o''brien & co'")}`);
    assert.equal(accounts.json.value.length, 1);
    const bad = await call('GET', "contacts?$filter=nosuchcolumn eq 'x'");
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.code, '0x80060888');
    assert.match(bad.json.error.message, /Could not find a property named 'nosuchcolumn'/);
    assert.equal((await call('GET', 'contacts?$select=fullname,bogus')).status, 400);
    const emails = await call(
      'GET',
      `emails?$filter=${encodeURIComponent("messageid eq '<E1@contoso.com>' and statecode eq 1")}`,
    );
    assert.equal(emails.json.value[0].activityid, E1);
  });

  test('$select, $orderby (several keys), $top, $count', async () => {
    const r = await call('GET', 'contacts?$select=fullname,age&$orderby=age desc,fullname asc&$top=3&$count=true');
    assert.equal(r.json['@odata.count'], 12);
    assert.deepEqual(names(r), ['Bob', 'Carol', 'Gen 09']);
    assert.deepEqual(Object.keys(r.json.value[0]).sort(), ['@odata.etag', 'age', 'contactid', 'fullname']);
  });

  test('paging with odata.maxpagesize follows absolute nextLinks; $top turns paging off', async () => {
    const seen: string[] = [];
    let url: string | undefined = `${sim.baseUrl}/contacts?$select=fullname&$orderby=fullname`;
    let pages = 0;
    while (url) {
      const r = await call('GET', url, { headers: { Prefer: 'odata.maxpagesize=5' } });
      assert.equal(r.headers.get('preference-applied'), 'odata.maxpagesize=5');
      seen.push(...names(r));
      url = r.json['@odata.nextLink'];
      if (url) assert.ok(url.startsWith(`${sim.baseUrl}/contacts?`) && url.includes('$skiptoken='));
      pages++;
    }
    assert.equal(pages, 3);
    assert.equal(seen.length, 12);
    assert.deepEqual(seen, [...seen].sort());
    const top = await call('GET', 'contacts?$top=7', { headers: { Prefer: 'odata.maxpagesize=5' } });
    assert.equal(top.json.value.length, 7);
    assert.equal(top.json['@odata.nextLink'], undefined);
  });

  test('emails expand their parties', async () => {
    const r = await call(
      'GET',
      `emails(${E1})?$expand=email_activity_parties($select=participationtypemask,_partyid_value,addressused)`,
      {
        headers: { Prefer: 'odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname"' },
      },
    );
    const parties = r.json.email_activity_parties;
    assert.equal(parties.length, 3);
    assert.equal(parties[1]._partyid_value, BOB);
    assert.equal(parties[1]['_partyid_value@Microsoft.Dynamics.CRM.lookuplogicalname'], 'contact');
    assert.equal(parties[2]._partyid_value, null);
    assert.equal(parties[2].addressused, 'nobody@external.com');
    assert.equal(r.json['_regardingobjectid_value@Microsoft.Dynamics.CRM.lookuplogicalname'], 'opportunity');
  });
});

describe('writing', () => {
  test('create: 204 with OData-EntityId, 201 with representation, duplicate key 412', async () => {
    const r = await call('POST', 'contacts', {
      body: {
        fullname: 'Dave',
        emailaddress1: 'dave@x.com',
        'parentcustomerid_account@odata.bind': `/accounts(${ACC})`,
      },
    });
    assert.equal(r.status, 204);
    const id = /contacts\(([0-9a-f-]{36})\)$/.exec(r.headers.get('odata-entityid') ?? '')?.[1];
    assert.ok(id && r.headers.get('odata-entityid')!.startsWith(sim.baseUrl));
    const got = await call('GET', `contacts(${id})`);
    assert.equal(got.json._parentcustomerid_value, ACC);
    assert.equal(got.json.statecode, 0);
    const id2 = 'abcdefab-0000-0000-0000-000000000001';
    const rep = await call('POST', 'contacts?$select=fullname', {
      body: { contactid: id2, fullname: 'Eve' },
      headers: { Prefer: 'return=representation' },
    });
    assert.equal(rep.status, 201);
    assert.equal(rep.json.fullname, 'Eve');
    assert.equal(rep.json.contactid, id2);
    const dup = await call('POST', 'contacts', { body: { contactid: id2, fullname: 'Eve again' } });
    assert.equal(dup.status, 412);
    assert.equal(dup.json.error.code, '0x80040237');
    assert.equal(
      (
        await call('POST', 'contacts', {
          body: { 'parentcustomerid_account@odata.bind': '/accounts(99999999-9999-9999-9999-999999999999)' },
        })
      ).status,
      404,
    );
  });

  test('email deep insert with binds and parties; read-only columns and bad masks are refused', async () => {
    const id = 'e0000000-0000-0000-0000-000000000001';
    const created = await call('POST', 'emails', {
      body: {
        activityid: id,
        subject: 'hello',
        directioncode: false,
        messageid: '<m1@x>',
        'regardingobjectid_contact_email@odata.bind': `/contacts(${BOB})`,
        'parentactivityid@odata.bind': `/emails(${E1})`,
        'ReceivingMailboxId_Email@odata.bind': `${sim.baseUrl}/mailboxes(${MBX})`,
        'acceptingentityid_queue@odata.bind': `/queues(${QUEUE})`,
        email_activity_parties: [
          { participationtypemask: 1, 'partyid_contact@odata.bind': `/contacts(${BOB})` },
          { participationtypemask: 2, 'partyid_systemuser@odata.bind': `/systemusers(${USER})` },
          { participationtypemask: 3, addressused: 'cc@external.com' },
        ],
      },
      headers: { Prefer: 'return=representation' },
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json._regardingobjectid_value, BOB);
    assert.equal(created.json._parentactivityid_value, E1);
    assert.equal(created.json._receivingmailboxid_value, MBX);
    assert.equal(created.json._acceptingentityid_value, QUEUE);
    assert.equal(created.json.statecode, 0);
    const dumped = sim.dump().emails.find((e) => e.activityid === id)!;
    assert.equal(dumped['regardingobjectid@odata.type'], 'contact');
    assert.equal(dumped['acceptingentityid@odata.type'], 'queue');
    assert.deepEqual(dumped.email_activity_parties, [
      { participationtypemask: 1, _partyid_value: BOB, 'partyid@odata.type': 'contact' },
      { participationtypemask: 2, _partyid_value: USER, 'partyid@odata.type': 'systemuser' },
      { participationtypemask: 3, addressused: 'cc@external.com' },
    ]);

    for (const col of ['inreplyto', 'conversationindex', 'correlationmethod', 'senton']) {
      const r = await call('POST', 'emails', { body: { subject: 'x', [col]: col === 'correlationmethod' ? 3 : 'v' } });
      assert.equal(r.status, 400, col);
      assert.match(r.json.error.message, new RegExp(col));
    }
    const mask = await call('POST', 'emails', {
      body: { subject: 'x', email_activity_parties: [{ participationtypemask: 5, addressused: 'a@b.c' }] },
    });
    assert.equal(mask.status, 400);
    assert.equal(mask.json.error.code, '0x80094006');
    const apptMask = await call('POST', 'appointments', {
      body: { subject: 'x', appointment_activity_parties: [{ participationtypemask: 1, addressused: 'a@b.c' }] },
    });
    assert.equal(apptMask.json.error.code, '0x80094006');
    const organizer = await call('POST', 'appointments', {
      body: {
        subject: 'x',
        appointment_activity_parties: [{ participationtypemask: 7, 'partyid_contact@odata.bind': `/contacts(${BOB})` }],
      },
    });
    assert.equal(organizer.json.error.code, '0x80043506');
    assert.equal((await call('POST', 'appointments', { body: { subject: 'x', statecode: 3 } })).status, 400);
    assert.equal((await call('GET', "emails?$filter=subject eq 'x'")).json.value.length, 0, 'nothing half-written');
  });

  test('PATCH upsert matrix', async () => {
    const id = 'c0000000-0000-0000-0000-00000000aaaa';
    let r = await call('PATCH', `contacts(${id})`, { body: { fullname: 'Up' } });
    assert.equal(r.status, 204);
    assert.ok(r.headers.get('odata-entityid')?.endsWith(`contacts(${id})`));
    r = await call('PATCH', `contacts(${id})`, { body: { fullname: 'Up2' } });
    assert.equal(r.status, 204);
    r = await call('PATCH', `contacts(${id})`, {
      body: { fullname: 'Up3' },
      headers: { Prefer: 'return=representation' },
    });
    assert.equal(r.status, 200);
    assert.equal(r.json.fullname, 'Up3');
    r = await call('PATCH', 'contacts(c0000000-0000-0000-0000-00000000bbbb)', {
      body: { fullname: 'New' },
      headers: { Prefer: 'return=representation' },
    });
    assert.equal(r.status, 201);
    r = await call('PATCH', 'contacts(c0000000-0000-0000-0000-00000000cccc)', {
      body: { fullname: 'x' },
      headers: { 'If-Match': '*' },
    });
    assert.equal(r.status, 404);
    assert.equal(r.json.error.code, '0x80040217');
    r = await call('PATCH', `contacts(${id})`, { body: { fullname: 'Up4' }, headers: { 'If-Match': '*' } });
    assert.equal(r.status, 204);
    r = await call('PATCH', `contacts(${id})`, { body: { fullname: 'x' }, headers: { 'If-None-Match': '*' } });
    assert.equal(r.status, 412);
    assert.equal(r.json.error.code, '0x80040237');
    r = await call('PATCH', 'contacts(c0000000-0000-0000-0000-00000000dddd)', {
      body: { fullname: 'Only' },
      headers: { 'If-None-Match': '*' },
    });
    assert.equal(r.status, 204);
    const etag = (await call('GET', `contacts(${id})`)).json['@odata.etag'];
    r = await call('PATCH', `contacts(${id})`, { body: { fullname: 'Stale' }, headers: { 'If-Match': 'W/"1"' } });
    assert.equal(r.status, 412);
    assert.equal(r.json.error.code, '0x80060882');
    r = await call('PATCH', `contacts(${id})`, {
      body: { fullname: 'Fresh', statecode: 1, statuscode: 2 },
      headers: { 'If-Match': etag, 'If-None-Match': 'null' },
    });
    assert.equal(r.status, 204);
    const after = await call('GET', `contacts(${id})`, { headers: { 'If-None-Match': etag } });
    assert.equal(after.json.fullname, 'Fresh');
    assert.equal(after.json.statecode, 1);
    assert.notEqual(after.json['@odata.etag'], etag);
    assert.equal(
      (await call('GET', `contacts(${id})`, { headers: { 'If-None-Match': after.json['@odata.etag'] } })).status,
      304,
    );
    assert.equal((await call('DELETE', `contacts(${id})`)).status, 204);
    assert.equal((await call('DELETE', `contacts(${id})`)).status, 404);
  });

  test('alternate keys: only defined ones, bad characters refused, uniqueness enforced', async () => {
    const notKey = await call('PATCH', "accounts(accountnumber='A-1')", { body: { name: 'A1' } });
    assert.equal(notKey.status, 400);
    assert.equal(notKey.json.error.code, '0x80060890');
    sim.defineAlternateKey('accounts', ['accountnumber']);
    assert.equal((await call('PATCH', "accounts(accountnumber='A-1')", { body: { name: 'A1' } })).status, 204);
    assert.equal(
      (await call('PATCH', "accounts(accountnumber='A-1')", { body: { name: 'A1b', accountnumber: 'ignored' } }))
        .status,
      204,
    );
    const got = await call('GET', "accounts(accountnumber='A-1')");
    assert.equal(got.json.name, 'A1b');
    assert.equal(got.json.accountnumber, 'A-1');
    const bad = await call('GET', `accounts(accountnumber='${encodeURIComponent('a+b@x')}')`);
    assert.equal(bad.status, 400);
    const dup = await call('POST', 'accounts', { body: { name: 'dup', accountnumber: 'a-1' } });
    assert.equal(dup.status, 412);
    assert.equal(dup.json.error.code, '0x80060892');
    const bound = await call('POST', 'contacts', {
      body: { fullname: 'Key bound', 'parentcustomerid_account@odata.bind': "/accounts(accountnumber='A-1')" },
      headers: { Prefer: 'return=representation' },
    });
    assert.equal(bound.json._parentcustomerid_value, got.json.accountid);
  });

  test("PUT replaces an email's parties (open emails only)", async () => {
    const closed = await call('PUT', `emails(${E1})/email_activity_parties`, {
      body: { value: [{ participationtypemask: 4, addressused: 'bcc@x.com' }] },
    });
    assert.equal(closed.status, 400, 'E1 is Sent (statecode 1): read-only');
    const draft = await call('POST', 'emails', {
      body: { subject: 'draft for PUT' },
      headers: { Prefer: 'return=representation' },
    });
    const r = await call('PUT', `emails(${draft.json.activityid})/email_activity_parties`, {
      body: {
        value: [
          { participationtypemask: 1, 'partyid_queue@odata.bind': `/queues(${QUEUE})` },
          { participationtypemask: 4, addressused: 'bcc@x.com' },
        ],
      },
    });
    assert.equal(r.status, 204, r.text);
    const parties = (await call('GET', `emails(${draft.json.activityid})/email_activity_parties`)).json.value;
    assert.deepEqual(
      parties.map((p: Json) => [p.participationtypemask, p._partyid_value, p.addressused]),
      [
        [1, QUEUE, null],
        [4, null, 'bcc@x.com'],
      ],
    );
  });
});

function batchBody(boundary: string, parts: string[], eol = '\r\n'): string {
  return parts.map((p) => `--${boundary}${eol}${p}`).join(eol) + `${eol}--${boundary}--${eol}`;
}
function changeset(cs: string, requests: { id?: number; line: string; body?: unknown }[], eol = '\r\n'): string {
  const inner = requests
    .map((r) =>
      [
        `--${cs}`,
        'Content-Type: application/http',
        'Content-Transfer-Encoding: binary',
        ...(r.id ? [`Content-ID: ${r.id}`] : []),
        '',
        r.line,
        'Content-Type: application/json',
        '',
        r.body === undefined ? '' : JSON.stringify(r.body),
      ].join(eol),
    )
    .join(eol);
  return [`Content-Type: multipart/mixed; boundary="${cs}"`, '', inner, `--${cs}--`].join(eol);
}
const getPart = (path: string, eol = '\r\n') =>
  [
    'Content-Type: application/http',
    'Content-Transfer-Encoding: binary',
    '',
    `GET ${path} HTTP/1.1`,
    'Accept: application/json',
    '',
  ].join(eol);
async function postBatch(body: string, boundary: string, prefer?: string) {
  return call('POST', '$batch', {
    body,
    headers: { 'Content-Type': `multipart/mixed; boundary="${boundary}"`, ...(prefer ? { Prefer: prefer } : {}) },
  });
}

describe('$batch', () => {
  test('change set with Content-ID references in URL and bind, plus a top-level GET', async () => {
    const body = batchBody('batch_1', [
      changeset('changeset_1', [
        { id: 1, line: 'POST /api/data/v9.2/accounts HTTP/1.1', body: { name: 'Batch Co' } },
        {
          id: 2,
          line: 'POST contacts HTTP/1.1',
          body: { fullname: 'Batch Person', 'parentcustomerid_account@odata.bind': '$1' },
        },
        { id: 3, line: 'PATCH $1 HTTP/1.1', body: { telephone1: '555' } },
        { id: 4, line: 'PUT $2/jobtitle HTTP/1.1', body: { value: 'CTO' } },
      ]),
      getPart(
        `${sim.baseUrl}/contacts?$filter=${encodeURIComponent("fullname eq 'Batch Person'")}&$select=fullname,jobtitle,_parentcustomerid_value`,
      ),
    ]);
    const r = await postBatch(body, 'batch_1');
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type') ?? '', /^multipart\/mixed; boundary=batchresponse_/);
    assert.match(r.text, /^--batchresponse_/);
    assert.match(r.text, /--changesetresponse_/);
    assert.equal((r.text.match(/HTTP\/1\.1 204 No Content/g) ?? []).length, 4);
    assert.match(r.text, /Content-ID: 2\r\n\r\nHTTP\/1\.1 204/);
    const json = JSON.parse(r.text.slice(r.text.indexOf('{"@odata.context"'), r.text.lastIndexOf('}') + 1));
    assert.equal(json.value[0].jobtitle, 'CTO');
    const acc = (await call('GET', `accounts?$filter=${encodeURIComponent("name eq 'Batch Co'")}`)).json.value[0];
    assert.equal(acc.telephone1, '555');
    assert.equal(json.value[0]._parentcustomerid_value, acc.accountid);
    assert.ok(sim.stats().batchParts >= 5);
  });

  test('a failing change set rolls back entirely and stops the batch (LF line endings)', async () => {
    const lf = '\n';
    const body = batchBody(
      'b2',
      [
        changeset(
          'cs2',
          [
            { id: 1, line: 'POST accounts HTTP/1.1', body: { name: 'Rollback Co' } },
            { id: 2, line: 'POST emails HTTP/1.1', body: { subject: 'rb', inreplyto: '<x@y>' } },
          ],
          lf,
        ),
        getPart('accounts', lf),
      ],
      lf,
    );
    const r = await postBatch(body, 'b2');
    assert.equal(r.status, 400);
    assert.ok(r.json.error.message.includes('inreplyto'));
    assert.equal(
      (await call('GET', `accounts?$filter=${encodeURIComponent("name eq 'Rollback Co'")}`)).json.value.length,
      0,
    );
  });

  test('continue-on-error answers 200 with per-part statuses', async () => {
    const body = batchBody('b3', [
      changeset('cs3a', [
        { id: 1, line: 'POST accounts HTTP/1.1', body: { name: 'Fails Co' } },
        { id: 2, line: 'PATCH contacts(99999999-9999-9999-9999-999999999999) HTTP/1.1', body: { fullname: 'x' } },
      ]),
      getPart('contacts(99999999-9999-9999-9999-999999999999)'),
      changeset('cs3b', [{ id: 1, line: 'POST accounts HTTP/1.1', body: { name: 'Works Co' } }]),
    ]);
    // The PATCH is an upsert (creates), so make it fail with If-Match instead.
    const withIfMatch = body.replace(
      'PATCH contacts(99999999-9999-9999-9999-999999999999) HTTP/1.1\r\nContent-Type: application/json',
      'PATCH contacts(99999999-9999-9999-9999-999999999999) HTTP/1.1\r\nContent-Type: application/json\r\nIf-Match: *',
    );
    const r = await postBatch(withIfMatch, 'b3', 'odata.continue-on-error');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(
      [...r.text.matchAll(/HTTP\/1\.1 (\d+)/g)].map((m) => Number(m[1])),
      [404, 404, 204],
    );
    assert.equal(
      (await call('GET', `accounts?$filter=${encodeURIComponent("name eq 'Fails Co'")}`)).json.value.length,
      0,
    );
    assert.equal(
      (await call('GET', `accounts?$filter=${encodeURIComponent("name eq 'Works Co'")}`)).json.value.length,
      1,
    );
    const stop = await postBatch(withIfMatch, 'b3');
    assert.equal(stop.status, 404);
  });

  test('GET inside a change set, unknown Content-ID and more than 1,000 requests are refused', async () => {
    const get = await postBatch(batchBody('b4', [changeset('cs4', [{ line: 'GET contacts HTTP/1.1' }])]), 'b4');
    assert.equal(get.status, 400);
    const ref = await postBatch(
      batchBody('b5', [changeset('cs5', [{ id: 1, line: 'PATCH $7 HTTP/1.1', body: { name: 'x' } }])]),
      'b5',
    );
    assert.equal(ref.status, 400);
    assert.match(ref.json.error.message, /Content-ID Reference: '\$7' does not exist/);
    const many = await postBatch(
      batchBody(
        'b6',
        Array.from({ length: 1001 }, () => getPart('contacts?$top=1')),
      ),
      'b6',
    );
    assert.equal(many.status, 400);
    assert.match(many.json.error.message, /1000/);
  });
});

describe('state', () => {
  test('dump round-trips as a fixture, and a snapshot restarts the same state', async () => {
    const dump = sim.dump();
    assert.ok(dump.emails.every((e) => Array.isArray(e.email_activity_parties)));
    const again = await startDataverseSimulator({ tenant: { dataverse: dump, exchange: {} }, clock });
    try {
      assert.deepEqual(again.dump(), dump);
    } finally {
      await again.close();
    }
    const snap = JSON.parse(JSON.stringify(sim.snapshot()));
    const restarted = await startDataverseSimulator({ snapshot: snap, clock });
    try {
      assert.deepEqual(restarted.dump(), dump);
      const r = await fetch(`${restarted.baseUrl}/emails(${E1})?$expand=email_activity_parties`, { headers: AUTH });
      assert.equal(((await r.json()) as any).email_activity_parties.length, 3);
      // Versions keep increasing after a restart, so old etags stay stale.
      restarted.upsertRecord('contacts', { contactid: CAROL, fullname: 'Carol R' });
      const carol = restarted.dump().contacts.find((c) => c.contactid === CAROL)!;
      const maxBefore = Math.max(
        ...Object.values(dump)
          .flat()
          .map((x: Json) => Number(x.versionnumber ?? 0)),
      );
      assert.ok(Number(carol.versionnumber) > maxBefore);
    } finally {
      await restarted.close();
    }
  });

  test('intercept answers instead of the simulator (fault injection)', async () => {
    const faulty = await startDataverseSimulator({
      tenant: tenant(),
      clock,
      intercept: ({ method, path }) =>
        method === 'GET' && path.includes('/contacts')
          ? {
              status: 429,
              headers: { 'Retry-After': '2' },
              body: {
                error: {
                  code: '0x80072322',
                  message: 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.',
                },
              },
            }
          : undefined,
    });
    try {
      const r = await fetch(`${faulty.baseUrl}/contacts`, { headers: AUTH });
      assert.equal(r.status, 429);
      assert.equal(r.headers.get('retry-after'), '2');
      assert.equal(((await r.json()) as any).error.code, '0x80072322');
      assert.equal(faulty.stats().requests, 1);
    } finally {
      await faulty.close();
    }
  });
});

describe('dynamics-web-api as an independent client', () => {
  test('create, retrieveMultiple with filter, update, executeBatch', async () => {
    const origin = new URL(sim.baseUrl).origin;
    const api = new DynamicsWebApi({
      serverUrl: origin,
      dataApi: { version: '9.2' },
      onTokenRefresh: async () => 'client-token',
      propagateErrors: true,
    });
    const id = await api.create({
      collection: 'contacts',
      data: {
        fullname: 'Client Made',
        emailaddress1: 'client@made.com',
        'parentcustomerid_account@odata.bind': `accounts(${ACC})`,
      },
    });
    assert.match(String(id), /^[0-9a-f-]{36}$/);
    const found = await api.retrieveMultiple({
      collection: 'contacts',
      select: ['fullname', 'emailaddress1'],
      filter: "emailaddress1 eq 'CLIENT@made.com'",
    });
    assert.equal(found.value?.length, 1);
    assert.equal(found.value?.[0].fullname, 'Client Made');
    await api.update({ collection: 'contacts', key: String(id), data: { jobtitle: 'Tester' } });
    const one = await api.retrieve({
      collection: 'contacts',
      key: String(id),
      select: ['jobtitle'],
      includeAnnotations: '*',
    });
    assert.equal(one.jobtitle, 'Tester');

    api.startBatch();
    void api.create({
      collection: 'emails',
      contentId: '1',
      data: {
        subject: 'batched',
        directioncode: false,
        email_activity_parties: [{ participationtypemask: 1, [`partyid_contact@odata.bind`]: `/contacts(${id})` }],
      },
    });
    void api.update({ collection: 'contacts', key: String(id), data: { jobtitle: 'Batched' } });
    void api.retrieveMultiple({ collection: 'contacts', select: ['fullname'], filter: "fullname eq 'Client Made'" });
    const results = await api.executeBatch();
    assert.equal(results.length, 3);
    assert.match(String(results[0]), /^[0-9a-f-]{36}$/);
    assert.equal(results[2].value[0].fullname, 'Client Made');
    const email = await api.retrieve({
      collection: 'emails',
      key: String(results[0]),
      expand: [{ property: 'email_activity_parties' }],
    });
    assert.equal(email.email_activity_parties[0]._partyid_value, id);
    assert.equal(
      (await api.retrieve({ collection: 'contacts', key: String(id), select: ['jobtitle'] })).jobtitle,
      'Batched',
    );
  });
});
