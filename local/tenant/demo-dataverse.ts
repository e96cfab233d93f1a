import type { Json } from './fixture';
import type { Directory, DemoMailbox, Customer, Company } from './demo-directory';
import { stableGuid } from './ids';

// The Dataverse side of the demo tenant: org settings, the users and queues with their mailboxes and
// filters, customers, opportunities, and a few emails sent from Dynamics 365 that later replies thread to.

/** An email already in Dataverse: sent from D365 by a user, with a tracking token, regarding an opportunity. */
export interface SentFromDataverse {
  activityid: string;
  user: DemoMailbox;
  contact: Customer;
  opportunity: Company['opportunities'][number];
  topic: string;
  token: string;
  messageId: string;
  sentAt: number;
}

export const DEMO_ORG_ID = stableGuid('demo:organization');

export function demoOrganization(): Json {
  return {
    organizationid: DEMO_ORG_ID,
    name: 'Contoso',
    trackingprefix: 'CRM:',
    trackingtokenidbase: 0,
    trackingtokeniddigits: 3,
    maximumtrackingnumber: 999,
    emailcorrelationenabled: true,
    enablesmartmatching: false,
    ignoreinternalemail: false,
    unresolveemailaddressifmultiplematch: false,
    hashminaddresscount: 2,
    hashdeltasubjectcount: 0,
    hashmaxcount: 20,
    hashfilterkeywords: '^[\\s]*([\\w]+\\s?:[\\s]*)+',
    isfolderbasedtrackingenabled: true,
    maxfolderbasedtrackingmappings: 25,
    // Sent Items are scanned in the demo so internal mail shows both activities, sent and received (docs/sss-parity.md)
    orgdborgsettings: '<OrgSettings><AutoTrackSentFolderItems>true</AutoTrackSentFolderItems></OrgSettings>',
  };
}

/** Token layout: prefix, the legacy online digit 0, user number (3 digits), counter (3 digits). */
export function trackingToken(userNumber: number, counter: number): string {
  return `CRM:0${String(userNumber).padStart(3, '0')}${String(counter % 1000).padStart(3, '0')}`;
}

const TOPICS = ['Quote Q-{q}', 'Proposal for {opp}', 'Pricing for {opp}', 'Contract draft: {opp}'];

/** Two emails per user sent from Dynamics 365 early in the window; Alice's first is E1 of fixture F. */
export function sentFromDataverse(dir: Directory, firstAt: number): SentFromDataverse[] {
  const out: SentFromDataverse[] = [];
  dir.users.forEach((user, u) => {
    for (let j = 0; j < 2; j++) {
      const seq = u * 2 + j;
      const contact = dir.contacts[seq % dir.contacts.length];
      const opportunity = contact.company.opportunities[j % contact.company.opportunities.length];
      const topic = TOPICS[seq % TOPICS.length].replace('{q}', String(100 + seq)).replace('{opp}', opportunity.name);
      out.push({
        activityid: stableGuid(`demo:email:e${seq + 1}`),
        user,
        contact,
        opportunity,
        topic,
        token: trackingToken(user.userNumber ?? 0, j + 1),
        messageId: `<e${seq + 1}@contoso.onmicrosoft.com>`,
        sentAt: firstAt + (seq % 120) * 10 * 60000,
      });
    }
  });
  return out;
}

