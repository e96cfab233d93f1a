// Graph message JSON -> MailItem. Pure and defensive: Graph items are untrusted input, and a bad item
// must become a decision with a reason, never an exception that stops the mailbox.
import type { Address, FolderKind, MailItem } from './item';
import { normalizeMessageId, parseMessageIdList } from './message-id';
import { hasControl, singleLine } from './text';
import { readsAttachments } from './attachments';

export type Normalized =
  | { kind: 'item'; item: MailItem }
  | { kind: 'removed'; graphId: string; reason: string }
  /** An update payload carrying only some properties: the full item must be read to evaluate it. */
  | { kind: 'partial'; graphId: string }
  | { kind: 'invalid'; graphId: string; internetMessageId?: string; problem: string; invalidSender?: boolean };

/** Properties asked of delta; internetMessageHeaders may still be missing (Sent Items always, updates). */
export const MESSAGE_SELECT = [
  'internetMessageId',
  'subject',
  'from',
  'sender',
  'toRecipients',
  'ccRecipients',
  'bccRecipients',
  'receivedDateTime',
  'sentDateTime',
  'lastModifiedDateTime',
  'conversationId',
  'conversationIndex',
  'internetMessageHeaders',
  'categories',
  'body',
  'importance',
  'parentFolderId',
  'isDraft',
  'hasAttachments',
] as const;

export const KEPT_HEADERS = ['auto-submitted', 'reply-to'] as const;

/**
 * The MAPI properties Exchange derives the In-Reply-To and References header fields from (PidTagInReplyToId,
 * PidTagInternetReferences; learn.microsoft.com/office/client-developer/outlook/mapi/pidtaginreplytoid-canonical-property
 * and …/pidtaginternetreferences-canonical-property, [MS-OXPROPS] and [MS-OXCMAIL]), in Graph's proptag id
 * form (learn.microsoft.com/graph/api/resources/extended-properties-overview). Graph serves no
 * internetMessageHeaders on the copy in Sent Items; these properties are read there instead.
 */
export const THREADING_PROPERTIES = { inReplyTo: 'String 0x1042', references: 'String 0x1039' } as const;
const THREADING_TAGS = new Map<number, 'in-reply-to' | 'references'>([
  [0x1042, 'in-reply-to'],
  [0x1039, 'references'],
]);

