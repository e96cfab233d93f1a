// Adding attachments to a message (learn.microsoft.com/graph/api/message-post-attachments) and the upload
// session for large files (learn.microsoft.com/graph/api/attachment-createuploadsession,
// learn.microsoft.com/graph/outlook-large-attachments): createUploadSession answers 201 with a pre-authenticated
// uploadUrl, expirationDateTime and nextExpectedRanges ["0-"]; PUTs of byte ranges in order answer 200 with
// nextExpectedRanges ["{next}"], the last one 201 with a Location and no body, and the file is then attached.
import { randomBytes } from 'node:crypto';
import type { Json } from '../../tenant/fixture';
import { GraphError, badRequest, itemNotFound } from './errors';
import { attachmentsOf } from './attachment-routes';
import type { RouteContext, RouteResult } from './routes';
import type { MailStore, SimMailbox, SimMessage } from './store';

/** Graph takes files from 3 MB (taken here as 3,000,000 bytes) to 150 MB through a session. */
const SESSION_MIN_BYTES = 3_000_000;
const SESSION_MAX_BYTES = 150 * 1024 * 1024;
const SESSION_LIFETIME_MS = 60 * 60 * 1000;

interface UploadSession {
  mailbox: string;
  messageId: string;
  token: string;
  item: Json;
  size: number;
  received: Buffer[];
  next: number;
  expires: number;
}

/** Open sessions, by id: in memory only (a restarted simulator has none, as an expired session). */
const sessions = new WeakMap<MailStore, Map<string, UploadSession>>();
const openSessions = (store: MailStore) => {
  let m = sessions.get(store);
  if (!m) sessions.set(store, (m = new Map<string, UploadSession>()));
  return m;
};

const iso = (ms: number) => new Date(ms).toISOString();

/** Appends a file attachment to the message, with its id and size, as Graph's POST …/attachments does. */
function attach(store: MailStore, mbx: SimMailbox, m: SimMessage, a: Json): Json {
  const list = Array.isArray(m.data.attachments) ? (m.data.attachments as Json[]) : [];
  const entry: Json = { ...a, id: `${m.immutableId}-att${list.length + 1}` };
  const next = [...list, entry];
  store.update(mbx, m.immutableId, { attachments: next, hasAttachments: next.some((x) => x.isInline !== true) });
  return attachmentsOf(store.message(mbx, m.immutableId)).find((x) => x.id === entry.id)!;
}

/** POST …/messages/{id}/attachments: one fileAttachment with contentBytes. */
export function postAttachment(store: MailStore, mbx: SimMailbox, m: SimMessage, body: unknown): RouteResult {
  const a = body as Json | null;
  if (!a || typeof a !== 'object') throw badRequest('Empty or invalid payload.');
  if (typeof a['@odata.type'] !== 'string' || a['@odata.type'].toLowerCase() !== '#microsoft.graph.fileattachment')
    throw badRequest('Only #microsoft.graph.fileAttachment can be added by the simulator.');
  if (typeof a.name !== 'string' || typeof a.contentBytes !== 'string')
    throw badRequest('A file attachment needs a name and contentBytes.');
  const { '@odata.type': type, ...rest } = a;
  return { status: 201, json: attach(store, mbx, m, { '@odata.type': type, ...rest }) };
}