export function demoDataverse(
  dir: Directory,
  sent: SentFromDataverse[],
  processAfter: string,
  iso: (ms: number) => string,
): Record<string, Json[]> {
  const users = dir.mailboxes.filter((m) => m.kind === 'systemuser');
  const queues = dir.mailboxes.filter((m) => m.kind === 'queue');
  const accounts = dir.accounts;
  return {
    organizations: [demoOrganization()],
    systemusers: users.map((u) => ({
      systemuserid: u.id,
      fullname: u.name,
      firstname: u.first,
      lastname: u.name.slice(u.first.length + 1),
      internalemailaddress: u.address,
      domainname: u.address,
      isdisabled: false,
      accessmode: 0,
    })),
    usersettingscollection: users.map((u) => ({ systemuserid: u.id, incomingemailfilteringmethod: u.filter })),
    queues: queues.map((q) => ({
      queueid: q.id,
      name: q.name,
      emailaddress: q.address,
      incomingemailfilteringmethod: q.filter,
      queueviewtype: 0,
    })),
    mailboxes: dir.mailboxes.map((m) => ({
      mailboxid: m.mailboxId,
      name: m.name,
      emailaddress: m.address,
      _regardingobjectid_value: m.id,
      'regardingobjectid@odata.type': m.kind,
      processemailreceivedafter: processAfter,
      incomingemaildeliverymethod: 2,
      outgoingemaildeliverymethod: 2,
      actdeliverymethod: 1,
      enabledforincomingemail: true,
      enabledforoutgoingemail: true,
      enabledforact: true,
      emailrouteraccessapproval: 1,
      statecode: 0,
    })),
    accounts: accounts.map((c, i) => ({
      accountid: c.accountId,
      name: c.name,
      emailaddress1: `info@${c.domain}`,
      websiteurl: `https://www.${c.domain}`,
      _primarycontactid_value: c.contacts[0].id,
      _ownerid_value: c.contacts[0].ownerId,
      statecode: 0,
      accountnumber: `ACC-${1001 + i}`,
    })),
    contacts: dir.contacts.map((c) => ({
      contactid: c.id,
      fullname: c.name,
      firstname: c.first,
      lastname: c.last,
      emailaddress1: c.address,
      _parentcustomerid_value: c.company.accountId,
      _ownerid_value: c.ownerId,
      statecode: 0,
    })),
    leads: [
      ...dir.leads.map((l) => ({
        leadid: l.id,
        fullname: l.name,
        firstname: l.first,
        lastname: l.last,
        companyname: l.company.name,
        emailaddress1: l.address,
        subject: `Interest from ${l.company.name}`,
        _ownerid_value: l.ownerId,
        statecode: 0,
      })),
      // an address held by a contact and a lead: resolution must pick the contact (contacts before leads)
      ...(dir.contacts.length > 4
        ? [
            {
              leadid: stableGuid('demo:lead:duplicate'),
              fullname: dir.contacts[4].name,
              firstname: dir.contacts[4].first,
              lastname: dir.contacts[4].last,
              companyname: dir.contacts[4].company.name,
              emailaddress1: dir.contacts[4].address,
              subject: 'Trade show contact',
              _ownerid_value: dir.contacts[4].ownerId,
              statecode: 0,
            },
          ]
        : []),
    ],
    opportunities: accounts.flatMap((c) =>
      c.opportunities.map((o) => ({
        opportunityid: o.id,
        name: o.name,
        _parentaccountid_value: c.accountId,
        _parentcontactid_value: c.contacts[0].id,
        _customerid_value: c.accountId,
        'customerid@odata.type': 'account',
        estimatedvalue: o.value,
        _ownerid_value: c.contacts[0].ownerId,
        statecode: 0,
      })),
    ),
    emails: sent.map((e) => ({
      activityid: e.activityid,
      subject: `${e.topic} ${e.token}`,
      messageid: e.messageId,
      trackingtoken: e.token,
      directioncode: true,
      statecode: 1,
      statuscode: 3,
      senton: iso(e.sentAt),
      createdon: iso(e.sentAt - 60000),
      description: `<html><body><p>Hi ${e.contact.first},</p><p>As promised, here are the details for ${e.opportunity.name}.</p><p>Best regards,<br>${e.user.name}</p></body></html>`,
      sender: e.user.address,
      torecipients: e.contact.address,
      _regardingobjectid_value: e.opportunity.id,
      'regardingobjectid@odata.type': 'opportunity',
      _ownerid_value: e.user.id,
      email_activity_parties: [
        {
          participationtypemask: 1,
          _partyid_value: e.user.id,
          'partyid@odata.type': 'systemuser',
          addressused: e.user.address,
        },
        {
          participationtypemask: 2,
          _partyid_value: e.contact.id,
          'partyid@odata.type': 'contact',
          addressused: e.contact.address,
        },
      ],
    })),
    incidents: [],
    appointments: [],
    tasks: [],
    queueitems: [],
    mailboxtrackingfolders: [],
  };
}
