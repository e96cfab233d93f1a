// The bench's live mail: replies from customers to email sent from Dynamics 365, delivered into Exchange over
// the run's clock, so latency (Exchange delivery -> Dataverse row) is meaningful. A reply to tracked email is
// promoted under every incoming filter but "No email messages", by the product and by SSS alike.
import type { FixtureMessage, Json, TenantFixture } from '../tenant/fixture';
import { Random } from '../tenant/demo-random';

export interface Arrival {
  /** Milliseconds after the live phase starts. */
  offsetMs: number;
  mailbox: string;
  message: FixtureMessage;
}

export interface LivePlan {
  arrivals: Arrival[];
  /** Synced mailboxes that receive nothing during the live phase: their Graph requests are the idle cost. */
  idle: string[];
}

interface Thread {
  mailbox: string;
  customer: string;
  messageId: string;
  subject: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** Email sent from Dynamics 365 (user -> contact) whose user has a mailbox in Exchange: the threads to reply to. */
function repliableThreads(t: TenantFixture): Thread[] {
  const contacts = new Map((t.dataverse.contacts ?? []).map((c) => [String(c.contactid), str(c.emailaddress1)]));
  const users = new Map(
    (t.dataverse.systemusers ?? []).map((u) => [String(u.systemuserid), str(u.internalemailaddress)]),
  );
  const boxes = new Set(Object.keys(t.exchange).map((a) => a.toLowerCase()));
  const out: Thread[] = [];
  for (const e of t.dataverse.emails ?? []) {
    const parties = (e.email_activity_parties ?? []) as Json[];
    const from = parties.find((p) => p.participationtypemask === 1 && p['partyid@odata.type'] === 'systemuser');
    const to = parties.find((p) => p.participationtypemask === 2 && p['partyid@odata.type'] === 'contact');
    const mailbox = users.get(String(from?._partyid_value))?.toLowerCase();
    const customer = contacts.get(String(to?._partyid_value));
    const messageId = str(e.messageid);
    if (mailbox && customer && messageId && boxes.has(mailbox))
      out.push({ mailbox, customer, messageId, subject: str(e.subject) ?? '' });
  }
  return out;
}

/**
 * `perMailbox` replies to each of the first half of the mailboxes that have threads, at random instants of
 * `spanMs`; the other synced mailboxes stay idle.
 */
export function livePlan(t: TenantFixture, perMailbox: number, spanMs: number, seed = 7): LivePlan {
  const r = new Random(seed);
  const threads = repliableThreads(t);
  const withThreads = [...new Set(threads.map((x) => x.mailbox))];
  const active = withThreads.slice(0, Math.max(1, Math.ceil(withThreads.length / 2)));
  const synced = (t.dataverse.mailboxes ?? []).map((m) => String(m.emailaddress).toLowerCase());
  const arrivals: Arrival[] = [];
  for (const mailbox of active) {
    const mine = threads.filter((x) => x.mailbox === mailbox);
    for (let k = 0; k < perMailbox; k++) {
      const th = mine[k % mine.length];
      const n = arrivals.length;
      arrivals.push({
        offsetMs: Math.floor(r.next() * spanMs),
        mailbox,
        message: {
          internetMessageId: `<bench-reply-${n}@${th.customer.split('@')[1] ?? 'customer.example'}>`,
          subject: `RE: ${th.subject}`,
          from: { emailAddress: { address: th.customer, name: th.customer } },
          toRecipients: [{ emailAddress: { address: mailbox } }],
          ccRecipients: [],
          bccRecipients: [],
          internetMessageHeaders: [{ name: 'In-Reply-To', value: th.messageId }],
          body: { contentType: 'text', content: 'Thanks, that works for us.' },
          categories: [],
        },
      });
    }
  }
  arrivals.sort((a, b) => a.offsetMs - b.offsetMs);
  return { arrivals, idle: synced.filter((m) => !active.includes(m)) };
}
