import type { TenantFixture, FixtureFolder, FixtureMessage, Json } from './fixture';
import { stableGraphId, stableGuid } from './ids';

// The common fixture F of acceptance/email-promotion.md, and small edits the scenarios make to it.
// Ids are fixed, readable GUIDs so a failing assertion shows whose id it is. Every helper returns a new
// fixture; the one passed in is left as it was, so tests can share F.

export const ORGANIZATION_ID = 'c0de0000-0000-4000-8000-000000000000';
export const ALICE_ID = 'a11ce000-0000-4000-8000-000000000001';
export const SALES_QUEUE_ID = '5a1e5000-0000-4000-8000-000000000002';
export const BOB_CONTACT_ID = 'b0b00000-0000-4000-8000-000000000003';
export const FABRIKAM_ACCOUNT_ID = 'fab00000-0000-4000-8000-000000000004';
export const OPP1_ID = '0aa10000-0000-4000-8000-000000000005';
export const E1_ID = 'e1e10000-0000-4000-8000-000000000006';
export const ALICE_MAILBOX_ID = 'a11ce000-0000-4000-8000-0000000000b1';
export const SALES_MAILBOX_ID = '5a1e5000-0000-4000-8000-0000000000b2';

export const ALICE = 'alice@contoso.com';
export const SALES = 'sales@contoso.com';
export const BOB = 'bob@fabrikam.com';
export const E1_MESSAGE_ID = '<e1@contoso.onmicrosoft.com>';
export const E1_TOKEN = 'CRM:0001001';
export const F_NOW = '2025-01-10T10:00:00Z';
export const F_PROCESS_AFTER = '2025-01-01T00:00:00Z';

function mailbox(
  mailboxid: string,
  name: string,
  emailaddress: string,
  owner: string,
  type: 'systemuser' | 'queue',
): Json {
  return {
    mailboxid,
    name,
    emailaddress,
    _regardingobjectid_value: owner,
    'regardingobjectid@odata.type': type,
    processemailreceivedafter: F_PROCESS_AFTER,
    incomingemaildeliverymethod: 2,
    outgoingemaildeliverymethod: 2,
    actdeliverymethod: 1,
    enabledforincomingemail: true,
    enabledforoutgoingemail: true,
    enabledforact: true,
    emailrouteraccessapproval: 1,
    statecode: 0,
  };
}

function emptyMailbox(address: string) {
  return {
    mailFolders: [
      {
        id: stableGraphId(`acceptance:folder:${address}:inbox`),
        displayName: 'Inbox',
        wellKnownName: 'inbox',
        parentFolderId: null,
        messages: [],
      },
      {
        id: stableGraphId(`acceptance:folder:${address}:sentitems`),
        displayName: 'Sent Items',
        wellKnownName: 'sentitems',
        parentFolderId: null,
        messages: [],
      },
    ],
    events: [],
    contacts: [],
    todoLists: [{ displayName: 'Tasks', wellknownListName: 'defaultList', tasks: [] }],
  };
}

/**
 * Fixture F: Alice (filter 1; token user number 001, as E1's token shows: the fixture format has no
 * column for it), queue Sales (filter 0), contact Bob, account Fabrikam, opportunity Opp1 and E1, sent
 * from Dynamics 365 by Alice to Bob regarding Opp1. Org settings are SSS's defaults. Mailboxes are empty.
 */
