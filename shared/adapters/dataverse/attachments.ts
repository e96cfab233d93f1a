// Attachment rows of tracked emails (activitymimeattachment,
// learn.microsoft.com/power-apps/developer/data-platform/reference/entities/activitymimeattachment): a plain
// create with the row's derived id, so a retry answers "exists" instead of adding a second copy.
import type { AttachmentRow } from '../../domain/attachments';
import type { EmailWriteResult } from '../../ports';
import type { BatchItem } from './batch';
import type { WebApi } from './http';
import { bind } from './navigation';
import { errorText, isDuplicate, isRetryable, isWaiting, retry } from './emails';

/** A $batch of attachments stays well under the Web API's request size, and at 100 rows. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024;
const MAX_BATCH_ROWS = 100;

export function toAttachmentRecord(r: AttachmentRow): Record<string, unknown> {
  return {
    activitymimeattachmentid: r.activitymimeattachmentid,
    ...bind('objectid_email', 'email', r.activityid),
    objecttypecode: 'email',
    filename: r.filename,
    mimetype: r.mimetype,
    body: r.body,
    attachmentnumber: r.attachmentnumber,
    ...(r.attachmentcontentid ? { attachmentcontentid: r.attachmentcontentid } : {}),
  };
}

function slices(rows: AttachmentRow[]): AttachmentRow[][] {
  const out: AttachmentRow[][] = [];
  let current: AttachmentRow[] = [];
  let bytes = 0;
  for (const r of rows) {
    if (current.length && (current.length >= MAX_BATCH_ROWS || bytes + r.body.length > MAX_BATCH_BYTES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(r);
    bytes += r.body.length;
  }
  if (current.length) out.push(current);
  return out;
}

export async function createAttachments(api: WebApi, rows: AttachmentRow[]): Promise<EmailWriteResult[]> {
  const results: EmailWriteResult[] = [];
  for (const slice of slices(rows)) {
    const items: BatchItem[] = slice.map((r) => ({
      request: { method: 'POST', url: '/activitymimeattachments', body: toAttachmentRecord(r) },
    }));
    const responses = await api.batch(items);
    slice.forEach((row, j) => {
      const r = responses[j];
      const id = row.activitymimeattachmentid;
      if (r.ok) results.push({ activityid: id, status: 'created' });
      else if (isDuplicate(r)) results.push({ activityid: id, status: 'exists' });
      else if (isRetryable(r)) results.push(retry(id, r, api));
      else results.push({ activityid: id, status: isWaiting(r) ? 'waiting' : 'failed', error: errorText(r) });
    });
  }
  return results;
}

/** Emails per query of their existing attachment rows: keeps the $filter well under the URL limit. */
const IDS_PER_QUERY = 25;

/** The attachment rows these emails hold already (ids only, never the content). */
export async function attachmentIdsOf(api: WebApi, activityIds: string[]): Promise<Set<string>> {
  const ids = activityIds.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  const out = new Set<string>();
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
    const filter = ids
      .slice(i, i + IDS_PER_QUERY)
      .map((id) => `_objectid_value eq ${id}`)
      .join(' or ');
    const rows = await api.getAll(
      `/activitymimeattachments?$select=activitymimeattachmentid&$filter=${encodeURIComponent(filter)}`,
    );
    for (const r of rows) out.add(String(r.activitymimeattachmentid).toLowerCase());
  }
  return out;
}
