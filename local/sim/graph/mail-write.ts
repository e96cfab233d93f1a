// The write paths of mail (https://learn.microsoft.com/graph/api/user-sendmail): sendMail (JSON or base64 MIME)
// answering 202 with an empty body, drafts (POST …/messages, PATCH while isDraft) and POST …/messages/{id}/send. A sent
// message lands in the sender's Sent Items with a generated internetMessageId and in the Inbox of every recipient that
// is a mailbox of the tenant.
import { hasVisibleAttachments } from './attachment-routes';
import { randomBytes } from 'node:crypto';
import type { FixtureMessage, Json } from '../../tenant/fixture';
import { GraphError, badRequest } from './errors';
import { conversationIdFor } from './ids';
import { topicOf } from './message-defaults';
import { impliedHeaders, type Header } from './mime';
import { deliveryHeaders } from './delivery-headers';
import { headersFromProperties } from './extended-properties';
import type { MailStore, SimMailbox, SimMessage } from './store';
import { scalarText } from '../json-scalar';

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const MAX_RECIPIENTS = 500;
/** What a client may set on a message it creates or sends. */
const SETTABLE = [
  'subject',
  'body',
  'toRecipients',
  'ccRecipients',
  'bccRecipients',
  'replyTo',
  'importance',
  'categories',
  'internetMessageHeaders',
  'internetMessageId',
  'flag',
  'isDeliveryReceiptRequested',
  'isReadReceiptRequested',
  'attachments',
  'singleValueExtendedProperties',
  'conversationId',
  'conversationIndex',
];

interface Recipient {
  emailAddress?: { address?: string; name?: string };
}

function recipients(data: Json): Recipient[] {
  return ['toRecipients', 'ccRecipients', 'bccRecipients'].flatMap((k) =>
    Array.isArray(data[k]) ? (data[k] as Recipient[]) : [],
  );
}

export function generatedMessageId(): string {
  const id = randomBytes(12).toString('hex').toUpperCase();
  return `<SIM${id}@SIM0PR01MB${id.slice(0, 4)}.namprd00.prod.outlook.com>`;
}

/** The client's message JSON, checked as Graph checks it. */
export function messageInput(body: unknown, requireRecipients: boolean): Json {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Empty or invalid payload.');
  const m = body as Json;
  const out: Json = {};
  for (const [k, v] of Object.entries(m)) {
    if (k.startsWith('@odata')) continue;
    if (!SETTABLE.includes(k))
      throw badRequest(`The property '${k}' does not exist on type 'microsoft.graph.message' or cannot be set.`);
    out[k] = structuredClone(v);
  }
  for (const k of ['toRecipients', 'ccRecipients', 'bccRecipients']) {
    if (out[k] === undefined) continue;
    if (!Array.isArray(out[k]) || (out[k] as Recipient[]).some((r) => typeof r?.emailAddress?.address !== 'string')) {
      throw new GraphError(400, 'ErrorInvalidRecipients', 'At least one recipient is not valid.');
    }
  }
  const all = recipients(out);
  if (requireRecipients && all.length === 0)
    throw new GraphError(400, 'ErrorInvalidRecipients', 'At least one recipient is not valid., Recipient is missing.');
  if (all.length > MAX_RECIPIENTS)
    throw new GraphError(
      400,
      'ErrorExceededMessageLimit',
      `A message can't have more than ${MAX_RECIPIENTS} recipients.`,
    );
  if (out.internetMessageHeaders !== undefined) {
    if (!Array.isArray(out.internetMessageHeaders))
      throw badRequest("Invalid value for property 'internetMessageHeaders'.");
    for (const h of out.internetMessageHeaders as Header[]) {
      if (!/^x-/i.test(String(h?.name ?? ''))) {
        throw new GraphError(
          400,
          'InvalidInternetMessageHeader',
          `The internet message header name '${h?.name}' should start with 'x-' or 'X-'.`,
        );
      }
    }
  }
  if (out.attachments !== undefined) {
    if (!Array.isArray(out.attachments)) throw badRequest("Invalid value for property 'attachments'.");
    out.hasAttachments = hasVisibleAttachments(out.attachments);
  }
  return out;
}

/** `Content-Type: text/plain` sendMail: a base64 MIME message. Only the headers sync needs are read. */
export function mimeInput(raw: Buffer): Json {
  const text = raw.toString('latin1').replace(/\s+/g, '');
  if (!text || !/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new GraphError(400, 'ErrorMimeContentInvalidBase64String', 'Invalid base64 string for MIME content.');
  }
  const mime = Buffer.from(text, 'base64').toString('utf8');
  const split = mime.search(/\r?\n\r?\n/);
  const head = split < 0 ? mime : mime.slice(0, split);
  const content = split < 0 ? '' : mime.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers: Header[] = [];
  for (const line of head.split(/\r?\n/)) {
    if (/^\s/.test(line) && headers.length) headers[headers.length - 1].value += ' ' + line.trim();
    else {
      const i = line.indexOf(':');
      if (i > 0) headers.push({ name: line.slice(0, i).trim(), value: line.slice(i + 1).trim() });
    }
  }
  const get = (n: string) => headers.find((h) => h.name.toLowerCase() === n)?.value;
  const list = (v: string | undefined) =>
    (v ?? '')
      .split(',')
      .map((s) => /<([^>]+)>/.exec(s)?.[1] ?? s.trim())
      .filter(Boolean)
      .map((address) => ({ emailAddress: { address } }));
  const contentType = get('content-type') ?? 'text/plain';
  const out: Json = {
    subject: get('subject') ?? '',
    toRecipients: list(get('to')),
    ccRecipients: list(get('cc')),
    bccRecipients: list(get('bcc')),
    body: { contentType: /html/i.test(contentType) ? 'html' : 'text', content },
    internetMessageHeaders: headers.filter((h) => /^(x-|in-reply-to$|references$)/i.test(h.name)),
  };
  const mid = get('message-id');
  if (mid) out.internetMessageId = mid;
  if (recipients(out).length === 0)
    throw new GraphError(400, 'ErrorInvalidRecipients', 'At least one recipient is not valid., Recipient is missing.');
  return out;
}

