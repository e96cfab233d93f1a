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
  assert.ok(
    p.includes('now: expected an ISO 8601 date and time with its zone (e.g. 2025-01-10T10:00:00Z), got "yesterday"'),
    p.join('\n'),
  );
  assert.ok(
    p.includes(
      'dataVerse: expected a top-level key of now, dataverse, exchange, timeline, got "dataVerse" (did you mean dataverse?)',
    ),
    p.join('\n'),
  );
  assert.ok(
    p.some(
      (x) =>
        x.startsWith('dataverse: expected an object of entity sets') && x.endsWith('got nothing (the key is missing)'),
    ),
  );
  assert.ok(
    p.some(
      (x) =>
        x.startsWith('exchange: expected an object keyed by mailbox address') &&
        x.endsWith('got nothing (the key is missing)'),
    ),
  );
});

test('a date and time without a zone is refused (it would be read as local time)', () => {
  const raw = { ...f(), now: '2025-01-10T10:00:00' };
  assert.deepEqual(problems(raw), [
    'now: expected an ISO 8601 date and time with its zone (e.g. 2025-01-10T10:00:00Z), got "2025-01-10T10:00:00"',
  ]);
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
    'dataverse.mailboxes[1]._regardingobjectid_value: expected a queueid of dataverse.queues, got "00000000-0000-4000-8000-0000000000ff", which is not one',
    'dataverse.contacts[1].contactid: expected a GUID, got "not-a-guid"',
    'dataverse.accounts: expected an array, got an object',
    'exchange["alice@contoso.com"].mailFolders[0].messages[3].receivedDateTime: expected an ISO 8601 date and time with its zone (e.g. 2025-01-10T10:00:00Z), got "10/01/2025"',
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
  assert.ok(
    p.includes(
      'dataverse.contacts[1].contactid: expected a key no other row has, got the key of dataverse.contacts[0]',
    ),
    p.join('\n'),
  );
  assert.ok(
    p.includes('dataverse.opportunities[0]._parentaccountid_value: expected a GUID, got "Fabrikam"'),
    p.join('\n'),
  );
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
  mb.push({
    ...mb[1]!,
    mailboxid: '00000000-0000-4000-8000-0000000000b9',
    emailaddress: 'sales2@contoso.com',
    incomingemaildeliverymethod: 7,
  });
  delete mb[1]!._regardingobjectid_value;
  const p = problems(raw);
  assert.deepEqual(p, [
    `dataverse.mailboxes[0]._regardingobjectid_value: expected a queueid of dataverse.queues, got "${ALICE_ID}", which is not one`,
    'dataverse.mailboxes[1]._regardingobjectid_value: expected the systemuser or queue the mailbox belongs to, got nothing (the key is missing)',
    'dataverse.mailboxes[2].incomingemaildeliverymethod: expected an integer from 0 to 3, got number 7',
  ]);
});

test('usersettings point at a user; filters are 0..4', () => {
  const raw = f();
  raw.dataverse.usersettingscollection!.push({
    systemuserid: '00000000-0000-4000-8000-000000000099',
    incomingemailfilteringmethod: 5,
  });
  const p = problems(raw);
  assert.deepEqual(p, [
    'dataverse.usersettingscollection[1].systemuserid: expected a systemuserid of dataverse.systemusers, got "00000000-0000-4000-8000-000000000099", which is not one',
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
    'dataverse.organizations[0].trackingprefix: expected prefixes of 1 to 20 characters, got ""',
    'dataverse.organizations[0].enablesmartmatching: expected true or false, got "no"',
    'dataverse.organizations[0].hashfilterkeywords: expected a regular expression, got "([": Invalid regular expression: /([/: Unterminated character class',
    'dataverse.organizations[0].orgdborgsettings: expected XML text of the form <OrgSettings>…</OrgSettings>, got "AutoTrackSentFolderItems=true"',
  ]);
});

test('email parties need a type and a party or an address', () => {
  const raw = f();
  (raw.dataverse.emails![0]!.email_activity_parties as Json[]).push({ _partyid_value: 'bob' });
  const p = problems(raw);
  assert.deepEqual(p, [
    "dataverse.emails[0].email_activity_parties[2].participationtypemask: expected the party's role (1 From, 2 To, 3 Cc, 4 Bcc … 11 Customer), got nothing (the key is missing)",
    'dataverse.emails[0].email_activity_parties[2]._partyid_value: expected a GUID, got "bob"',
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
    'exchange["alice@contoso.com"].mailFolders[2].messages[2].id: expected an id no other message of this mailbox has, got "a" again',
    'exchange["alice@contoso.com"].mailFolders[2].messages[2].toRecipients: expected an array, got "bob@fabrikam.com"',
    'exchange["not an address"]: expected a mailbox address as the key, got "not an address"',
    'exchange["ALICE@contoso.com"]: expected each mailbox once, got a second key for it (addresses ignore case)',
    'exchange["erin@contoso.com"].mailFolders: expected an array of mail folders ([] for none), got nothing (the key is missing)',
  ]);
});

