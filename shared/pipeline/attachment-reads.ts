// How the write stage reads incoming attachments from Graph: every page of a list (a list that names an
// @odata.nextLink continues there), and a large file's content as raw bytes through $value rather than as
// base64 inside JSON. An inline image is read as JSON, which carries its Content-ID.
import type { AttachmentInfo } from '../domain/attachments';
import type { BatchItemResult, GraphJson } from '../ports';
import type { PipelineDeps } from './deps';

/** From this size a file is read through $value. */
const RAW_READ_BYTES = 1024 * 1024;

/** The lists with the entries of their further pages appended. */
export async function withEveryPage(
  lists: Map<string, BatchItemResult>,
  deps: PipelineDeps,
): Promise<Map<string, BatchItemResult>> {
  if (!deps.graph.moreAttachments) return lists;
  const out = new Map(lists);
  for (const [id, r] of lists) {
    const link = r.body?.['@odata.nextLink'];
    if (typeof link !== 'string' || !Array.isArray(r.body?.value)) continue;
    const rest = await deps.graph.moreAttachments(link);
    out.set(id, { ...r, body: { ...r.body, value: [...(r.body.value as unknown[]), ...rest] } });
  }
  return out;
}

/** One kept file's base64 content and Content-ID; no content when Graph no longer has it. */
export async function readFile(
  deps: PipelineDeps,
  mailbox: string,
  graphId: string,
  info: AttachmentInfo,
): Promise<{ contentBytes?: string; contentId?: string }> {
  if (deps.graph.attachmentBytes && !info.isInline && info.size >= RAW_READ_BYTES) {
    const bytes = await deps.graph.attachmentBytes(mailbox, graphId, info.id);
    return bytes ? { contentBytes: bytes.toString('base64') } : {};
  }
  const json: GraphJson | undefined = await deps.graph.getAttachment(mailbox, graphId, info.id);
  return {
    ...(typeof json?.contentBytes === 'string' ? { contentBytes: json.contentBytes } : {}),
    ...(typeof json?.contentId === 'string' && json.contentId ? { contentId: json.contentId } : {}),
  };
}
