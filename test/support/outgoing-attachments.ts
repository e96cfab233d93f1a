// Attachment rows (activitymimeattachment) on an email of a fixture, as Dynamics 365 holds them for an
// email in Pending Send: for the outgoing half of "Attachments both ways".
import type { Json, TenantFixture } from '../../local/tenant/fixture';
import { stableGuid } from '../../local/tenant/ids';

export interface RowSpec {
  name: string;
  /** Decoded size in bytes; the content is that many bytes of a pattern that depends on the name. */
  size: number;
  mimetype?: string;
  contentId?: string;
}

/** `size` bytes that differ per file, so a mixed-up or truncated file shows. */
export function contentOf(name: string, size: number): string {
  const seed = [...name].reduce((a, c) => (a * 31 + c.charCodeAt(0)) & 0xff, 7);
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (seed + i * 13) & 0xff;
  return b.toString('base64');
}

export function withAttachmentRows(f: TenantFixture, activityid: string, rows: RowSpec[]): TenantFixture {
  const added: Json[] = rows.map((r, n) => ({
    activitymimeattachmentid: stableGuid(`outgoing-attachment:${activityid}:${n}`),
    _objectid_value: activityid,
    objecttypecode: 'email',
    filename: r.name,
    mimetype: r.mimetype ?? 'application/octet-stream',
    body: contentOf(r.name, r.size),
    attachmentnumber: n + 1,
    ...(r.contentId ? { attachmentcontentid: r.contentId } : {}),
  }));
  f.dataverse.activitymimeattachments = [...(f.dataverse.activitymimeattachments ?? []), ...added];
  return f;
}