const ADDRESS = /^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+\.[^\s@<>()",;:\\[\]]+$/;
/** Server-side synchronization rejects a sender address not of the form x@y.z; so do we. */
export function isValidAddress(a: string): boolean {
  return a.length <= 320 && ADDRESS.test(a) && !hasControl(a);
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function toAddress(v: unknown): Address | undefined {
  if (!isObj(v) || !isObj(v.emailAddress)) return undefined;
  const address = str(v.emailAddress.address)?.trim().toLowerCase();
  if (!address) return undefined;
  const name = str(v.emailAddress.name);
  return name ? { address, name } : { address };
}

/** Recipients whose address is not an address are dropped from resolution (they cannot match a row). */
function toRecipients(v: unknown): Address[] {
  if (!Array.isArray(v)) return [];
  const out: Address[] = [];
  for (const r of v) {
    const a = toAddress(r);
    if (a && isValidAddress(a.address) && !out.some((o) => o.address === a.address)) out.push(a);
  }
  return out;
}

function isIsoDate(v: unknown): v is string {
  return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v) && Number.isFinite(Date.parse(v));
}

export function headerMap(v: unknown): Map<string, string> | undefined {
  if (!Array.isArray(v)) return undefined;
  const m = new Map<string, string>();
  for (const h of v) {
    if (isObj(h) && typeof h.name === 'string' && typeof h.value === 'string') {
      const k = h.name.toLowerCase();
      if (!m.has(k)) m.set(k, h.value);
    }
  }
  return m;
}

/**
 * In-Reply-To and References from the expanded singleValueExtendedProperties. Graph answers a proptag id in
 * its own spelling ("String 0x1a" for "String 0x001A"), so ids are compared by type and tag number.
 */
export function threadingProperties(v: unknown): Map<string, string> {
  const m = new Map<string, string>();
  if (!Array.isArray(v)) return m;
  for (const p of v) {
    if (!isObj(p) || typeof p.id !== 'string' || typeof p.value !== 'string') continue;
    const tag = /^\s*string\s+0x0*([0-9a-f]{1,4})\s*$/i.exec(p.id);
    const name = tag ? THREADING_TAGS.get(parseInt(tag[1], 16)) : undefined;
    if (name && !m.has(name)) m.set(name, p.value);
  }
  return m;
}

/** True when the payload lacks what a full message always has, i.e. it is an update of some properties. */
function isPartial(json: Record<string, unknown>): boolean {
  return !('receivedDateTime' in json) && !('subject' in json) && !('internetMessageId' in json) && !('from' in json);
}

export function normalizeGraphMessage(json: unknown, folder: FolderKind): Normalized {
  const checked = check(json);
  return 'kind' in checked ? checked : { kind: 'item', item: toMailItem(checked, folder) };
}

/** A full message whose id, Message-ID, received time and sender are usable. */
interface Checked {
  json: Record<string, unknown>;
  graphId: string;
  internetMessageId: string;
  from: Address;
  receivedDateTime: string;
}

/** The checks an item must pass to be decided on; what fails is an invalid item with its problem. */
function check(json: unknown): Normalized | Checked {
  if (!isObj(json) || typeof json.id !== 'string' || json.id.length === 0 || json.id.length > 512) {
    return {
      kind: 'invalid',
      graphId: isObj(json) && typeof json.id === 'string' ? json.id.slice(0, 512) : '',
      problem: 'item without a usable id',
    };
  }
  const graphId = json.id;
  if (isObj(json['@removed'])) return { kind: 'removed', graphId, reason: str(json['@removed'].reason) ?? 'deleted' };
  if (isPartial(json)) return { kind: 'partial', graphId };

  const rawId = str(json.internetMessageId)?.trim();
  if (!rawId) return { kind: 'invalid', graphId, problem: 'missing internetMessageId' };
  if (!/^<?[^<>\s]+>?$/.test(rawId) || hasControl(rawId) || rawId.length > 995)
    return { kind: 'invalid', graphId, internetMessageId: rawId.slice(0, 320), problem: 'malformed internetMessageId' };
  if (!isIsoDate(json.receivedDateTime))
    return { kind: 'invalid', graphId, internetMessageId: rawId, problem: 'missing or malformed receivedDateTime' };

  const from = toAddress(json.from) ?? toAddress(json.sender);
  if (!from || !isValidAddress(from.address))
    return {
      kind: 'invalid',
      graphId,
      internetMessageId: rawId,
      problem: 'sender missing or not of the form x@y.z',
      invalidSender: true,
    };
  return { json, graphId, internetMessageId: rawId, from, receivedDateTime: json.receivedDateTime };
}

/** The headers promotion reads: threading (a header when Graph gives one, else the MAPI property), kept, auto-reply. */
function readHeaders(json: Record<string, unknown>) {
  const headers = headerMap(json.internetMessageHeaders) ?? new Map<string, string>();
  // The MAPI property Exchange keeps a threading header in is the only source in Sent Items.
  const threading = threadingProperties(json.singleValueExtendedProperties);
  const threadingHeader = (name: 'in-reply-to' | 'references') => headers.get(name) ?? threading.get(name);
  const keptHeaders: Record<string, string> = {};
  for (const k of KEPT_HEADERS) {
    const v = headers.get(k);
    if (v !== undefined) keptHeaders[k === 'auto-submitted' ? 'Auto-Submitted' : 'Reply-To'] = singleLine(v);
  }
  return {
    inReplyTo: parseMessageIdList(threadingHeader('in-reply-to')),
    references: parseMessageIdList(threadingHeader('references')),
    threadIndex: headers.get('thread-index'),
    autoReply: isAutoReply(headers),
    keptHeaders,
  };
}

function toMailItem(c: Checked, folder: FolderKind): MailItem {
  const { json } = c;
  const h = readHeaders(json);
  const body = isObj(json.body) ? json.body : {};
  const conversationIndex = str(json.conversationIndex) ?? h.threadIndex;
  const importance = str(json.importance);
  return {
    graphId: c.graphId,
    internetMessageId: c.internetMessageId,
    messageKey: normalizeMessageId(c.internetMessageId),
    folder,
    // Stored on one line: a subject can later reach a mail header (a reply, a customization).
    subject: singleLine(str(json.subject) ?? ''),
    from: c.from,
    to: toRecipients(json.toRecipients),
    cc: toRecipients(json.ccRecipients),
    bcc: toRecipients(json.bccRecipients),
    receivedDateTime: new Date(c.receivedDateTime).toISOString(),
    sentDateTime: isIsoDate(json.sentDateTime) ? new Date(json.sentDateTime).toISOString() : undefined,
    ...(isIsoDate(json.lastModifiedDateTime)
      ? { lastModifiedDateTime: new Date(json.lastModifiedDateTime).toISOString() }
      : {}),
    inReplyTo: h.inReplyTo,
    references: h.references,
    conversationIndex,
    conversationRoot: conversationRoot(conversationIndex),
    autoReply: h.autoReply,
    categories: Array.isArray(json.categories) ? json.categories.filter((x): x is string => typeof x === 'string') : [],
    keptHeaders: h.keptHeaders,
    body: {
      contentType: str(body.contentType)?.toLowerCase() === 'text' ? 'text' : 'html',
      content: str(body.content) ?? '',
    },
    importance: importance === 'low' || importance === 'high' || importance === 'normal' ? importance : undefined,
    ...(readsAttachments(json) ? { attachments: true as const } : {}),
  };
}

/** Whether a full payload came without internetMessageHeaders (so they, or the threading properties, must be read separately). */
export function lacksHeaders(json: unknown): boolean {
  return isObj(json) && !Array.isArray(json.internetMessageHeaders);
}

/** The first 22 bytes of a conversation index are the thread's root; later 5-byte blocks are replies. */
export function conversationRoot(index: string | undefined): string | undefined {
  if (!index || !/^[A-Za-z0-9+/=\s]+$/.test(index)) return undefined;
  const bytes = Buffer.from(index, 'base64');
  return bytes.length >= 22 ? bytes.subarray(0, 22).toString('hex') : undefined;
}

/** RFC 3834 and the common vendor headers for automatic replies (out of office, autoresponders). */
export function isAutoReply(headers: Map<string, string>): boolean {
  const submitted = headers.get('auto-submitted')?.trim().toLowerCase();
  if (submitted && submitted !== 'no') return true;
  const precedence = headers.get('precedence')?.trim().toLowerCase();
  if (precedence && ['bulk', 'junk', 'auto_reply', 'list'].includes(precedence)) return true;
  return headers.has('x-autoreply') || headers.has('x-autorespond');
}
