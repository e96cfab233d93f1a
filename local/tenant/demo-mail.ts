import type { FixtureMessage, FixtureFolder } from './fixture';
import type { DemoMailbox, Person } from './demo-directory';
import { stableGraphId, stableGuid } from './ids';
import { deliveryHeaders, isInternalSender } from '../sim/graph/delivery-headers';

// Graph message JSON for the demo tenant, and the Outlook threading data (Message-ID chains,
// Thread-Index) that SSS correlates on.

/** One demo mailbox's folders as they fill up. */
export interface Box {
  mailbox: DemoMailbox;
  inboxId: string;
  sentId: string;
  filedId: string;
  inbox: FixtureMessage[];
  sent: FixtureMessage[];
  /** Inbox/Projects: a subfolder that is not folder-tracked, so SSS must leave its mail alone */
  filed: FixtureMessage[];
  threads: Thread[];
  /** Threads that start at an email already in Dataverse (sent from D365 with a tracking token). */
  dvThreads: Thread[];
  nextItem: number;
}

export function newBox(mailbox: DemoMailbox): Box {
  const a = mailbox.address;
  return {
    mailbox,
    inbox: [],
    sent: [],
    filed: [],
    threads: [],
    dvThreads: [],
    nextItem: 0,
    inboxId: stableGraphId(`demo:folder:${a}:inbox`),
    sentId: stableGraphId(`demo:folder:${a}:sentitems`),
    filedId: stableGraphId(`demo:folder:${a}:inbox/projects`),
  };
}

/** A person on a mail; `box` when the address is one of the demo mailboxes. */
export interface Party {
  person: Person;
  box?: Box;
}

export interface Thread {
  /** Subject without RE:/FW: and without the token */
  topic: string;
  /** Tracking token the thread's subjects carry, if it started in Dataverse */
  token?: string;
  /** Message-IDs of the thread, oldest first (the References chain) */
  messageIds: string[];
  conversationId: string;
  conversationIndex: Buffer;
  parties: [Party, Party];
  /** index in parties of whoever sent the last message */
  lastSender: 0 | 1;
}

const FILETIME_EPOCH_MS = 11644473600000n;

/** Outlook's Thread-Index header block: 6 bytes of FILETIME and a GUID (22 bytes, the thread root). */
export function rootConversationIndex(atMs: number, seed: string): Buffer {
  const ft = Buffer.alloc(8);
  ft.writeBigUInt64BE((BigInt(Math.floor(atMs)) + FILETIME_EPOCH_MS) * 10000n);
  return Buffer.concat([ft.subarray(0, 6), Buffer.from(stableGuid(seed).replace(/-/g, ''), 'hex')]);
}

/** A reply appends a 5-byte child block (time delta and a random nibble), as Outlook does. */
export function childConversationIndex(parent: Buffer, deltaMs: number, salt: number): Buffer {
  const child = Buffer.alloc(5);
  child.writeUInt32BE(Math.min(0x7fffffff, Math.max(0, Math.floor(deltaMs / 1000))) >>> 0);
  child[4] = salt & 0xff;
  return Buffer.concat([parent, child]);
}

export function iso(ms: number): string {
  // Graph returns whole seconds with a Z; keep the same shape
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export interface Envelope {
  internetMessageId?: string;
  subject: string;
  /** Raw Graph `from`; a malformed item may lack the address */
  from: { emailAddress: { name?: string; address?: string } };
  to: Person[];
  cc: Person[];
  sentAt: number;
  conversationId: string;
  conversationIndex: string;
  headers: Array<{ name: string; value: string }>;
  categories: string[];
  html: string;
  preview: string;
}

const recipient = (p: Person) => ({ emailAddress: { name: p.name, address: p.address } });

/**
 * One mailbox's copy of a message. Every copy gets its own objects so a simulator may edit one freely.
 * Headers as Exchange keeps them: a delivered copy whose sender set headers of its own (In-Reply-To,
 * References, Auto-Submitted) carries the full delivered list with them in place; one without gets no list,
 * so the simulator makes the same list on read (no memory for big tenants). The Sent Items copy keeps only
 * the sender's own headers, which the simulator serves to a GET and never to delta.
 */
export function messageCopy(
  e: Envelope,
  box: Box,
  folderId: string,
  receivedAt: number,
  isRead: boolean,
): FixtureMessage {
  const id = stableGraphId(`demo:item:${box.mailbox.address}:${box.nextItem++}`);
  const received = iso(receivedAt);
  const m: FixtureMessage = {
    id,
    createdDateTime: received,
    lastModifiedDateTime: received,
    receivedDateTime: received,
    sentDateTime: iso(e.sentAt),
    hasAttachments: false,
    subject: e.subject,
    bodyPreview: e.preview,
    importance: 'normal',
    parentFolderId: folderId,
    conversationId: e.conversationId,
    conversationIndex: e.conversationIndex,
    isRead,
    isDraft: false,
    body: { contentType: 'html', content: e.html },
    sender: { emailAddress: { ...e.from.emailAddress } },
    from: { emailAddress: { ...e.from.emailAddress } },
    toRecipients: e.to.map(recipient),
    ccRecipients: e.cc.map(recipient),
    bccRecipients: [],
    replyTo: [],
    categories: [...e.categories],
  };
  if (e.internetMessageId !== undefined) m.internetMessageId = e.internetMessageId;
  if (e.headers.length === 0) return m;
  const own = e.headers.map((h) => ({ ...h }));
  if (folderId === box.sentId) m.internetMessageHeaders = own;
  else {
    const domains = new Set([box.mailbox.address.slice(box.mailbox.address.lastIndexOf('@') + 1)]);
    m.internetMessageHeaders = deliveryHeaders(m, {
      mailbox: box.mailbox.address,
      internal: isInternalSender(m, domains),
      sender: own,
    });
  }
  return m;
}

const byReceived = (a: FixtureMessage, b: FixtureMessage) =>
  (a.receivedDateTime as string) < (b.receivedDateTime as string)
    ? -1
    : (a.receivedDateTime as string) > (b.receivedDateTime as string)
      ? 1
      : 0;

/** The mailbox as Graph shows it: Inbox (with its Projects subfolder), Sent Items, Drafts, Deleted Items. */
export function boxFolders(box: Box): FixtureFolder[] {
  const a = box.mailbox.address;
  return [
    {
      id: box.inboxId,
      displayName: 'Inbox',
      wellKnownName: 'inbox',
      parentFolderId: null,
      messages: box.inbox.sort(byReceived),
      childFolders: [
        { id: box.filedId, displayName: 'Projects', parentFolderId: box.inboxId, messages: box.filed.sort(byReceived) },
      ],
    },
    {
      id: box.sentId,
      displayName: 'Sent Items',
      wellKnownName: 'sentitems',
      parentFolderId: null,
      messages: box.sent.sort(byReceived),
    },
    {
      id: stableGraphId(`demo:folder:${a}:drafts`),
      displayName: 'Drafts',
      wellKnownName: 'drafts',
      parentFolderId: null,
      messages: [],
    },
    {
      id: stableGraphId(`demo:folder:${a}:deleteditems`),
      displayName: 'Deleted Items',
      wellKnownName: 'deleteditems',
      parentFolderId: null,
      messages: [],
    },
  ];
}