export function acceptanceFixtureF(): TenantFixture {
  return {
    now: F_NOW,
    dataverse: {
      organizations: [
        {
          organizationid: ORGANIZATION_ID,
          name: 'Contoso',
          trackingprefix: 'CRM:',
          trackingtokenidbase: 0,
          trackingtokeniddigits: 3,
          maximumtrackingnumber: 999,
          emailcorrelationenabled: true,
          enablesmartmatching: false,
          // "track emails sent between users as two activities" on
          ignoreinternalemail: false,
          unresolveemailaddressifmultiplematch: false,
          hashminaddresscount: 2,
          hashdeltasubjectcount: 0,
          hashmaxcount: 20,
          hashfilterkeywords: '^[\\s]*([\\w]+\\s?:[\\s]*)+',
          isfolderbasedtrackingenabled: true,
          maxfolderbasedtrackingmappings: 25,
          orgdborgsettings: '<OrgSettings><AutoTrackSentFolderItems>false</AutoTrackSentFolderItems></OrgSettings>',
        },
      ],
      systemusers: [
        {
          systemuserid: ALICE_ID,
          fullname: 'Alice',
          internalemailaddress: ALICE,
          domainname: ALICE,
          isdisabled: false,
        },
      ],
      usersettingscollection: [{ systemuserid: ALICE_ID, incomingemailfilteringmethod: 1 }],
      queues: [{ queueid: SALES_QUEUE_ID, name: 'Sales', emailaddress: SALES, incomingemailfilteringmethod: 0 }],
      mailboxes: [
        mailbox(ALICE_MAILBOX_ID, 'Alice', ALICE, ALICE_ID, 'systemuser'),
        mailbox(SALES_MAILBOX_ID, 'Sales', SALES, SALES_QUEUE_ID, 'queue'),
      ],
      contacts: [
        {
          contactid: BOB_CONTACT_ID,
          fullname: 'Bob',
          firstname: 'Bob',
          emailaddress1: BOB,
          _ownerid_value: ALICE_ID,
          statecode: 0,
        },
      ],
      accounts: [
        {
          accountid: FABRIKAM_ACCOUNT_ID,
          name: 'Fabrikam',
          emailaddress1: 'info@fabrikam.com',
          _ownerid_value: ALICE_ID,
          statecode: 0,
        },
      ],
      leads: [],
      opportunities: [
        {
          opportunityid: OPP1_ID,
          name: 'Opp1',
          _parentaccountid_value: FABRIKAM_ACCOUNT_ID,
          _customerid_value: FABRIKAM_ACCOUNT_ID,
          'customerid@odata.type': 'account',
          _ownerid_value: ALICE_ID,
          statecode: 0,
        },
      ],
      incidents: [],
      emails: [
        {
          activityid: E1_ID,
          subject: `Quote Q-100 ${E1_TOKEN}`,
          messageid: E1_MESSAGE_ID,
          trackingtoken: E1_TOKEN,
          directioncode: true,
          statecode: 1,
          statuscode: 3,
          senton: '2025-01-02T09:00:00Z',
          createdon: '2025-01-02T08:59:00Z',
          sender: ALICE,
          torecipients: BOB,
          _regardingobjectid_value: OPP1_ID,
          'regardingobjectid@odata.type': 'opportunity',
          _ownerid_value: ALICE_ID,
          email_activity_parties: [
            {
              participationtypemask: 1,
              _partyid_value: ALICE_ID,
              'partyid@odata.type': 'systemuser',
              addressused: ALICE,
            },
            {
              participationtypemask: 2,
              _partyid_value: BOB_CONTACT_ID,
              'partyid@odata.type': 'contact',
              addressused: BOB,
            },
          ],
        },
      ],
      mailboxtrackingfolders: [],
      appointments: [],
      tasks: [],
      queueitems: [],
    },
    exchange: { [ALICE]: emptyMailbox(ALICE), [SALES]: emptyMailbox(SALES) },
  };
}

function findFolder(folders: FixtureFolder[], name: string): FixtureFolder | undefined {
  const n = name.toLowerCase();
  for (const f of folders) {
    if (f.id === name || f.wellKnownName?.toLowerCase() === n || f.displayName.toLowerCase() === n) return f;
    const child = findFolder(f.childFolders ?? [], name);
    if (child) return child;
  }
  return undefined;
}

function messageCount(folders: FixtureFolder[]): number {
  return folders.reduce((n, f) => n + (f.messages?.length ?? 0) + messageCount(f.childFolders ?? []), 0);
}

/**
 * Adds a message to a folder (id, well-known name or display name) of a mailbox. Fills what the test
 * leaves out the way Graph would show it: id, times (an hour before `now`, a minute apart per message,
 * so they sort in the order added), conversationId, the mailbox as sole To recipient, empty lists.
 * internetMessageId and from are never filled: scenarios about their absence must be expressible.
 */
