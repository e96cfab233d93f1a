// The demo tenant's mail, message by message: threads between two parties, and each message sent as a Sent
// Items copy for a demo sender and an Inbox (or filed) copy per demo recipient, within a budget of copies.
import type { Random } from './demo-random';
import type { Customer, Directory, Person } from './demo-directory';
import {
  type Box,
  type Party,
  type Thread,
  type Envelope,
  messageCopy,
  rootConversationIndex,
  childConversationIndex,
  iso,
} from './demo-mail';
import { fill, bodyFor, type Topic } from './demo-text';
import { stableGraphId } from './ids';

export const HOUR = 3600000;
export const DAY = 24 * HOUR;

export class DemoGenerator {
  remaining: number;
  seq = 0;
  dvReplies = 0;
  constructor(
    readonly r: Random,
    readonly dir: Directory,
    readonly boxes: Box[],
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

  /** A random demo mailbox other than `a` (and `b`), without scanning all mailboxes: keeps bench tenants linear. */
  other(a: Box, b?: Box): Box {
    for (;;) {
      const pick = this.boxes[this.r.int(0, this.boxes.length - 1)];
      if (pick !== a && pick !== b) return pick;
    }
  }

  /** Up to `n` user mailboxes following `box`, as members of the team distribution list. */
  usersAfter(box: Box, n: number): Box[] {
    const out: Box[] = [];
    const start = this.boxes.indexOf(box);
    for (let i = 1; i < this.boxes.length && out.length < n && i < 16; i++) {
      const b = this.boxes[(start + i) % this.boxes.length];
      if (b.mailbox.kind === 'systemuser') out.push(b);
    }
    return out;
  }

  thread(topic: string, at: number, a: Party, b: Party): Thread {
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

  remember(pool: Thread[], t: Thread): void {
    // a bounded pool keeps replies to recent threads and memory linear
    if (pool.length < 40) pool.push(t);
    else pool[this.r.int(0, 39)] = t;
  }

  companyOf(p: Person): string {
    return (p as Partial<Customer>).company?.name ?? 'Contoso';
  }

  customer(): Customer {
    return this.r.chance(0.8) ? this.r.pick(this.dir.contacts) : this.r.pick(this.dir.leads);
  }

  messageId(domain: string): string {
    const host = domain === 'contoso.com' ? 'contoso.onmicrosoft.com' : `mail.${domain}`;
    return `<${(this.seq++).toString(36)}.${this.r.int(0, 0xffffff).toString(16)}.${this.seed}@${host}>`;
  }

  /** Sends the next message of thread `t` from parties[from]: a Sent Items copy for a demo sender, an Inbox copy per demo recipient. */
  send(t: Thread, from: 0 | 1, at: number, o: SendOptions): void {
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
      headers.push({ name: 'In-Reply-To', value: t.messageIds[t.messageIds.length - 1] });
    if (isReply) headers.push({ name: 'References', value: t.messageIds.slice(-10).join(' ') });
    const token = t.token && !o.dropToken ? ` ${t.token}` : '';
    const prefix = o.prefix ?? (isReply ? 'RE: ' : '');
    const subject = `${prefix}${t.topic}${token}`;
    const domain = sender.person.address.split('@')[1] ?? 'contoso.com';
    const internetMessageId = o.internetMessageId ?? this.messageId(domain);
    const index = isReply
      ? childConversationIndex(t.conversationIndex, at - Date.parse('2024-01-01T00:00:00Z'), this.r.int(0, 255))
      : t.conversationIndex;
    const recipientName = to[0].box ? to[0].box.mailbox.first : to[0].person.name.split(' ')[0];
    const senderName = sender.person.name;
    const lastQuoted = isReply
      ? { from: t.parties[from === 0 ? 1 : 0].person.name, sent: iso(at - HOUR), subject: `${t.topic}${token}` }
      : undefined;
    const body = bodyFor(
      this.r,
      o.topic,
      fill(this.r, this.companyOf(to[0].person)),
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
