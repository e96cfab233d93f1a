// Reading incoming attachments beyond the first list page and as raw bytes: the further pages of a message's
// attachment list (@odata.nextLink, checked against the configured endpoint), and a file's content through
// GET …/attachments/{id}/$value (learn.microsoft.com/graph/api/attachment-get), so a large file does not come
// as base64 inside JSON.
import { ResponseType } from '@microsoft/microsoft-graph-client';
import type { GraphJson } from '../../ports';
import { isKind, unsafeLink } from '../../domain/errors';
import { checkServiceLink } from '../service-link';
import { asObject } from './answers';
import type { GraphSession } from './client';

/** The entries of every page after the first, from the first page's @odata.nextLink. */
export async function moreAttachments(g: GraphSession, link: string): Promise<GraphJson[]> {
  const out: GraphJson[] = [];
  let next: unknown = link;
  while (next !== undefined) {
    const c = checkServiceLink(next, g.root);
    if (!c.ok) throw unsafeLink('graph', `Graph attachments nextLink rejected: ${c.reason}`);
    const page = asObject(await g.call<unknown>('attachments.list', () => g.client.api(c.relative).get()));
    for (const a of Array.isArray(page?.value) ? (page.value as unknown[]) : []) {
      const o = asObject(a);
      if (o) out.push(o);
    }
    next = page?.['@odata.nextLink'];
  }
  return out;
}

/** The file's raw bytes, or undefined when the message or the attachment is gone meanwhile (404). */
export async function attachmentBytes(
  g: GraphSession,
  mailbox: string,
  graphId: string,
  attachmentId: string,
): Promise<Buffer | undefined> {
  const path = `/users/${encodeURIComponent(mailbox)}/messages/${encodeURIComponent(graphId)}/attachments/${encodeURIComponent(attachmentId)}/$value`;
  try {
    const body = await g.call<unknown>('attachments.value', () =>
      g.client.api(path).responseType(ResponseType.ARRAYBUFFER).get(),
    );
    return body instanceof ArrayBuffer ? Buffer.from(body) : Buffer.from(body as Uint8Array);
  } catch (e) {
    if (isKind(e, 'permanent') && e.status === 404) return undefined;
    throw e;
  }
}
