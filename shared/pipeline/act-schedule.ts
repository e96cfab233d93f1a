// ACT jobs from the timer: one per eligible mailbox (domain/act/job.ts), workload and ACT time slot, in the
// mailbox's session.
import { QUEUES, type OrgContext } from '../ports';
import { ACT_INTERVAL_MS, actEligible, type ActJob } from '../domain/act/job';
import { actJobMessageId } from '../domain/queue-message-ids';
import type { PipelineDeps } from './deps';
import { ACT_MODULES } from './act';

export async function enqueueActs(ctx: OrgContext, deps: PipelineDeps): Promise<void> {
  const slot = String(Math.floor(deps.clock.now().getTime() / ACT_INTERVAL_MS));
  const jobs: ActJob[] = ctx.mailboxes
    .filter((m) => actEligible(m, ctx.org.requireApprovalForUserEmail))
    .flatMap((m) =>
      ACT_MODULES.map((a): ActJob => ({
        kind: 'act',
        mailboxId: m.mailboxid,
        trigger: 'schedule',
        slot,
        workload: a.workload,
      })),
    );
  if (!jobs.length) return;
  await deps.queue.send(
    QUEUES.syncJobs,
    jobs.map((j) => ({ body: j, messageId: actJobMessageId(j), sessionId: j.mailboxId })),
  );
  deps.log.info('schedule.acts', { enqueued: jobs.length });
}