/** Sender, times, ids and headers as Exchange stamps them at submission. */
function stamp(store: MailStore, mbx: SimMailbox, given: Json): Json {
  const now = iso(store.clock.now());
  const me = { emailAddress: { name: mbx.displayName, address: mbx.address } };
  const data: Json = {
    ...given,
    from: me,
    sender: me,
    sentDateTime: now,
    receivedDateTime: now,
    createdDateTime: given.createdDateTime ?? now,
    isDraft: false,
  };
  data.internetMessageId ??= generatedMessageId();
  data.conversationId ??= conversationIdFor(mbx.address, topicOf(scalarText(data.subject) ?? ''));
  const set = Array.isArray(given.internetMessageHeaders) ? (given.internetMessageHeaders as Header[]) : [];
  const custom = [
    ...set,
    ...headersFromProperties(given).filter((h) => !set.some((c) => c.name.toLowerCase() === h.name.toLowerCase())),
  ];
  const implied = impliedHeaders({ ...data, internetMessageHeaders: undefined }).filter(
    (h) => !custom.some((c) => c.name.toLowerCase() === h.name.toLowerCase()),
  );
  data.internetMessageHeaders = [...implied, ...custom];
  return data;
}

/** Inbox copies for recipients that are mailboxes here; other addresses leave the tenant. */
function deliverToRecipients(store: MailStore, sender: SimMailbox, data: Json): void {
  const seen = new Set<string>();
  for (const r of recipients(data)) {
    const address = String(r.emailAddress?.address ?? '').toLowerCase();
    if (!address || seen.has(address)) continue;
    seen.add(address);
    const target = store.mailboxes.get(address);
    if (!target) continue;
    const copy: FixtureMessage = { ...structuredClone(data), isRead: false };
    delete copy.bccRecipients;
    delete copy.conversationId; // each mailbox has its own conversation ids
    // The delivered copy carries what transport stamped, with the sender's own headers in place.
    const own = (Array.isArray(data.internetMessageHeaders) ? (data.internetMessageHeaders as Header[]) : []).filter(
      (h) => /^(x-|in-reply-to$|references$)/i.test(h.name),
    );
    copy.internetMessageHeaders = deliveryHeaders(copy, { mailbox: target.address, internal: true, sender: own });
    store.insertInto(target, store.ensureFolder(target, 'inbox', 'Inbox'), copy);
  }
  void sender;
}

export function sendMail(store: MailStore, mbx: SimMailbox, message: Json, saveToSentItems: boolean): void {
  const data = stamp(store, mbx, message);
  if (saveToSentItems)
    store.insertInto(mbx, store.ensureFolder(mbx, 'sentitems', 'Sent Items'), { ...data, isRead: true });
  deliverToRecipients(store, mbx, data);
}

export function createDraft(store: MailStore, mbx: SimMailbox, message: Json, folderRef?: string): SimMessage {
  const now = iso(store.clock.now());
  const me = { emailAddress: { name: mbx.displayName, address: mbx.address } };
  const folder = folderRef ? store.folder(mbx, folderRef) : store.ensureFolder(mbx, 'drafts', 'Drafts');
  const data: Json = {
    from: me,
    sender: me,
    ...message,
    isDraft: true,
    isRead: true,
    createdDateTime: now,
    receivedDateTime: now,
    sentDateTime: now,
  };
  data.internetMessageId ??= generatedMessageId();
  return store.insertInto(mbx, folder, data);
}

/** Sends a draft: the same item (same immutable id) moves to Sent Items. */
export function sendDraft(store: MailStore, mbx: SimMailbox, id: string): void {
  const m = store.message(mbx, id);
  if (m.data.isDraft !== true) throw new GraphError(400, 'ErrorInvalidOperation', 'Only draft messages can be sent.');
  const stamped = stamp(store, mbx, m.data);
  if (recipients(stamped).length === 0)
    throw new GraphError(400, 'ErrorInvalidRecipients', 'At least one recipient is not valid., Recipient is missing.');
  // Stamp in place without logging an update: the move below is what delta reports.
  m.data = { ...stamped, isRead: true };
  store.move(mbx, m.immutableId, store.ensureFolder(mbx, 'sentitems', 'Sent Items').id);
  deliverToRecipients(store, mbx, stamped);
}
