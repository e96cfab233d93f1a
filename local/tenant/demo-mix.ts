// What each demo mailbox receives and sends, by share: new customer mail, replies, replies to email sent from
// Dynamics 365 in each way SSS meets them, unknown senders, internal, several-mailbox, distribution-list and Bcc
// mail, mail before the watermark, filed mail, and items SSS must fail or skip without crashing.
import type { Person } from './demo-directory';
import { DAY, type DemoGenerator, HOUR } from './demo-generator';
import { type Box, type Party, type Thread, type Envelope, messageCopy, rootConversationIndex } from './demo-mail';
import { fill, subjectFor, bodyFor } from './demo-text';
import { stableGraphId } from './ids';

const TEAM_DL: Person = { name: 'Contoso Team', address: 'team@contoso.com' };
const TRACKED_CATEGORY = 'Tracked to Dynamics 365';

// What a user's mailbox sees, by share. A queue only receives (see QUEUE_KINDS).
const USER_KINDS = {
  newInbound: 16,
  outbound: 12,
  reply: 22,
  dvReply: 8,
  unknown: 14,
  internal: 12,
  multi: 4,
  dl: 3,
  bcc: 2,
  old: 3,
  filed: 2,
} as const;
const QUEUE_KINDS = { newInbound: 50, unknown: 30, multi: 10, reply: 5, old: 5 } as const;
type Kind = keyof typeof USER_KINDS;
const DV_REPLY_VARIANTS = ['inReplyTo', 'tokenOnly', 'referencesOnly', 'autoReply', 'unknownToken'] as const;

/** Items SSS must record as failed or skipped, not crash on. */
export function malformed(g: DemoGenerator, box: Box, at: number): void {
  const customer = g.dir.contacts[1];
  const items: Array<Partial<Envelope> & { subject: string }> = [
    {
      subject: 'Delivery report for PO-4711',
      internetMessageId: undefined,
      from: { emailAddress: { name: customer.name, address: customer.address } },
    },
    { subject: 'Scanned document', from: { emailAddress: { name: 'Scan to Email' } } },
    {
      subject: 'Re: Lunch',
      from: {
        emailAddress: {
          name: 'Legacy Sender',
          address: '/O=EXCHANGELABS/OU=EXCHANGE ADMINISTRATIVE GROUP (FYDIBOHF23SPDLT)/CN=RECIPIENTS/CN=LEGACY',
        },
      },
    },
  ];
  items.forEach((item, i) => {
    if (g.remaining < 1) return;
    const sentAt = at + i * HOUR;
    const body = bodyFor(g.r, 'inbound', fill(g.r, customer.company.name), box.mailbox.first, 'Sender');
    const e: Envelope = {
      internetMessageId: 'internetMessageId' in item ? item.internetMessageId : g.messageId('contoso.com'),
      subject: item.subject,
      from: item.from!,
      to: [box.mailbox],
      cc: [],
      sentAt,
      conversationId: stableGraphId(`demo:conv:malformed:${i}`, 'AAQkA'),
      conversationIndex: rootConversationIndex(sentAt, `demo:malformed:${i}`).toString('base64'),
      headers: [],
      categories: [],
      html: body.html,
      preview: body.preview,
    };
    box.inbox.push(messageCopy(e, box, box.inboxId, sentAt + 5000, false));
    g.remaining--;
  });
}

