// Incoming attachments, as server-side synchronization keeps them: each file within the organization's
// per-file limit (organization.maxuploadfilesize, bytes) and not of a blocked type (organization.blockedattachments,
// extensions separated by ";"), stored as an activitymimeattachment of the email; inline images keep their
// Content-ID so the body's cid: references still resolve. One left out sets email.notifications to 1.
// learn.microsoft.com/power-apps/developer/data-platform/files-images-overview (file size limits, blocked types).
import { emailActivityId } from './message-id';

/** The organization's limits on attachments. */
export interface AttachmentLimits {
  /** Largest file kept, in bytes (organization.maxuploadfilesize). */
  maxBytes: number;
  /** Blocked extensions, lower-case, without the dot (organization.blockedattachments). */
  blocked: string[];
}

/** The platform's default per-file limit, 5,120 KB, when the organization row does not say. */
export const DEFAULT_MAX_UPLOAD_BYTES = 5_120 * 1024;

/** An attachment as Graph lists it (learn.microsoft.com/graph/api/resources/attachment). */
export interface AttachmentInfo {
  id: string;
  kind: 'file' | 'item' | 'reference';
  name: string;
  contentType?: string;
  /** Graph's `size`, in bytes. */
  size: number;
  isInline: boolean;
}

export type LeftOutReason = 'size' | 'blocked' | 'item' | 'reference' | 'invalid';

export interface AttachmentPlan {
  kept: AttachmentInfo[];
  leftOut: LeftOutReason[];
}

/** "exe; .DLL ;;js" -> ["exe", "dll", "js"]. */
export function parseBlockedExtensions(text: unknown): string[] {
  if (typeof text !== 'string') return [];
  return text
    .split(';')
    .map((s) => s.trim().replace(/^\.+/, '').toLowerCase())
    .filter(Boolean);
}

const extensionOf = (name: string): string => {
  const dot = name.lastIndexOf('.');
  return dot < 0
    ? ''
    : name
        .slice(dot + 1)
        .trim()
        .toLowerCase();
};

const KINDS: Record<string, AttachmentInfo['kind']> = {
  '#microsoft.graph.fileattachment': 'file',
  '#microsoft.graph.itemattachment': 'item',
  '#microsoft.graph.referenceattachment': 'reference',
};

/** One entry of Graph's attachment list; undefined when it is not an attachment this code can read. */
export function toAttachmentInfo(json: Record<string, unknown>): AttachmentInfo | undefined {
  const type = json['@odata.type'];
  const kind = typeof type === 'string' ? KINDS[type.toLowerCase()] : undefined;
  const id = json.id;
  const size = json.size;
  if (!kind || typeof id !== 'string' || !id) return undefined;
  return {
    id,
    kind,
    name: typeof json.name === 'string' ? json.name : '',
    ...(typeof json.contentType === 'string' ? { contentType: json.contentType } : {}),
    size: typeof size === 'number' && Number.isFinite(size) && size >= 0 ? size : Number.NaN,
    isInline: json.isInline === true,
  };
}

/**
 * Which attachments are kept. Attached Outlook items and links to cloud files are not files Dataverse can
 * hold as they are: left out, and said so. A file exactly at the limit is kept; one byte over is not.
 */
export function planAttachments(list: (AttachmentInfo | undefined)[], limits: AttachmentLimits): AttachmentPlan {
  const blocked = new Set(limits.blocked);
  const plan: AttachmentPlan = { kept: [], leftOut: [] };
  for (const a of list) {
    if (!a || !Number.isFinite(a.size)) plan.leftOut.push('invalid');
    else if (a.kind !== 'file') plan.leftOut.push(a.kind);
    else if (blocked.has(extensionOf(a.name))) plan.leftOut.push('blocked');
    else if (a.size > limits.maxBytes) plan.leftOut.push('size');
    else plan.kept.push(a);
  }
  return plan;
}

const REASON_TEXT: Record<LeftOutReason, string> = {
  size: 'over the size limit',
  blocked: 'blocked extension',
  item: 'attached Outlook item',
  reference: 'link to a cloud file',
  invalid: 'unreadable',
};

/** "2 attachment(s) left out: 1 over the size limit, 1 blocked extension": counts only, never a file name. */
export function leftOutDetail(leftOut: LeftOutReason[]): string {
  if (!leftOut.length) return '';
  const counts = new Map<LeftOutReason, number>();
  for (const r of leftOut) counts.set(r, (counts.get(r) ?? 0) + 1);
  const parts = [...counts].map(([r, n]) => `${n} ${REASON_TEXT[r]}`);
  return `${leftOut.length} attachment(s) left out: ${parts.join(', ')}`;
}

/** The attachment row's id, from the email's and Graph's attachment id: a retry writes the same row. */
export function attachmentRowId(activityid: string, attachmentId: string): string {
  return emailActivityId(`attachment:${activityid}:${attachmentId}`, false);
}

/**
 * Whether the item's attachments are read. Graph's hasAttachments leaves inline attachments out
 * (learn.microsoft.com/graph/api/resources/message), so an HTML body that refers to cid: content is read too.
 */
export function readsAttachments(json: Record<string, unknown>): boolean {
  if (json.hasAttachments === true) return true;
  const body = json.body as { contentType?: unknown; content?: unknown } | undefined;
  return (
    typeof body?.content === 'string' &&
    String(body.contentType).toLowerCase() === 'html' &&
    /["'(=\s]cid:/i.test(body.content)
  );
}

/** The row Dataverse stores for one kept file (activitymimeattachment). */
export interface AttachmentRow {
  activitymimeattachmentid: string;
  activityid: string;
  filename: string;
  mimetype: string;
  /** Base64 content. */
  body: string;
  attachmentnumber: number;
  /** The inline image's Content-ID, so the body's cid: references resolve. */
  attachmentcontentid?: string;
}
