// Outgoing attachments: the attachment rows (activitymimeattachment) of an email in Pending Send, checked
// against the organization's limits as for incoming mail (a file over maxuploadfilesize or of a blocked
// extension, in any case, is left out and the decision says so), then placed on the message the way Graph
// takes them (learn.microsoft.com/graph/outlook-large-attachments): files under 3 MB in a request, files of
// 3 MB or more through an upload session, no request over Graph's 4 MB.
import { planAttachments, type AttachmentInfo, type AttachmentLimits, type LeftOutReason } from './attachments';

/** An attachment row of an outgoing email, as read from Dataverse. */
export interface OutgoingFile {
  /** activitymimeattachmentid: names the file in the plan, never sent. */
  id: string;
  name: string;
  contentType: string;
  /** Base64 content (activitymimeattachment.body). */
  contentBytes: string;
  /** Decoded size in bytes. */
  size: number;
  /** An inline image: its Content-ID keeps the body's cid: reference resolving. */
  contentId?: string;
}

/** Smallest file Graph takes through an upload session; smaller ones go in a request (createUploadSession refuses them). */
export const UPLOAD_SESSION_MIN_BYTES = 3_000_000;
/** Graph's request size limit, 4 MB, read as 4,000,000 bytes: the smaller of the two readings. */
export const GRAPH_MAX_REQUEST_BYTES = 4_000_000;
/** Room kept in a request for what is not attachment content (the JSON around it, headers). */
const REQUEST_MARGIN_BYTES = 64 * 1024;
/** Largest file Graph attaches at all (an upload session's upper bound). */
export const GRAPH_MAX_ATTACHMENT_BYTES = 150 * 1024 * 1024;

/** Decoded byte length of base64 text (padding and whitespace accounted for). */
export function base64Size(b64: string): number {
  const clean = b64.replace(/\s+/g, '');
  const pad = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  return Math.max(0, Math.floor((clean.length * 3) / 4) - pad);
}

/** The files that go out, and the reasons of those left out (in the order of the rows). */
export function planOutgoing(
  files: OutgoingFile[],
  limits: AttachmentLimits,
): { send: OutgoingFile[]; leftOut: LeftOutReason[] } {
  const capped = { ...limits, maxBytes: Math.min(limits.maxBytes, GRAPH_MAX_ATTACHMENT_BYTES) };
  const infos: AttachmentInfo[] = files.map((f) => ({
    id: f.id,
    kind: 'file',
    name: f.name,
    contentType: f.contentType,
    size: f.size,
    isInline: !!f.contentId,
  }));
  const plan = planAttachments(infos, capped);
  const kept = new Set(plan.kept.map((k) => k.id));
  return { send: files.filter((f) => kept.has(f.id)), leftOut: plan.leftOut };
}

/** Where each file goes: in the create request, one POST each after it, or an upload session. */
export interface Placement {
  inCreate: OutgoingFile[];
  posted: OutgoingFile[];
  uploaded: OutgoingFile[];
}

/**
 * Files under 3 MB ride in the create request while it stays under 4 MB (`messageBytes`: the request without
 * them); the rest of those are POSTed one by one; files of 3 MB or more are uploaded in a session.
 */
export function placeAttachments(files: OutgoingFile[], messageBytes: number): Placement {
  const out: Placement = { inCreate: [], posted: [], uploaded: [] };
  let bytes = messageBytes + REQUEST_MARGIN_BYTES;
  for (const f of files) {
    if (f.size >= UPLOAD_SESSION_MIN_BYTES) out.uploaded.push(f);
    else if (bytes + jsonBytes(f) <= GRAPH_MAX_REQUEST_BYTES) {
      out.inCreate.push(f);
      bytes += jsonBytes(f);
    } else out.posted.push(f);
  }
  return out;
}

/** What a file adds to a JSON request: its base64 text plus the names around it. */
const jsonBytes = (f: OutgoingFile): number =>
  f.contentBytes.length + Buffer.byteLength(f.name) + (f.contentId?.length ?? 0) + 200;

/**
 * The files still to attach to a draft an earlier attempt created: a file counts as there when the draft holds
 * an attachment of that name (as many times as the rows have it). An upload cut off midway leaves no attachment.
 */
export function missingOn(files: OutgoingFile[], onDraft: string[]): OutgoingFile[] {
  const left = new Map<string, number>();
  for (const n of onDraft) left.set(n, (left.get(n) ?? 0) + 1);
  return files.filter((f) => {
    const n = left.get(f.name) ?? 0;
    if (n > 0) left.set(f.name, n - 1);
    return n === 0;
  });
}
