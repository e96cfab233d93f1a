import type { TenantFixture, Json } from './fixture';
import { stableGraphId } from './ids';

// The common fixture F of the email-promotion acceptance tests (test/acceptance): one user, one queue, one
// contact with its account, an opportunity and an email sent from Dynamics 365. Ids are fixed, readable GUIDs
// so a failing assertion shows whose id it is.

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

export function mailbox(
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

export function emptyMailbox(address: string) {
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