test('bad items are data, not fixture errors: no internetMessageId, from without address', () => {
  let t = withInboxMessage(acceptanceFixtureF(), ALICE, {
    subject: 'no id',
    from: { emailAddress: { address: 'bob@fabrikam.com' } },
  });
  t = withInboxMessage(t, ALICE, {
    internetMessageId: 'garbage',
    subject: 'no address',
    from: { emailAddress: { name: 'Scanner' } },
  });
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
    'timeline[1].at: expected the date and time it happens, got nothing (the key is missing)',
    'timeline[1].deliver.to: expected a mailbox of exchange, got "nobody@contoso.com", which is not one',
    'timeline[1].deliver.folder: expected a folder id, well-known name or display name, got ""',
    'timeline[1].deliver.message: expected a message object, got "x"',
    'timeline[2]: expected one verb of deliver, update, move, dataverse, got "explode"',
    'timeline[3]: expected exactly one verb (deliver, update, move, dataverse), got 0',
  ]);
});

test('What a new user meets: every fixture error says what was expected and what was found, never "got undefined undefined"', () => {
  const raw = f();
  const dv = raw.dataverse;
  dv.organizations!.push({
    ...dv.organizations![0]!,
    organizationid: '00000000-0000-4000-8000-0000000000e1',
    trackingprefix: 'CRM:,',
    hashfilterkeywords: '([',
    orgdborgsettings: 'x',
    enablesmartmatching: 'no',
    trackingtokeniddigits: 40,
  });
  dv.contacts!.push({ ...dv.contacts![0]! }, { contactid: 'nope', emailaddress1: 'x@y.com', createdon: 'today' });
  dv.usersettingscollection!.push(
    { incomingemailfilteringmethod: 9 },
    { systemuserid: '00000000-0000-4000-8000-000000000099' },
  );
  const mb = dv.mailboxes!;
  mb.push(
    { ...mb[0]!, mailboxid: '00000000-0000-4000-8000-0000000000b8' },
    { mailboxid: '00000000-0000-4000-8000-0000000000b9', emailaddress: 'not-an-address', statecode: 3 },
  );
  mb.push({
    mailboxid: '00000000-0000-4000-8000-0000000000ba',
    emailaddress: 'q@contoso.com',
    _regardingobjectid_value: '00000000-0000-4000-8000-0000000000ff',
    'regardingobjectid@odata.type': 'team',
  });
  mb.push({
    mailboxid: '00000000-0000-4000-8000-0000000000bb',
    emailaddress: 'r@contoso.com',
    _regardingobjectid_value: '00000000-0000-4000-8000-0000000000fe',
  });
  (dv.emails![0]!.email_activity_parties as Json[]).push({ participationtypemask: 20 }, { _partyid_value: 'bob' });
  dv.emails![0]!.directioncode = 'in';
  const folders = (raw.exchange[ALICE] as { mailFolders: Json[] }).mailFolders;
  folders.push({
    id: folders[0]!.id,
    wellKnownName: 'inbox',
    messages: [
      {
        id: 'a',
        internetMessageHeaders: [{ name: 'X' }],
        categories: 'Red',
        body: 'hi',
        toRecipients: {},
        sentDateTime: 5,
      },
      { id: 'a' },
    ],
  });
  raw.exchange['bad key'] = [] as never;
  raw.exchange['nofolders@contoso.com'] = {};
  raw.exchange['ALICE@CONTOSO.COM'] = { mailFolders: [] };
  raw.timeline = [
    { deliver: { to: 'nobody@contoso.com', message: 'x' } },
    { at: 'soon', update: { mailbox: ALICE, set: { subject: 'changed' } } },
    { at: '2025-01-10T10:03:00Z', move: { mailbox: 'nobody', internetMessageId: '', folder: 3 } },
    { at: '2025-01-10T10:04:00Z', dataverse: { patch: { entitySet: 'bad set', id: 'x' } } },
    { at: '2025-01-10T10:05:00Z', dataverse: 'x' },
    { at: '2025-01-10T10:06:00Z', explode: {} },
    { at: '2025-01-10T10:07:00Z' },
  ];
  const p = problems({ ...raw, dataVerse: {} });
  assert.ok(p.length >= 40, `a fixture broken in every checked way (${p.length} problems)`);
  for (const line of p) {
    assert.match(line, /^(\(root\)|[\w$]+(\.[\w$@]+|\[[^\]]+\])*): expected .+, got .+/, line);
    assert.doesNotMatch(line, /undefined/, line);
  }
  assert.deepEqual(problems({}), [
    'dataverse: expected an object of entity sets ({} for an empty environment), got nothing (the key is missing)',
    'exchange: expected an object keyed by mailbox address ({} for no mailboxes), got nothing (the key is missing)',
  ]);
  assert.deepEqual(problems({ dataverse: 1, exchange: null }), [
    'dataverse: expected an object of entity sets, got number 1',
    'exchange: expected an object keyed by mailbox address, got null',
  ]);
});

test("Test & Enable: a mailbox's access must be one Graph refusal the simulator knows", () => {
  const raw = f();
  raw.exchange[ALICE]!.access = 'outsideAccessPolicy';
  assert.equal(validateTenant(raw).ok, true);
  raw.exchange[ALICE]!.access = 'blocked';
  const p = problems(raw);
  assert.ok(
    p.some((x) =>
      x.includes(
        'access: expected one of accessDenied, outsideAccessPolicy, noLicence, accountDisabled, got "blocked"',
      ),
    ),
    p.join('\n'),
  );
});
