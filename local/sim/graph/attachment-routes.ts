// A message's attachments: GET …/messages/{id}/attachments (the list, `$select` honoured on the base
// properties) and GET …/attachments/{id} (one, with a file's contentBytes and contentId). A fixture gives
// them in the message's `attachments`, as Graph's own JSON; ids and sizes left out are filled in.
import type { Json } from '../../tenant/fixture';
import { badRequest, itemNotFound } from './errors';
import { createUploadSession, postAttachment } from './attachment-writes';
import type { Route, RouteContext, RouteResult } from './routes';
import type { MailStore, SimMailbox, SimMessage } from './store';

const BASE = ['id', 'lastModifiedDateTime', 'name', 'contentType', 'size', 'isInline'];

/** The message's attachments, each with an id and Graph's `size` (the content's length in bytes when not given). */
export function attachmentsOf(m: SimMessage): Json[] {
  const list = Array.isArray(m.data.attachments) ? (m.data.attachments as Json[]) : [];
  return list.map((a, i) => ({
    '@odata.type': a['@odata.type'] ?? '#microsoft.graph.fileAttachment',
    id: typeof a.id === 'string' && a.id ? a.id : `${m.immutableId}-att${i + 1}`,
    lastModifiedDateTime: m.lastModified,
    isInline: a.isInline === true,
    ...a,
    size:
      typeof a.size === 'number'
        ? a.size
        : typeof a.contentBytes === 'string'
          ? Buffer.from(a.contentBytes, 'base64').length
          : 0,
  }));
}

/** hasAttachments as Graph computes it: inline attachments do not count. */
export function hasVisibleAttachments(attachments: unknown): boolean {
  return Array.isArray(attachments) && attachments.some((a) => (a as Json | null)?.isInline !== true);
}

function selected(a: Json, select: string | null): Json {
  if (!select) return a;
  const names = select.split(',').map((s) => s.trim());
  for (const n of names)
    if (!BASE.includes(n))
      throw badRequest(`Could not find a property named '${n}' on type 'microsoft.graph.attachment'.`);
  return Object.fromEntries(Object.entries(a).filter(([k]) => k === '@odata.type' || names.includes(k)));
}

export function attachmentRoutes(
  store: MailStore,
  u: string,
  mbx: () => SimMailbox,
  message: () => SimMessage,
  tail: string[],
): Route | undefined {
  if (tail.length === 0)
    return {
      name: 'message/attachments',
      methods: ['GET', 'POST'],
      mailbox: u,
      run: (c) => (c.method === 'POST' ? postAttachment(store, mbx(), message(), c.body()) : listPage(u, message(), c)),
    };
  if (tail.length === 1 && tail[0] === 'createUploadSession')
    return {
      name: 'message/attachments/createUploadSession',
      methods: ['POST'],
      mailbox: u,
      run: (c) => createUploadSession(store, mbx(), message(), c, c.baseUrl.replace(/\/v1\.0$/, '')),
    };
  const one = () => {
    const a = attachmentsOf(message()).find((x) => x.id === tail[0]);
    if (!a) throw itemNotFound();
    return a;
  };
  if (tail.length === 1)
    return { name: 'message/attachment', methods: ['GET'], mailbox: u, run: () => ({ status: 200, json: one() }) };
  if (tail.length === 2 && tail[1] === '$value')
    return { name: 'message/attachment/$value', methods: ['GET'], mailbox: u, run: () => rawOf(one()) };
  return undefined;
}

/** The list, `$select` honoured; with `$top` in pages linked by @odata.nextLink (`$skip`). */
function listPage(u: string, m: SimMessage, c: RouteContext): RouteResult {
  const all = attachmentsOf(m).map((a) => selected(a, c.query.get('$select')));
  const top = c.query.has('$top') ? Math.max(1, Number(c.query.get('$top')) || 1) : all.length;
  const skip = Math.max(0, Number(c.query.get('$skip') ?? 0) || 0);
  const path = `users/${encodeURIComponent(u)}/messages/${m.immutableId}/attachments`;
  const json: Record<string, unknown> = {
    '@odata.context': `${c.baseUrl}/$metadata#users('${encodeURIComponent(u)}')/messages('${m.immutableId}')/attachments`,
    value: all.slice(skip, skip + top),
  };
  if (skip + top < all.length) {
    const next = new URLSearchParams(c.query);
    next.set('$skip', String(skip + top));
    json['@odata.nextLink'] = `${c.baseUrl}/${path}?${next.toString()}`;
  }
  return { status: 200, json };
}

/** `$value` of a file attachment: its raw bytes, with its content type. */
function rawOf(a: Json): RouteResult {
  if (
    String(a['@odata.type']).toLowerCase() !== '#microsoft.graph.fileattachment' ||
    typeof a.contentBytes !== 'string'
  )
    throw badRequest('$value is only available on file attachments.');
  const contentType = typeof a.contentType === 'string' && a.contentType ? a.contentType : 'application/octet-stream';
  return { status: 200, text: { contentType, content: Buffer.from(a.contentBytes, 'base64') } };
}
