import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateTenant } from '../../../local/tenant/validate';
import { acceptanceFixtureF, withInboxMessage, ALICE, ALICE_ID } from '../../../local/tenant/acceptance';
import type { Json } from '../../../local/tenant/fixture';

function problems(raw: unknown): string[] {
  const r = validateTenant(raw);
  assert.equal(r.ok, false, 'expected problems');
  return r.ok ? [] : r.problems;
}

/** F as plain JSON, to break in the ways people break fixtures. */
function f(): Json & { dataverse: Record<string, Json[]>; exchange: Record<string, Json> } {
  return JSON.parse(JSON.stringify(acceptanceFixtureF()));
}

test('a valid fixture passes and is returned as is', () => {
  const raw = f();
  const r = validateTenant(raw);
  assert.equal(r.ok, true);
  assert.equal(r.ok && r.tenant, raw);
});

test('the top level must be an object with dataverse and exchange', () => {
  assert.deepEqual(problems([]), ['(root): expected a tenant object, got an array']);
  const p = problems({ now: 'yesterday', dataVerse: {} });
  assert.ok(p.includes('now: not an ISO 8601 date with time zone: "yesterday"'), p.join('\n'));
  assert.ok(p.some((x) => x.startsWith('dataVerse: unknown top-level key')));
  assert.ok(p.some((x) => x.startsWith('dataverse: missing')));
  assert.ok(p.some((x) => x.startsWith('exchange: missing')));
});

test('a date and time without a zone is refused (it would be read as local time)', () => {
  const raw = { ...f(), now: '2025-01-10T10:00:00' };
  assert.deepEqual(problems(raw), ['now: not an ISO 8601 date with time zone: "2025-01-10T10:00:00"']);
});

test('several problems are reported at once, each with its JSON path', () => {
  const raw = f();
  raw.dataverse.contacts!.push({ contactid: 'not-a-guid', emailaddress1: 'x@y.com' });
  raw.dataverse.accounts = {} as never;
  raw.dataverse.mailboxes![0]!.emailaddress = 'alice';
  raw.dataverse.mailboxes![1]!._regardingobjectid_value = '00000000-0000-4000-8000-0000000000ff';
  const inbox = (raw.exchange[ALICE] as { mailFolders: Json[] }).mailFolders[0]!;
  inbox.messages = [{ id: 'm1' }, { id: 'm2' }, { id: 'm3' }, { id: 'm4', receivedDateTime: '10/01/2025' }];
  const expected = [
    'dataverse.mailboxes[0].emailaddress: expected the mailbox address, got "alice"',
    'dataverse.mailboxes[1]._regardingobjectid_value: no queue 00000000-0000-4000-8000-0000000000ff',
    'dataverse.contacts[1].contactid: not a GUID: "not-a-guid"',
    'dataverse.accounts: expected an array, got an object',
    'exchange["alice@contoso.com"].mailFolders[0].messages[3].receivedDateTime: not an ISO 8601 date with time zone: "10/01/2025"',
  ];
  assert.deepEqual([...problems(raw)].sort(), expected.sort());
});

test('dataverse: sets hold objects, keys are unique GUIDs, lookups are GUIDs', () => {
  const raw = f();
  raw.dataverse.widgets = [1 as never, { anything: 'goes' }];
  raw.dataverse.contacts!.push({ ...raw.dataverse.contacts![0]! });
  raw.dataverse.opportunities![0]!._parentaccountid_value = 'Fabrikam';
  const p = problems(raw);
  assert.ok(p.includes('dataverse.widgets[0]: expected an object, got number 1'), p.join('\n'));
  assert.ok(p.includes('dataverse.contacts[1].contactid: duplicate of dataverse.contacts[0]'), p.join('\n'));
  assert.ok(p.includes('dataverse.opportunities[0]._parentaccountid_value: not a GUID: "Fabrikam"'), p.join('\n'));
  assert.equal(p.length, 3, p.join('\n'));
});

test('unknown entity sets are stored as given', () => {
  const raw = f();
  raw.dataverse.new_vendors = [{ new_vendorid: 'v1', emailaddress: 'vendor@supplier.com' }];
  assert.equal(validateTenant(raw).ok, true);
});

test('mailboxes: owner must exist with the stated type, one mailbox per owner, enums in range', () => {
  const raw = f();
  const mb = raw.dataverse.mailboxes!;
  mb[0]!['regardingobjectid@odata.type'] = 'queue';
  mb.push({ ...mb[1]!, mailboxid: '00000000-0000-4000-8000-0000000000b9', emailaddress: 'sales2@contoso.com', incomingemaildeliverymethod: 7 });
  delete mb[1]!._regardingobjectid_value;
  const p = problems(raw);
  assert.deepEqual(p, [
    `dataverse.mailboxes[0]._regardingobjectid_value: no queue ${ALICE_ID}`,
    'dataverse.mailboxes[1]._regardingobjectid_value: missing: a mailbox belongs to a systemuser or queue',
    'dataverse.mailboxes[2].incomingemaildeliverymethod: expected an integer from 0 to 3, got number 7',
  ]);
});

