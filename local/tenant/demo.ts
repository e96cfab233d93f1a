import type { TenantFixture, FixtureMailbox } from './fixture';
import { Random } from './demo-random';
import { demoDirectory, Directory, Customer, Person } from './demo-directory';
import { demoDataverse, sentFromDataverse } from './demo-dataverse';
import {
  Box,
  Party,
  Thread,
  Envelope,
  newBox,
  messageCopy,
  boxFolders,
  rootConversationIndex,
  childConversationIndex,
  iso,
} from './demo-mail';
import { fill, subjectFor, bodyFor, Topic } from './demo-text';
import { stableGraphId } from './ids';

export interface DemoOptions {
  /** Mailboxes in Dataverse and Exchange (users, with a queue among them); default 4: Alice, David, Erin, Sales. */
  mailboxes?: number;
  /** Messages generated per mailbox on average (copies in several mailboxes count once each); default 100. */
  messagesPerMailbox?: number;
  seed?: number;
}

export const DEMO_NOW = '2025-01-10T10:00:00Z';
/** processemailreceivedafter of every demo mailbox: three weeks before `now`. */
export const DEMO_PROCESS_AFTER = '2024-12-20T00:00:00Z';

const HOUR = 3600000;
const DAY = 24 * HOUR;
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

/**
 * A deterministic tenant for `exsync run` with no fixture, the simulators and `bench`: the same options
 * give the same tenant, byte for byte. The mail covers what SSS must decide on (run-contract.md,
 * acceptance/email-promotion.md): replies to Dataverse email by In-Reply-To, token, References only and
 * auto-reply; threads among demo mail; unknown senders; internal mail in two mailboxes; one mail in
 * several mailboxes; distribution-list and Bcc mail; mail before the watermark; mail in an untracked
 * subfolder; and a few malformed items. Time and memory are linear in mailboxes × messagesPerMailbox.
 */
export function demoTenant(opts: DemoOptions = {}): TenantFixture {
  const mailboxCount = Math.max(1, Math.floor(opts.mailboxes ?? 4));
  const perMailbox = Math.max(0, Math.floor(opts.messagesPerMailbox ?? 100));
  const r = new Random(opts.seed ?? 1);
  const dir = demoDirectory(mailboxCount);
  const now = Date.parse(DEMO_NOW);
  const watermark = Date.parse(DEMO_PROCESS_AFTER);
  const boxes = dir.mailboxes.map(newBox);
  const byAddress = new Map(boxes.map((b) => [b.mailbox.address, b]));
  const gen = new Generator(r, dir, boxes, opts.seed ?? 1, mailboxCount * perMailbox);

  const sent = sentFromDataverse(dir, watermark + 2 * HOUR);
  for (const e of sent)
    gen.sentFromDynamics(byAddress.get(e.user.address)!, e.contact, e.topic, e.token, e.messageId, e.sentAt);
  gen.malformed(boxes[0]!, now - 36 * HOUR);

  // Time follows the budget spent, so a reply (drawn from threads made earlier) is always later than its parent
  const start = watermark + DAY;
  const span = now - 5 * 60000 - start;
  for (let k = 0; gen.remaining > 0; k++) {
    const box = boxes[k % boxes.length]!;
    const at =
      Math.floor((start + (span * (gen.total - gen.remaining + r.next())) / Math.max(1, gen.total)) / 1000) * 1000;
    gen.one(box, at, watermark);
  }

  const exchange: Record<string, FixtureMailbox> = {};
  for (const b of boxes)
    exchange[b.mailbox.address] = {
      mailFolders: boxFolders(b),
      events: [],
      contacts: [],
      todoLists: [{ displayName: 'Tasks', wellknownListName: 'defaultList', tasks: [] }],
    };
  return { now: DEMO_NOW, dataverse: demoDataverse(dir, sent, DEMO_PROCESS_AFTER, iso), exchange };
}

class Generator {
  remaining: number;
  private seq = 0;
  private dvReplies = 0;
  constructor(
    private readonly r: Random,
    private readonly dir: Directory,
    private readonly boxes: Box[],
    private readonly seed: number,
    readonly total: number,
  ) {
    this.remaining = total;
  }

