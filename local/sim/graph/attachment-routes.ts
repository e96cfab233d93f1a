// A message's attachments: GET …/messages/{id}/attachments (the list, `$select` honoured on the base
// properties) and GET …/attachments/{id} (one, with a file's contentBytes and contentId). A fixture gives
// them in the message's `attachments`, as Graph's own JSON; ids and sizes left out are filled in.
import type { Json } from '../../tenant/fixture';
import { badRequest, itemNotFound } from './errors';
import type { Route } from './routes';
import type { SimMessage } from './store';

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

export function attachmentRoutes(u: string, message: () => SimMessage, tail: string[]): Route | undefined {
  if (tail.length === 0)
    return {
      name: 'message/attachments',
      methods: ['GET'],
      mailbox: u,
      run: (c) => ({
        status: 200,
        json: {
          '@odata.context': `${c.baseUrl}/$metadata#users('${encodeURIComponent(u)}')/messages('${message().immutableId}')/attachments`,
          value: attachmentsOf(message()).map((a) => selected(a, c.query.get('$select'))),
        },
      }),
    };
  if (tail.length === 1)
    return {
      name: 'message/attachment',
      methods: ['GET'],
      mailbox: u,
      run: () => {
        const a = attachmentsOf(message()).find((x) => x.id === tail[0]);
        if (!a) throw itemNotFound();
        return { status: 200, json: a };
      },
    };
  return undefined;
}
