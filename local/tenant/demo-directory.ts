import {
  ACCOUNTS,
  CUSTOMER_FIRST,
  CUSTOMER_LAST,
  LEAD_COMPANIES,
  OPPORTUNITIES,
  QUEUES,
  USER_FIRST,
  USER_LAST,
} from './demo-names';
import { stableGuid } from './ids';

// The people and organisations of the demo tenant: Contoso's users and queues (internal, contoso.com),
// customers known to Dataverse (accounts, contacts, leads) and senders Dataverse has never heard of.
// Names are Microsoft's fictitious companies (demo-names.ts).

export interface Person {
  name: string;
  address: string;
}
export interface DemoMailbox extends Person {
  kind: 'systemuser' | 'queue';
  /** systemuserid or queueid */
  id: string;
  mailboxId: string;
  filter: number;
  first: string;
  /** Token user number (base 0, so the first user is 001); queues have none. */
  userNumber?: number;
}
export interface Customer extends Person {
  kind: 'contact' | 'lead';
  id: string;
  first: string;
  last: string;
  company: Company;
  ownerId: string;
}
export interface Company {
  name: string;
  domain: string;
  /** accountid for accounts; undefined for a lead's company */
  accountId?: string;
  contacts: Customer[];
  opportunities: Array<{ id: string; name: string; value: number }>;
}

// Alice 1, David 0, Erin 2 as in the acceptance scenarios; later users cycle through every option
const FIRST_FILTERS = [1, 0, 2];
const MORE_FILTERS = [1, 2, 0, 1, 4, 3];

/**
 * Mailbox i of n: Alice, David, Erin, the Sales queue, then more users with a queue every eighth slot,
 * so any `mailboxes` count gives the same first mailboxes and a bench tenant is a superset of the demo.
 */
export function demoMailboxes(n: number): DemoMailbox[] {
  const out: DemoMailbox[] = [];
  let users = 0;
  let queues = 0;
  for (let i = 0; i < n; i++) {
    if (i === 3 || (i > 3 && i % 8 === 7)) {
      const q = queues++;
      const name = QUEUES[q % QUEUES.length] + (q >= QUEUES.length ? ` ${Math.floor(q / QUEUES.length) + 1}` : '');
      const address = `${name.toLowerCase().replace(/ /g, '')}@contoso.com`;
      out.push({
        kind: 'queue',
        name,
        address,
        first: name,
        id: stableGuid(`demo:queue:${address}`),
        mailboxId: stableGuid(`demo:mailbox:${address}`),
        filter: 0,
      });
      continue;
    }
    const u = users++;
    const first = USER_FIRST[u % USER_FIRST.length];
    const round = Math.floor(u / USER_FIRST.length);
    // first names are unique in the first round; later rounds add a surname, then a number
    const last = USER_LAST[(u + round) % USER_LAST.length];
    const local = round === 0 ? first : `${first}.${last}${round > USER_LAST.length ? round : ''}`;
    const address = `${local.toLowerCase()}@contoso.com`;
    out.push({
      kind: 'systemuser',
      name: `${first} ${last}`,
      address,
      first,
      id: stableGuid(`demo:systemuser:${address}`),
      mailboxId: stableGuid(`demo:mailbox:${address}`),
      userNumber: (u + 1) % 1000,
      filter:
        u < FIRST_FILTERS.length ? FIRST_FILTERS[u] : MORE_FILTERS[(u - FIRST_FILTERS.length) % MORE_FILTERS.length],
    });
  }
  return out;
}

export interface Directory {
  mailboxes: DemoMailbox[];
  users: DemoMailbox[];
  accounts: Company[];
  leadCompanies: Company[];
  contacts: Customer[];
  leads: Customer[];
  /** Senders with no row in Dataverse: newsletters, cold outreach, people from unknown firms. */
  unknown: Person[];
}

export function demoDirectory(mailboxCount: number): Directory {
  const mailboxes = demoMailboxes(mailboxCount);
  const users = mailboxes.filter((m) => m.kind === 'systemuser');
  // a customer with no user to own it would be owned by nobody; the queue-only tenant has none
  const owner = (i: number) => (users.length ? users[i % users.length].id : stableGuid('demo:systemuser:admin'));
  let nameIndex = 0;
  const person = (company: Company, kind: Customer['kind']): Customer => {
    const first = CUSTOMER_FIRST[nameIndex % CUSTOMER_FIRST.length];
    const last = CUSTOMER_LAST[(nameIndex * 5) % CUSTOMER_LAST.length];
    const address = `${first.toLowerCase()}@${company.domain}`;
    const c: Customer = {
      kind,
      id: stableGuid(`demo:${kind}:${address}`),
      name: `${first} ${last}`,
      first,
      last,
      address,
      company,
      ownerId: owner(nameIndex),
    };
    nameIndex++;
    return c;
  };
  const accounts = ACCOUNTS.map(([name, domain], i): Company => {
    const company: Company = {
      name,
      domain,
      accountId: stableGuid(`demo:account:${domain}`),
      contacts: [],
      opportunities: [],
    };
    company.contacts = [0, 1, 2].map(() => person(company, 'contact'));
    for (let j = 0; j < 1 + (i % 2); j++) {
      const oppName = OPPORTUNITIES[(i + j * 3) % OPPORTUNITIES.length];
      company.opportunities.push({
        id: stableGuid(`demo:opportunity:${domain}:${j}`),
        name: oppName,
        value: 15000 + ((i * 7919 + j * 104729) % 90) * 1000,
      });
    }
    return company;
  });
  const leadCompanies = LEAD_COMPANIES.map(([name, domain]): Company => {
    const company: Company = { name, domain, contacts: [], opportunities: [] };
    company.contacts = [0, 1].map(() => person(company, 'lead'));
    return company;
  });
  const unknown: Person[] = [
    { name: 'Unknown Sender', address: 'unknown@nowhere.io' },
    { name: 'Litware Newsletter', address: 'newsletter@litwareinc.com' },
    { name: 'Jan Novak', address: 'jan.novak@litwareinc.com' },
    { name: 'Graphic Design Institute', address: 'events@graphicdesigninstitute.com' },
    { name: 'Van Arsdel Recruiting', address: 'talent@vanarsdelltd.com' },
    { name: 'First Up Consultants', address: 'hello@firstupconsultants.com' },
    { name: 'Nod Publishers', address: 'noreply@nodpublishers.com' },
    { name: 'Mei Lin', address: 'mei.lin@schooloffinearts.com' },
  ];
  return {
    mailboxes,
    users,
    accounts,
    leadCompanies,
    unknown,
    contacts: accounts.flatMap((c) => c.contacts),
    leads: leadCompanies.flatMap((c) => c.contacts),
  };
}