export function oneMessage(g: DemoGenerator, box: Box, at: number, watermark: number): void {
  const isQueue = box.mailbox.kind === 'queue';
  let kind: Kind = isQueue ? g.r.weighted(QUEUE_KINDS) : g.r.weighted(USER_KINDS);
  // fall back to a plain inbound mail when the kind has nothing to work with or the budget is short
  if (kind === 'reply' && box.threads.length === 0) kind = 'newInbound';
  if (kind === 'dvReply' && box.dvThreads.length === 0) kind = 'newInbound';
  if ((kind === 'internal' || kind === 'multi' || kind === 'dl') && (g.boxes.length < 2 || g.remaining < 3))
    kind = 'newInbound';
  const customer = g.customer();
  const self: Party = { person: box.mailbox, box };
  switch (kind) {
    case 'newInbound':
    case 'old':
    case 'filed': {
      const when = kind === 'old' ? watermark - g.r.int(1, 14) * DAY - g.r.int(0, 23) * HOUR : at;
      const t = g.thread(
        subjectFor(g.r, 'inbound', fill(g.r, customer.company.name)),
        when,
        { person: customer },
        self,
      );
      const categories = g.r.chance(0.04) ? [TRACKED_CATEGORY] : [];
      g.send(t, 0, when, { topic: 'inbound', categories, folder: kind === 'filed' ? 'filed' : 'inbox' });
      if (kind === 'newInbound') g.remember(box.threads, t);
      return;
    }
    case 'outbound': {
      const t = g.thread(subjectFor(g.r, 'outbound', fill(g.r, customer.company.name)), at, self, {
        person: customer,
      });
      g.send(t, 0, at, { topic: 'outbound' });
      return g.remember(box.threads, t);
    }
    case 'reply': {
      const t = g.r.pick(box.threads);
      const from = t.lastSender === 0 ? 1 : 0;
      const topic = t.parties[0].box && t.parties[1].box ? 'internal' : t.parties[from].box ? 'outbound' : 'inbound';
      return g.send(t, from, at, { topic, reply: 'inReplyTo' });
    }
    case 'dvReply':
      return dvReply(g, box, at);
    case 'unknown': {
      const sender = g.r.pick(g.dir.unknown);
      const t = g.thread(subjectFor(g.r, 'unknown', fill(g.r, 'Contoso')), at, { person: sender }, self);
      return g.send(t, 0, at, { topic: 'unknown' });
    }
    case 'internal': {
      const other = g.other(box);
      const t = g.thread(subjectFor(g.r, 'internal', fill(g.r, customer.company.name)), at, self, {
        person: other.mailbox,
        box: other,
      });
      g.send(t, 0, at, { topic: 'internal' });
      g.remember(box.threads, t);
      return g.remember(other.threads, t);
    }
    case 'multi': {
      // one customer mail to several demo mailboxes: one Message-ID, one Inbox copy each
      const second = g.other(box);
      const third = g.boxes.length > 2 && g.r.chance(0.5) ? g.other(box, second) : undefined;
      const t = g.thread(subjectFor(g.r, 'inbound', fill(g.r, customer.company.name)), at, { person: customer }, self);
      const cc = third ? [{ person: third.mailbox, box: third }] : [];
      g.send(t, 0, at, { topic: 'inbound', to: [self, { person: second.mailbox, box: second }], cc });
      return g.remember(box.threads, t);
    }
    case 'dl': {
      // reaches mailboxes through team@contoso.com, which is no Dataverse row: NoRecipientMatch unless filter 0
      const users = g.usersAfter(box, g.r.int(1, 2));
      const t = g.thread(
        subjectFor(g.r, 'dl', fill(g.r, customer.company.name)),
        at,
        { person: customer },
        { person: TEAM_DL },
      );
      return g.send(t, 0, at, { topic: 'dl', extraInboxes: [box, ...users] });
    }
    case 'bcc': {
      // the mailbox owner was Bcc'd: received mail shows no Bcc, so no recipient is a user
      const colleague = customer.company.contacts.find((c) => c !== customer) ?? g.dir.contacts[0];
      const t = g.thread(
        subjectFor(g.r, 'inbound', fill(g.r, customer.company.name)),
        at,
        { person: customer },
        { person: colleague },
      );
      return g.send(t, 0, at, { topic: 'inbound', extraInboxes: [box] });
    }
  }
}

/** A reply to an email sent from Dynamics 365, in the ways SSS meets them (In-Reply-To, the tracking token in the subject, References only, an auto-reply). */
function dvReply(g: DemoGenerator, box: Box, at: number): void {
  const t = g.r.pick(box.dvThreads);
  // the first few go through every variant, so even a small tenant shows each of them
  const variant =
    g.dvReplies < DV_REPLY_VARIANTS.length
      ? DV_REPLY_VARIANTS[g.dvReplies++]
      : g.r.weighted({ inReplyTo: 50, tokenOnly: 20, referencesOnly: 10, autoReply: 10, unknownToken: 10 });
  if (variant === 'inReplyTo') {
    // a fork, so every such reply answers the Dataverse email itself; the token is often edited out
    const fork: Thread = { ...t, messageIds: [...t.messageIds] };
    g.send(fork, 1, at, { topic: 'inbound', reply: 'inReplyTo', dropToken: g.r.chance(0.5) });
    return g.remember(box.threads, fork);
  }
  if (variant === 'autoReply') {
    return g.send(t, 1, at, {
      topic: 'inbound',
      reply: 'inReplyTo',
      prefix: 'Automatic reply: ',
      headers: [{ name: 'Auto-Submitted', value: 'auto-replied' }],
      keepThread: true,
    });
  }
  // a new mail (no Thread-Index link) that names the thread only by token or by References
  const fresh = g.thread(t.topic, at, t.parties[1], t.parties[0]);
  if (variant === 'tokenOnly') {
    fresh.token = t.token;
    return g.send(fresh, 0, at, { topic: 'inbound', prefix: 'RE: ' });
  }
  if (variant === 'referencesOnly') {
    fresh.messageIds.push(`<${g.seq++}.ref@mail.${g.dir.contacts[0].company.domain}>`, ...t.messageIds);
    return g.send(fresh, 0, at, { topic: 'inbound', prefix: 'RE: ', reply: 'referencesOnly' });
  }
  fresh.token = 'CRM:0001999'; // looks like a token but matches no email
  return g.send(fresh, 0, at, { topic: 'inbound', prefix: 'RE: ' });
}