  /** A Sent Items copy of an email sent from Dynamics 365: the same Message-ID as the Dataverse row. */
  sentFromDynamics(box: Box, contact: Customer, topic: string, token: string, messageId: string, at: number): void {
    if (this.remaining < 1) return;
    const thread = this.thread(topic, at, { person: box.mailbox, box }, { person: contact });
    thread.token = token;
    this.send(thread, 0, at, { internetMessageId: messageId, topic: 'outbound' });
    box.dvThreads.push(thread);
  }

  /** Items SSS must record as failed or skipped, not crash on. */
  malformed(box: Box, at: number): void {
    const customer = this.dir.contacts[1]!;
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
      if (this.remaining < 1) return;
      const sentAt = at + i * HOUR;
      const body = bodyFor(this.r, 'inbound', fill(this.r, customer.company.name), box.mailbox.first, 'Sender');
      const e: Envelope = {
        internetMessageId: 'internetMessageId' in item ? item.internetMessageId : this.messageId('contoso.com'),
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
      this.remaining--;
    });
  }

  one(box: Box, at: number, watermark: number): void {
    const isQueue = box.mailbox.kind === 'queue';
    let kind: Kind = isQueue ? this.r.weighted(QUEUE_KINDS) : this.r.weighted(USER_KINDS);
    // fall back to a plain inbound mail when the kind has nothing to work with or the budget is short
    if (kind === 'reply' && box.threads.length === 0) kind = 'newInbound';
    if (kind === 'dvReply' && box.dvThreads.length === 0) kind = 'newInbound';
    if ((kind === 'internal' || kind === 'multi' || kind === 'dl') && (this.boxes.length < 2 || this.remaining < 3))
      kind = 'newInbound';
    const customer = this.customer();
    const self: Party = { person: box.mailbox, box };
    switch (kind) {
      case 'newInbound':
      case 'old':
      case 'filed': {
        const when = kind === 'old' ? watermark - this.r.int(1, 14) * DAY - this.r.int(0, 23) * HOUR : at;
        const t = this.thread(
          subjectFor(this.r, 'inbound', fill(this.r, customer.company.name)),
          when,
          { person: customer },
          self,
        );
        const categories = this.r.chance(0.04) ? [TRACKED_CATEGORY] : [];
        this.send(t, 0, when, { topic: 'inbound', categories, folder: kind === 'filed' ? 'filed' : 'inbox' });
        if (kind === 'newInbound') this.remember(box.threads, t);
        return;
      }
      case 'outbound': {
        const t = this.thread(subjectFor(this.r, 'outbound', fill(this.r, customer.company.name)), at, self, {
          person: customer,
        });
        this.send(t, 0, at, { topic: 'outbound' });
        return this.remember(box.threads, t);
      }
      case 'reply': {
        const t = this.r.pick(box.threads);
        const from = t.lastSender === 0 ? 1 : 0;
        const topic = t.parties[0].box && t.parties[1].box ? 'internal' : t.parties[from].box ? 'outbound' : 'inbound';
        return this.send(t, from, at, { topic, reply: 'inReplyTo' });
      }
      case 'dvReply':
        return this.dvReply(box, at);
      case 'unknown': {
        const sender = this.r.pick(this.dir.unknown);
        const t = this.thread(subjectFor(this.r, 'unknown', fill(this.r, 'Contoso')), at, { person: sender }, self);
        return this.send(t, 0, at, { topic: 'unknown' });
      }
      case 'internal': {
        const other = this.other(box);
        const t = this.thread(subjectFor(this.r, 'internal', fill(this.r, customer.company.name)), at, self, {
          person: other.mailbox,
          box: other,
        });
        this.send(t, 0, at, { topic: 'internal' });
        this.remember(box.threads, t);
        return this.remember(other.threads, t);
      }
      case 'multi': {
        // one customer mail to several demo mailboxes: one Message-ID, one Inbox copy each
        const second = this.other(box);
        const third = this.boxes.length > 2 && this.r.chance(0.5) ? this.other(box, second) : undefined;
        const t = this.thread(
          subjectFor(this.r, 'inbound', fill(this.r, customer.company.name)),
          at,
          { person: customer },
          self,
        );
        const cc = third ? [{ person: third.mailbox, box: third }] : [];
        this.send(t, 0, at, { topic: 'inbound', to: [self, { person: second.mailbox, box: second }], cc });
        return this.remember(box.threads, t);
      }
      case 'dl': {
        // reaches mailboxes through team@contoso.com, which is no Dataverse row: NoRecipientMatch unless filter 0
        const users = this.usersAfter(box, this.r.int(1, 2));
        const t = this.thread(
          subjectFor(this.r, 'dl', fill(this.r, customer.company.name)),
          at,
          { person: customer },
          { person: TEAM_DL },
        );
        return this.send(t, 0, at, { topic: 'dl', extraInboxes: [box, ...users] });
      }
      case 'bcc': {
        // the mailbox owner was Bcc'd: received mail shows no Bcc, so no recipient is a user
        const colleague = customer.company.contacts.find((c) => c !== customer) ?? this.dir.contacts[0]!;
        const t = this.thread(
          subjectFor(this.r, 'inbound', fill(this.r, customer.company.name)),
          at,
          { person: customer },
          { person: colleague },
        );
        return this.send(t, 0, at, { topic: 'inbound', extraInboxes: [box] });
      }
    }
  }

  /** A reply to an email sent from Dynamics 365, in the ways SSS meets them (sss-behaviour 1.5). */
  private dvReply(box: Box, at: number): void {
    const t = this.r.pick(box.dvThreads);
    // the first few go through every variant, so even a small tenant shows each of them
    const variant =
      this.dvReplies < DV_REPLY_VARIANTS.length
        ? DV_REPLY_VARIANTS[this.dvReplies++]!
        : this.r.weighted({ inReplyTo: 50, tokenOnly: 20, referencesOnly: 10, autoReply: 10, unknownToken: 10 });
    if (variant === 'inReplyTo') {
      // a fork, so every such reply answers the Dataverse email itself; the token is often edited out
      const fork: Thread = { ...t, messageIds: [...t.messageIds] };
      this.send(fork, 1, at, { topic: 'inbound', reply: 'inReplyTo', dropToken: this.r.chance(0.5) });
      return this.remember(box.threads, fork);
    }
    if (variant === 'autoReply') {
      return this.send(t, 1, at, {
        topic: 'inbound',
        reply: 'inReplyTo',
        prefix: 'Automatic reply: ',
        headers: [{ name: 'Auto-Submitted', value: 'auto-replied' }],
        keepThread: true,
      });
    }
    // a new mail (no Thread-Index link) that names the thread only by token or by References
    const fresh = this.thread(t.topic, at, t.parties[1], t.parties[0]);
    if (variant === 'tokenOnly') {
      fresh.token = t.token;
      return this.send(fresh, 0, at, { topic: 'inbound', prefix: 'RE: ' });
    }
    if (variant === 'referencesOnly') {
      fresh.messageIds.push(`<${this.seq++}.ref@mail.${this.dir.contacts[0]!.company.domain}>`, ...t.messageIds);
      return this.send(fresh, 0, at, { topic: 'inbound', prefix: 'RE: ', reply: 'referencesOnly' });
    }
    fresh.token = 'CRM:0001999'; // looks like a token but matches no email
    return this.send(fresh, 0, at, { topic: 'inbound', prefix: 'RE: ' });
  }

  /** A random demo mailbox other than `a` (and `b`), without scanning all mailboxes: keeps bench tenants linear. */
  private other(a: Box, b?: Box): Box {
    for (;;) {
      const pick = this.boxes[this.r.int(0, this.boxes.length - 1)]!;
      if (pick !== a && pick !== b) return pick;
    }
  }

  /** Up to `n` user mailboxes following `box`, as members of the team distribution list. */
  private usersAfter(box: Box, n: number): Box[] {
    const out: Box[] = [];
    const start = this.boxes.indexOf(box);
    for (let i = 1; i < this.boxes.length && out.length < n && i < 16; i++) {
      const b = this.boxes[(start + i) % this.boxes.length]!;
      if (b.mailbox.kind === 'systemuser') out.push(b);
    }
    return out;
  }

  private thread(topic: string, at: number, a: Party, b: Party): Thread {
    const key = `demo:${this.seed}:thread:${this.seq++}`;
    return {
      topic,
      messageIds: [],
      conversationId: stableGraphId(key, 'AAQkA'),
      conversationIndex: rootConversationIndex(at, key),
      parties: [a, b],
      lastSender: 1,
    };
  }

  private remember(pool: Thread[], t: Thread): void {
    // a bounded pool keeps replies to recent threads and memory linear
    if (pool.length < 40) pool.push(t);
    else pool[this.r.int(0, 39)] = t;
  }

  private companyOf(p: Person): string {
    return (p as Partial<Customer>).company?.name ?? 'Contoso';
  }

  private customer(): Customer {
    return this.r.chance(0.8) ? this.r.pick(this.dir.contacts) : this.r.pick(this.dir.leads);
  }

  private messageId(domain: string): string {
    const host = domain === 'contoso.com' ? 'contoso.onmicrosoft.com' : `mail.${domain}`;
    return `<${(this.seq++).toString(36)}.${this.r.int(0, 0xffffff).toString(16)}.${this.seed}@${host}>`;
  }

  /** Sends the next message of thread `t` from parties[from]: a Sent Items copy for a demo sender, an Inbox copy per demo recipient. */
  private send(t: Thread, from: 0 | 1, at: number, o: SendOptions): void {
    const sender = t.parties[from];
    const to = o.to ?? [t.parties[from === 0 ? 1 : 0]];
    const cc = o.cc ?? [];
    const inboxes = [...to, ...cc].flatMap((p) => (p.box ? [p.box] : [])).concat(o.extraInboxes ?? []);
    const copies = (sender.box ? 1 : 0) + inboxes.length;
    if (copies > this.remaining) return;
    this.remaining -= copies;

    const isReply = o.reply !== undefined && t.messageIds.length > 0;
    const headers = [...(o.headers ?? [])];
    if (isReply && o.reply === 'inReplyTo')
      headers.push({ name: 'In-Reply-To', value: t.messageIds[t.messageIds.length - 1]! });
    if (isReply) headers.push({ name: 'References', value: t.messageIds.slice(-10).join(' ') });
    const token = t.token && !o.dropToken ? ` ${t.token}` : '';
    const prefix = o.prefix ?? (isReply ? 'RE: ' : '');
    const subject = `${prefix}${t.topic}${token}`;
    const domain = sender.person.address.split('@')[1] ?? 'contoso.com';
    const internetMessageId = o.internetMessageId ?? this.messageId(domain);
    const index = isReply
      ? childConversationIndex(t.conversationIndex, at - Date.parse('2024-01-01T00:00:00Z'), this.r.int(0, 255))
      : t.conversationIndex;
    const recipientName = to[0]!.box ? to[0]!.box.mailbox.first : to[0]!.person.name.split(' ')[0]!;
    const senderName = sender.person.name;
    const lastQuoted = isReply
      ? { from: t.parties[from === 0 ? 1 : 0].person.name, sent: iso(at - HOUR), subject: `${t.topic}${token}` }
      : undefined;
    const body = bodyFor(
      this.r,
      o.topic,
      fill(this.r, this.companyOf(to[0]!.person)),
      recipientName,
      senderName,
      lastQuoted,
    );
    const e: Envelope = {
      internetMessageId,
      subject,
      from: { emailAddress: { name: senderName, address: sender.person.address } },
      to: to.map((p) => p.person),
      cc: cc.map((p) => p.person),
      sentAt: at,
      conversationId: t.conversationId,
      conversationIndex: index.toString('base64'),
      headers,
      categories: o.categories ?? [],
      html: body.html,
      preview: body.preview,
    };
    if (sender.box) sender.box.sent.push(messageCopy(e, sender.box, sender.box.sentId, at, true));
    for (const b of inboxes) {
      const folder = o.folder === 'filed' ? b.filedId : b.inboxId;
      const copy = messageCopy(e, b, folder, at + this.r.int(1, 20) * 1000, this.r.chance(0.6));
      (o.folder === 'filed' ? b.filed : b.inbox).push(copy);
    }
    if (o.keepThread) return;
    t.messageIds.push(internetMessageId);
    t.conversationIndex = index;
    t.lastSender = from;
  }
}

interface SendOptions {
  topic: Topic;
  internetMessageId?: string;
  to?: Party[];
  cc?: Party[];
  /** mailboxes that get an Inbox copy without being on To/Cc (distribution list, Bcc) */
  extraInboxes?: Box[];
  reply?: 'inReplyTo' | 'referencesOnly';
  prefix?: string;
  dropToken?: boolean;
  headers?: Array<{ name: string; value: string }>;
  categories?: string[];
  folder?: 'inbox' | 'filed';
  /** an auto-reply does not move the thread on: nobody replies to it */
  keepThread?: boolean;
}
