// The attachments of an email on its way out: its attachment rows, within the organization's limits (the same
// maxuploadfilesize and blockedattachments as incoming mail); what is left out is counted with its reason in
// the send's decision, where `exsync explain --item <activityid>` shows it. File names never reach the log.
import type { PendingEmail, OutboxPort } from '../ports-send';
import { leftOutDetail } from '../domain/attachments';
import { planOutgoing, type OutgoingFile } from '../domain/outgoing-attachments';
import type { PipelineDeps } from './deps';

export interface OutgoingAttachments {
  /** The files that go out (absent: none). */
  files?: OutgoingFile[];
  /** "n attachment(s) left out: …", or empty. */
  detail: string;
}

export async function outgoingAttachmentsOf(
  email: PendingEmail,
  deps: PipelineDeps & { outbox: OutboxPort },
): Promise<OutgoingAttachments> {
  const rows = deps.outbox.attachments ? await deps.outbox.attachments(email.activityid) : [];
  if (!rows.length) return { detail: '' };
  const limits = (await deps.dataverse.loadOrgContext()).org.attachments;
  const plan = planOutgoing(rows, limits);
  if (plan.leftOut.length)
    deps.log.info('send.attachments-left-out', {
      activityId: email.activityid,
      kept: plan.send.length,
      leftOut: plan.leftOut.length,
    });
  return { ...(plan.send.length ? { files: plan.send } : {}), detail: leftOutDetail(plan.leftOut) };
}