/** POST …/attachments/createUploadSession {AttachmentItem: {attachmentType, name, size, …}}. */
export function createUploadSession(
  store: MailStore,
  mbx: SimMailbox,
  m: SimMessage,
  c: RouteContext,
  origin: string,
): RouteResult {
  const body = c.body() as Json | null;
  const item = (body?.AttachmentItem ?? body?.attachmentItem) as Json | undefined;
  if (!item || typeof item !== 'object') throw badRequest("The value of the parameter 'AttachmentItem' is empty.");
  if (item.attachmentType !== 'file') throw badRequest('Only attachmentType "file" can be uploaded in a session.');
  const size = item.size;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || typeof item.name !== 'string')
    throw badRequest('AttachmentItem needs a name and a size in bytes.');
  if (size < SESSION_MIN_BYTES)
    throw new GraphError(
      400,
      'ErrorAttachmentSizeShouldNotBeLessThanMinimumSize',
      'Attachment size must be greater than the minimum size.',
    );
  if (size > SESSION_MAX_BYTES)
    throw new GraphError(400, 'ErrorAttachmentSizeShouldNotBeMoreThanMaximumSize', 'The attachment is too large.');
  const id = randomBytes(12).toString('hex');
  const token = randomBytes(16).toString('hex');
  const expires = store.clock.now().getTime() + SESSION_LIFETIME_MS;
  openSessions(store).set(id, {
    mailbox: mbx.address.toLowerCase(),
    messageId: m.immutableId,
    token,
    item,
    size,
    received: [],
    next: 0,
    expires,
  });
  return {
    status: 201,
    json: {
      '@odata.context': `${c.baseUrl}/$metadata#microsoft.graph.uploadSession`,
      uploadUrl: `${origin}/upload/AttachmentSessions('${id}')?authtoken=${token}`,
      expirationDateTime: iso(expires),
      nextExpectedRanges: ['0-'],
    },
  };
}

/** The mailbox an uploadUrl belongs to (for throttling and faults), or undefined when it is none of ours. */
export function uploadMailbox(store: MailStore, pathname: string): string | undefined {
  const id = /^\/upload\/AttachmentSessions\('([0-9a-f]+)'\)$/.exec(pathname)?.[1];
  return id ? (openSessions(store).get(id)?.mailbox ?? '') : undefined;
}

/** PUT {uploadUrl}: one byte range, in order, `Content-Range: bytes {start}-{end}/{total}`. */
export function putRange(
  store: MailStore,
  url: URL,
  headers: Record<string, string | string[] | undefined>,
  raw: Buffer,
  baseUrl: string,
): RouteResult {
  const id = /^\/upload\/AttachmentSessions\('([0-9a-f]+)'\)$/.exec(url.pathname)?.[1] ?? '';
  const s = openSessions(store).get(id);
  if (!s || s.expires <= store.clock.now().getTime()) throw itemNotFound();
  if (url.searchParams.get('authtoken') !== s.token || headers.authorization)
    throw new GraphError(401, 'InvalidAuthenticationToken', 'The uploadUrl carries its own token; send no other.');
  const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(headers['content-range'] ?? '').trim());
  if (!range) throw new GraphError(400, 'InvalidRequest', 'The Content-Range header is missing or malformed.');
  const [start, end, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
  if (total !== s.size)
    throw new GraphError(
      400,
      'InvalidRequest',
      `The current upload session is for ${s.size} total bytes, but the current fragment declares a total of ${total}.`,
    );
  if (end < start || end - start + 1 !== raw.length)
    throw new GraphError(
      400,
      'InvalidRequest',
      'The Content-Range header length does not match the provided number of bytes.',
    );
  if (start !== s.next || end >= s.size)
    throw new GraphError(416, 'InvalidRange', `The fragment does not start at the next expected byte (${s.next}).`);
  s.received.push(Buffer.from(raw));
  s.next = end + 1;
  if (s.next < s.size)
    return { status: 200, json: { expirationDateTime: iso(s.expires), nextExpectedRanges: [String(s.next)] } };
  openSessions(store).delete(id);
  const mbx = store.mailbox(s.mailbox);
  const m = store.message(mbx, s.messageId);
  const { attachmentType: _t, size: _s, ...item } = s.item;
  const a = attach(store, mbx, m, {
    '@odata.type': '#microsoft.graph.fileAttachment',
    ...item,
    contentBytes: Buffer.concat(s.received).toString('base64'),
  });
  const location = `${baseUrl}/users('${encodeURIComponent(mbx.address)}')/messages('${m.immutableId}')/attachments('${String(a.id)}')`;
  return { status: 201, headers: { Location: location } };
}