test('usersettings point at a user; filters are 0..4', () => {
  const raw = f();
  raw.dataverse.usersettingscollection!.push({ systemuserid: '00000000-0000-4000-8000-000000000099', incomingemailfilteringmethod: 5 });
  const p = problems(raw);
  assert.deepEqual(p, [
    'dataverse.usersettingscollection[1].systemuserid: no systemuser 00000000-0000-4000-8000-000000000099',
    'dataverse.usersettingscollection[1].incomingemailfilteringmethod: expected an integer from 0 to 4, got number 5',
  ]);
});

test('organization: one row, valid prefixes, booleans, regex and OrgDB XML', () => {
  const raw = f();
  const org = raw.dataverse.organizations![0]!;
  org.trackingprefix = 'CRM:,';
  org.enablesmartmatching = 'no';
  org.hashfilterkeywords = '([';
  org.orgdborgsettings = 'AutoTrackSentFolderItems=true';
  const p = problems(raw);
  assert.deepEqual(p, [
    'dataverse.organizations[0].trackingprefix: each prefix must be 1 to 20 characters: ""',
    'dataverse.organizations[0].enablesmartmatching: expected true or false, got "no"',
    'dataverse.organizations[0].hashfilterkeywords: not a valid regular expression',
    'dataverse.organizations[0].orgdborgsettings: expected XML text of the form <OrgSettings>…</OrgSettings>',
  ]);
});

test('email parties need a type and a party or an address', () => {
  const raw = f();
  (raw.dataverse.emails![0]!.email_activity_parties as Json[]).push({ _partyid_value: 'bob' });
  const p = problems(raw);
  assert.deepEqual(p, [
    'dataverse.emails[0].email_activity_parties[2].participationtypemask: missing',
    'dataverse.emails[0].email_activity_parties[2]._partyid_value: not a GUID: "bob"',
  ]);
});

test('exchange: keys are addresses, folders have names, messages are objects with unique ids', () => {
  const raw = f();
  raw.exchange['not an address'] = { mailFolders: [] };
  raw.exchange['ALICE@contoso.com'] = { mailFolders: [] };
  raw.exchange['erin@contoso.com'] = { folders: [] };
  const folders = (raw.exchange[ALICE] as { mailFolders: Json[] }).mailFolders;
  folders.push({ displayName: '', messages: ['hello', { id: 'a' }, { id: 'a', toRecipients: 'bob@fabrikam.com' }] });
  const p = problems(raw);
  assert.deepEqual(p, [
    'exchange["alice@contoso.com"].mailFolders[2].displayName: expected the folder\'s name, got ""',
    'exchange["alice@contoso.com"].mailFolders[2].messages[0]: expected an object, got "hello"',
    'exchange["alice@contoso.com"].mailFolders[2].messages[2].id: duplicate message id in this mailbox',
    'exchange["alice@contoso.com"].mailFolders[2].messages[2].toRecipients: expected an array, got "bob@fabrikam.com"',
    'exchange["not an address"]: key is not a mailbox address',
    'exchange["ALICE@contoso.com"]: same mailbox as another key (addresses ignore case)',
    'exchange["erin@contoso.com"].mailFolders: missing (use [] for none)',
  ]);
});

test('bad items are data, not fixture errors: no internetMessageId, from without address', () => {
  let t = withInboxMessage(acceptanceFixtureF(), ALICE, { subject: 'no id', from: { emailAddress: { address: 'bob@fabrikam.com' } } });
  t = withInboxMessage(t, ALICE, { internetMessageId: 'garbage', subject: 'no address', from: { emailAddress: { name: 'Scanner' } } });
  t = withInboxMessage(t, ALICE, { internetMessageId: '<x@y>', subject: 'from is odd', from: 'someone' });
  assert.equal(validateTenant(t).ok, true);
});

test('timeline: each event has a date and one known verb; deliver names a mailbox, folder and message', () => {
  const raw = f();
  raw.timeline = [
    { at: '2025-01-10T10:02:00Z', deliver: { to: ALICE, folder: 'inbox', message: { subject: 'ok' } } },
    { deliver: { to: 'nobody@contoso.com', folder: '', message: 'x' } },
    { at: '2025-01-10T10:03:00Z', explode: {} },
    { at: '2025-01-10T10:04:00Z' },
  ];
  const p = problems(raw);
  assert.deepEqual(p, [
    'timeline[1].at: missing: when it happens',
    'timeline[1].deliver.to: no mailbox nobody@contoso.com in exchange',
    'timeline[1].deliver.folder: expected a folder id, well-known name or display name, got ""',
    'timeline[1].deliver.message: expected a message object, got "x"',
    'timeline[2]: unknown verb explode (known: deliver, update, move, dataverse)',
    'timeline[3]: expected exactly one verb (deliver, update, move, dataverse), found 0',
  ]);
});
