// Graph's message JSON: full items, $select subsets, partial update payloads and @removed entries.
import type { Json } from '../../tenant/fixture';
import { badRequest } from './errors';
import { plainTextOf } from './message-defaults';
import { changeKeyFor } from './ids';
import type { Header } from './mime';
import type { SimMessage } from './store';
import type { ExtendedProperty } from './extended-properties';

/** v1.0 message properties in the order Graph serialises them. */
const PROPERTIES = [
  'id',
  'createdDateTime',
  'lastModifiedDateTime',
  'changeKey',
  'categories',
  'receivedDateTime',
  'sentDateTime',
  'hasAttachments',
  'internetMessageId',
  'subject',
  'bodyPreview',
  'importance',
  'parentFolderId',
  'conversationId',
  'conversationIndex',
  'isDeliveryReceiptRequested',
  'isReadReceiptRequested',
  'isRead',
  'isDraft',
  'webLink',
  'inferenceClassification',
  'body',
  'uniqueBody',
  'sender',
  'from',
  'toRecipients',
  'ccRecipients',
  'bccRecipients',
  'replyTo',
  'flag',
  'internetMessageHeaders',
];
/** eventMessage's own properties (https://learn.microsoft.com/graph/api/resources/eventmessage). */
const EVENT_MESSAGE_PROPERTIES = ['meetingMessageType', 'startDateTime', 'endDateTime', 'location', 'type', 'isAllDay'];
/** Returned only when $select names them, as Graph does. */
const SELECT_ONLY = new Set(['uniqueBody', 'internetMessageHeaders']);
const BY_LOWER = new Map(PROPERTIES.map((p) => [p.toLowerCase(), p]));

/** Canonical names for a $select value; Graph matches property names case-insensitively. */
export function parseSelect(raw: string | null): string[] | undefined {
  if (raw === null || raw.trim() === '') return undefined;
  return raw.split(',').map((s) => {
    const name = BY_LOWER.get(s.trim().toLowerCase());
    if (!name) throw badRequest(`Could not find a property named '${s.trim()}' on type 'microsoft.graph.message'.`);
    return name;
  });
}

export interface RenderOptions {
  select?: string[];
  immutableId: boolean;
  /** The item's internet headers (MailStore.headersOf: none for Sent Items copies and drafts); false where Graph omits them (updates). */
  headers: false | ((m: SimMessage) => Header[] | undefined);
  /** Prefer: outlook.body-content-type="text". */
  bodyText?: boolean;
  /** `$expand=singleValueExtendedProperties($filter=…)`: the asked properties the item has. */
  extended?: (m: SimMessage) => ExtendedProperty[];
}

export function messageId(m: SimMessage, immutableId: boolean): string {
  return immutableId ? m.immutableId : m.regularId;
}

function envelope(m: SimMessage, immutableId: boolean): Json {
  return {
    '@odata.type': typeof m.data['@odata.type'] === 'string' ? m.data['@odata.type'] : '#microsoft.graph.message',
    '@odata.etag': `W/"${changeKeyFor(m.immutableId, m.version)}"`,
    id: messageId(m, immutableId),
  };
}

function property(m: SimMessage, name: string, opts: RenderOptions): unknown {
  switch (name) {
    case 'lastModifiedDateTime':
      return m.lastModified;
    case 'changeKey':
      return changeKeyFor(m.immutableId, m.version);
    case 'parentFolderId':
      return m.folderId;
    case 'isDeliveryReceiptRequested':
    case 'isReadReceiptRequested':
      return m.data[name] ?? false;
    case 'webLink':
      return `https://outlook.office365.com/owa/?ItemID=${encodeURIComponent(messageId(m, opts.immutableId))}&exvsurl=1&viewmodel=ReadMessageItem`;
    case 'flag':
      return m.data.flag ?? { flagStatus: 'notFlagged' };
    case 'body':
    case 'uniqueBody':
      return bodyAs(m.data[name] ?? m.data.body, opts.bodyText);
    case 'internetMessageHeaders':
      return opts.headers ? opts.headers(m) : undefined;
    default:
      return structuredClone(m.data[name]);
  }
}

function bodyAs(body: unknown, text: boolean | undefined): unknown {
  const b = body as { contentType?: string; content?: string } | undefined;
  if (!text || !b || String(b.contentType).toLowerCase() !== 'html') return structuredClone(body);
  return { contentType: 'text', content: plainTextOf(String(b.content ?? '')) };
}

export function renderMessage(m: SimMessage, opts: RenderOptions): Json {
  const out = envelope(m, opts.immutableId);
  const wanted = opts.select ? new Set(opts.select) : undefined;
  for (const name of PROPERTIES) {
    if (name === 'id') continue;
    if (wanted ? !wanted.has(name) : SELECT_ONLY.has(name)) continue;
    const v = property(m, name, opts);
    if (v !== undefined) out[name] = v;
  }
  // A meeting request or cancellation (eventMessage) carries its own properties after the message's.
  if (out['@odata.type'] === '#microsoft.graph.eventMessage')
    for (const k of EVENT_MESSAGE_PROPERTIES)
      if (m.data[k] !== undefined && (!wanted || wanted.has(k))) out[k] = structuredClone(m.data[k]);
  // Expanded after the properties; an item with none of the asked properties has no array at all.
  const extended = opts.extended?.(m);
  if (extended?.length) out.singleValueExtendedProperties = extended;
  return out;
}

/** An update as Graph reports it: id, the changed properties (within $select) and parentFolderId, no headers. */
export function renderPartial(m: SimMessage, changed: Iterable<string>, opts: RenderOptions): Json {
  const out = envelope(m, opts.immutableId);
  const wanted = opts.select ? new Set(opts.select) : undefined;
  for (const name of changed) {
    if (name === 'internetMessageHeaders' || name === 'id' || !BY_LOWER.has(name.toLowerCase())) continue;
    if (wanted && !wanted.has(name)) continue;
    const v = property(m, name, { ...opts, headers: false });
    if (v !== undefined) out[name] = v;
  }
  out.parentFolderId = m.folderId;
  return out;
}

export function renderRemoved(id: string): Json {
  return { '@odata.type': '#microsoft.graph.message', id, '@removed': { reason: 'deleted' } };
}
