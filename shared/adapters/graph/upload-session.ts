// Attaching files to a draft through Graph (learn.microsoft.com/graph/outlook-large-attachments): a file under
// 3 MB is one POST …/attachments; a larger one goes through POST …/attachments/createUploadSession, then PUTs of
// byte ranges (Content-Range, at most 4 MB each) to the session's pre-authenticated uploadUrl, each starting
// where the last answer's nextExpectedRanges says; the final range answers 201. No bearer token goes to the
// uploadUrl: the URL carries its own authorization.
import type { OutgoingFile } from '../../domain/outgoing-attachments';
import { UPLOAD_SESSION_MIN_BYTES } from '../../domain/outgoing-attachments';
import { classifyHttp, isExsyncError, retryAfterMs, transient, unsafeLink } from '../../domain/errors';
import { checkServiceLink } from '../service-link';
import { asObject } from './answers';
import type { GraphSession } from './client';

/** Bytes per PUT: a multiple of 320 KiB under Graph's 4 MB request limit. */
export const UPLOAD_CHUNK_BYTES = 12 * 320 * 1024;
const PUT_TIMEOUT_MS = 120_000;

const messagePath = (mailbox: string, id: string) =>
  `/users/${encodeURIComponent(mailbox)}/messages/${encodeURIComponent(id)}`;

/** A file as a fileAttachment in a request body. */
export function fileAttachment(f: OutgoingFile): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.fileAttachment',
    name: f.name,
    contentType: f.contentType,
    contentBytes: f.contentBytes,
    ...(f.contentId ? { isInline: true, contentId: f.contentId } : {}),
  };
}

/**
 * Adds the files to the draft: small ones by POST, large ones through an upload session. Graph does not say
 * whether its "3 MB" and "4 MB" are decimal or binary: a file near the line that one way refuses (413, or a
 * session's minimum size) goes the other way.
 */
export async function attachFiles(g: GraphSession, mailbox: string, id: string, files: OutgoingFile[]): Promise<void> {
  const post = (f: OutgoingFile) =>
    g.call('attachments.create', () => g.client.api(`${messagePath(mailbox, id)}/attachments`).post(fileAttachment(f)));
  for (const f of files) {
    const large = f.size >= UPLOAD_SESSION_MIN_BYTES;
    try {
      await (large ? uploadLarge(g, mailbox, id, f) : post(f));
    } catch (e) {
      if (!isExsyncError(e)) throw e;
      if (large && e.code === TOO_SMALL && f.size < 2 * UPLOAD_SESSION_MIN_BYTES) await post(f);
      else if (!large && e.status === 413) await uploadLarge(g, mailbox, id, f);
      else throw e;
    }
  }
}

/** Graph's answer to a session for a file under its minimum. */
const TOO_SMALL = 'ErrorAttachmentSizeShouldNotBeLessThanMinimumSize';

/** The names of the attachments a draft holds already (every page). */
export async function attachmentNames(g: GraphSession, mailbox: string, id: string): Promise<string[]> {
  const names: string[] = [];
  let path: string | undefined = `${messagePath(mailbox, id)}/attachments?$select=name`;
  while (path) {
    const current: string = path;
    const page = asObject(await g.call<unknown>('attachments.list', () => g.client.api(current).get()));
    for (const a of Array.isArray(page?.value) ? page.value : []) {
      const name = asObject(a)?.name;
      if (typeof name === 'string') names.push(name);
    }
    const next = page?.['@odata.nextLink'];
    if (next === undefined) path = undefined;
    else {
      const c = checkServiceLink(next, g.root);
      if (!c.ok) throw unsafeLink('graph', `Graph attachments nextLink rejected: ${c.reason}`);
      path = c.relative;
    }
  }
  return names;
}

async function uploadLarge(g: GraphSession, mailbox: string, id: string, f: OutgoingFile): Promise<void> {
  const item = {
    attachmentType: 'file',
    name: f.name,
    size: f.size,
    contentType: f.contentType,
    ...(f.contentId ? { isInline: true, contentId: f.contentId } : {}),
  };
  const session = asObject(
    await g.call<unknown>('attachments.createUploadSession', () =>
      g.client.api(`${messagePath(mailbox, id)}/attachments/createUploadSession`).post({ AttachmentItem: item }),
    ),
  );
  const url = uploadUrlOf(session?.uploadUrl, g);
  const bytes = Buffer.from(f.contentBytes, 'base64');
  let start = nextStart(session?.nextExpectedRanges) ?? 0;
  for (;;) {
    const end = Math.min(bytes.length, start + UPLOAD_CHUNK_BYTES) - 1;
    const answer = await g.call('attachments.uploadRange', () => putRange(url, bytes, start, end));
    if (answer === 'done') return;
    // Graph names where the next range starts; a session that does not move on is not followed forever.
    if (answer === undefined || answer <= start || answer > bytes.length)
      throw transient('graph', 'Graph upload session: no usable nextExpectedRanges');
    start = answer;
  }
}

/** One PUT: 'done' on 201, else where the next range starts (nextExpectedRanges). */
async function putRange(url: string, bytes: Buffer, start: number, end: number): Promise<'done' | number | undefined> {
  const res = await fetch(url, {
    method: 'PUT',
    headers: {
      'Content-Type': 'application/octet-stream',
      'Content-Range': `bytes ${start}-${end}/${bytes.length}`,
    },
    body: bytes.subarray(start, end + 1),
    signal: AbortSignal.timeout(PUT_TIMEOUT_MS),
  });
  const text = await res.text();
  if (res.status === 201) return 'done';
  const json = asObject(parse(text));
  if (res.status !== 200) {
    const code = asObject(json?.error)?.code;
    const wait = retryAfterMs(res.headers.get('Retry-After'), new Date(), res.status === 429 ? 5_000 : 0);
    const c = typeof code === 'string' ? code : undefined;
    throw classifyHttp('graph', res.status, c, `Graph upload range: ${res.status} ${c ?? ''}`.trim(), wait);
  }
  return nextStart(json?.nextExpectedRanges);
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** "{start}" or "{start}-" or "{start}-{end}": the first range's start. */
function nextStart(ranges: unknown): number | undefined {
  const first: unknown = Array.isArray(ranges) ? (ranges as unknown[])[0] : undefined;
  const m = typeof first === 'string' ? /^(\d+)(-\d*)?$/.exec(first.trim()) : null;
  return m ? Number(m[1]) : undefined;
}

/** The session's URL: https (Exchange's own host), or the configured Graph origin itself (the simulator). */
function uploadUrlOf(link: unknown, g: GraphSession): string {
  if (typeof link !== 'string') throw transient('graph', 'Graph upload session without an uploadUrl');
  let u: URL;
  try {
    u = new URL(link);
  } catch {
    throw unsafeLink('graph', 'Graph uploadUrl is not a URL');
  }
  if (u.username || u.password || (u.protocol !== 'https:' && u.origin !== g.root.origin))
    throw unsafeLink('graph', 'Graph uploadUrl refused: not https and not the configured endpoint');
  return u.toString();
}
