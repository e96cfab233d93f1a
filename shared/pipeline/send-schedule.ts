// Send jobs from the timer: every cycle, one per mailbox with mail waiting to go out whose outgoing email goes through server-side
// synchronization, enabled, active and (when the organization asks for it) approved, in the mailbox's session.
import { QUEUES, type DvMailbox, type OrgContext } from '../ports';
import type { SendJob } from '../domain/send';
import { sendJobMessageId } from '../domain/queue-message-ids';
import type { PipelineDeps } from './deps';

/** Outgoing delivery by server-side synchronization (outgoingemaildeliverymethod). */
const SERVER_SIDE_SYNC = 2;

function sendsFrom(m: DvMailbox, ctx: OrgContext): boolean {
  if (m.outgoingDeliveryMethod !== SERVER_SIDE_SYNC || !m.enabledForOutgoing || !m.active) return false;
  const needsApproval =
    m.owner.type === 'queue' ? ctx.org.requireApprovalForQueueEmail : ctx.org.requireApprovalForUserEmail;
  return !needsApproval || m.approval === 1;
}

/** One query for the senders with mail waiting, then a job for each of their mailboxes that may send. */
export async function enqueueSends(ctx: OrgContext, slot: string, deps: PipelineDeps): Promise<void> {
  const waiting = await deps.outbox!.waitingSenders();
  const jobs: SendJob[] = ctx.mailboxes
    .filter((m) => waiting.has(m.owner.id.toLowerCase()) && sendsFrom(m, ctx))
    .map((m) => ({ kind: 'send', mailboxId: m.mailboxid, trigger: 'schedule', slot }));
  if (!jobs.length) return;
  await deps.queue.send(
    QUEUES.syncJobs,
    jobs.map((j) => ({ body: j, messageId: sendJobMessageId(j), sessionId: j.mailboxId })),
  );
  deps.log.info('schedule.sends', { enqueued: jobs.length });
}
