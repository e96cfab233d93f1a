// The attachment rows of an email on its way out (activitymimeattachment, by its objectid,
// learn.microsoft.com/power-apps/developer/data-platform/attachment-annotation-files): file name, MIME type,
// the base64 body and, for an inline image, its Content-ID. The body is read with the row: the chunked
// download messages (InitializeAttachmentBlocksDownload, DownloadBlock) are not used, so one file is one response.
import { base64Size, type OutgoingFile } from '../../domain/outgoing-attachments';
import type { WebApi } from './http';

const SELECT = 'activitymimeattachmentid,filename,mimetype,body,attachmentnumber,attachmentcontentid';
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

export async function outgoingAttachments(api: WebApi, activityid: string): Promise<OutgoingFile[]> {
  if (!/^[0-9a-f-]{36}$/i.test(activityid)) return [];
  const filter = encodeURIComponent(`_objectid_value eq ${activityid}`);
  const order = encodeURIComponent('attachmentnumber asc,activitymimeattachmentid asc');
  const rows = await api.getAll(`/activitymimeattachments?$select=${SELECT}&$filter=${filter}&$orderby=${order}`);
  return rows.map((r) => {
    const body = str(r.body) ?? '';
    const contentId = str(r.attachmentcontentid);
    return {
      id: String(r.activitymimeattachmentid),
      name: str(r.filename) ?? '',
      contentType: str(r.mimetype) || 'application/octet-stream',
      contentBytes: body,
      size: base64Size(body),
      ...(contentId ? { contentId } : {}),
    };
  });
}