export function withMessage(
  fixture: TenantFixture,
  address: string,
  folder: string,
  message: FixtureMessage,
): TenantFixture {
  const next = structuredClone(fixture);
  const key = Object.keys(next.exchange).find((a) => a.toLowerCase() === address.toLowerCase());
  if (!key) throw new Error(`no mailbox ${address} in the fixture`);
  const box = next.exchange[key]!;
  const target = findFolder(box.mailFolders, folder);
  if (!target) throw new Error(`no folder ${folder} in ${address}`);
  const n = messageCount(box.mailFolders);
  const received = new Date(Date.parse(next.now ?? F_NOW) - 3600000 + n * 60000).toISOString().replace('.000Z', 'Z');
  const sent = new Date(Date.parse((message.receivedDateTime as string | undefined) ?? received) - 2000)
    .toISOString()
    .replace('.000Z', 'Z');
  const filled: FixtureMessage = {
    id: stableGraphId(`acceptance:item:${key}:${n}`),
    receivedDateTime: received,
    sentDateTime: sent,
    conversationId: stableGraphId(`acceptance:conversation:${message.internetMessageId ?? `${key}:${n}`}`, 'AAQkA'),
    parentFolderId: target.id,
    toRecipients: [{ emailAddress: { address: key } }],
    ccRecipients: [],
    bccRecipients: [],
    categories: [],
    internetMessageHeaders: [],
    isRead: false,
    ...structuredClone(message),
  };
  (target.messages ??= []).push(filled);
  return next;
}

export function withInboxMessage(fixture: TenantFixture, address: string, message: FixtureMessage): TenantFixture {
  return withMessage(fixture, address, 'inbox', message);
}

/** Sets a user's incomingemailfilteringmethod (0 all … 4 none), adding the usersettings row if missing. */
export function withUserFilter(fixture: TenantFixture, systemuserid: string, filter: number): TenantFixture {
  const next = structuredClone(fixture);
  const settings = (next.dataverse.usersettingscollection ??= []);
  const row = settings.find((s) => s.systemuserid === systemuserid);
  if (row) row.incomingemailfilteringmethod = filter;
  else settings.push({ systemuserid, incomingemailfilteringmethod: filter });
  return next;
}

export function withQueueFilter(fixture: TenantFixture, queueid: string, filter: number): TenantFixture {
  const next = structuredClone(fixture);
  const row = (next.dataverse.queues ?? []).find((q) => q.queueid === queueid);
  if (!row) throw new Error(`no queue ${queueid} in the fixture`);
  row.incomingemailfilteringmethod = filter;
  return next;
}

/** Merges columns into the organization row (enablesmartmatching, trackingprefix, …). */
export function withOrgSettings(fixture: TenantFixture, columns: Json): TenantFixture {
  const next = structuredClone(fixture);
  const org = next.dataverse.organizations?.[0];
  if (!org) throw new Error('no organization in the fixture');
  Object.assign(org, columns);
  return next;
}

/** Sets one OrgDB setting (IgnoreConversationIndexAndInReplyToForCorrelation, AutoTrackSentFolderItems, …). */
export function withOrgDbSetting(
  fixture: TenantFixture,
  name: string,
  value: string | number | boolean,
): TenantFixture {
  if (!/^\w+$/.test(name)) throw new Error(`not an OrgDB setting name: ${name}`);
  const next = structuredClone(fixture);
  const org = next.dataverse.organizations?.[0];
  if (!org) throw new Error('no organization in the fixture');
  const xml = typeof org.orgdborgsettings === 'string' ? org.orgdborgsettings : '<OrgSettings></OrgSettings>';
  const element = `<${name}>${String(value)}</${name}>`;
  const existing = new RegExp(`<${name}>[^<]*</${name}>`);
  org.orgdborgsettings = existing.test(xml)
    ? xml.replace(existing, element)
    : xml.replace('</OrgSettings>', `${element}</OrgSettings>`);
  return next;
}

/** The ids withUser gives a user: derived from the address, so a test can know them in advance. */
export function acceptanceUserIds(address: string): { systemuserid: string; mailboxid: string } {
  const a = address.toLowerCase();
  return { systemuserid: stableGuid(`acceptance:systemuser:${a}`), mailboxid: stableGuid(`acceptance:mailbox:${a}`) };
}

/** Adds another user with an approved, enabled mailbox like Alice's (David in P14, for one). */
export function withUser(
  fixture: TenantFixture,
  user: { fullname: string; address: string; filter: number },
): TenantFixture {
  const next = structuredClone(fixture);
  const address = user.address.toLowerCase();
  const { systemuserid, mailboxid } = acceptanceUserIds(address);
  const dv = next.dataverse;
  (dv.systemusers ??= []).push({
    systemuserid,
    fullname: user.fullname,
    internalemailaddress: address,
    domainname: address,
    isdisabled: false,
  });
  (dv.usersettingscollection ??= []).push({ systemuserid, incomingemailfilteringmethod: user.filter });
  (dv.mailboxes ??= []).push(mailbox(mailboxid, user.fullname, address, systemuserid, 'systemuser'));
  next.exchange[address] = emptyMailbox(address);
  return next;
}
