// Send jobs from the timer: every cycle, one per mailbox with mail waiting to go out whose outgoing email goes
// through server-side synchronization, in the mailbox's session. A mailbox that may not send (inactive, not
// approved, outgoing disabled or not tested) gets its job too: the send stage keeps its mail in Pending Send
// and writes why in the ledger, where `exsync explain --item` finds it.
import { QUEUES, type DvMailbox } from '../ports';
import type { OrgContext } from '../ports';
import type { SendJob } from '../domain/send';
import { sendJobMessageId } from '../domain/queue-message-ids';
import type { PipelineDeps } from './deps';

/** Outgoing delivery by server-side synchronization (outgoingemaildeliverymethod). */
const SERVER_SIDE_SYNC = 2;

const sendsBySss = (m: DvMailbox) => m.outgoingDeliveryMethod === SERVER_SIDE_SYNC;

/** One query for the senders with mail waiting, then a job for each of their mailboxes that sends by SSS. */
export async function enqueueSends(ctx: OrgContext, slot: string, deps: PipelineDeps): Promise<void> {
  const waiting = await deps.outbox!.waitingSenders();
  const jobs: SendJob[] = ctx.mailboxes
    .filter((m) => waiting.has(m.owner.id.toLowerCase()) && sendsBySss(m))
    .map((m) => ({ kind: 'send', mailboxId: m.mailboxid, trigger: 'schedule', slot }));
  if (!jobs.length) return;
  await deps.queue.send(
    QUEUES.syncJobs,
    jobs.map((j) => ({ body: j, messageId: sendJobMessageId(j), sessionId: j.mailboxId })),
  );
  deps.log.info('schedule.sends', { enqueued: jobs.length });
}
