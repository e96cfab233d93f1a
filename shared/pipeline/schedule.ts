// The schedule stage (timer): find the mailboxes that are due and send one sync job per mailbox and
// workload, with sessionId = mailbox (one worker per mailbox) and a messageId per time slot (a timer
// that fires twice enqueues once).
import type { DvMailbox, MailboxRecord, OrgContext } from '../ports';
import { QUEUES } from '../ports';
import type { SyncJob } from '../domain/jobs';
import type { PipelineDeps } from './deps';

export interface ScheduleResult {
  enqueued: string[];
  notDue: number;
  ineligible: { mailboxId: string; reason: 'NotSyncedByServerSideSync' | 'MailboxDisabled' | 'MailboxNotApproved' }[];
}

function eligibility(m: DvMailbox, ctx: OrgContext): ScheduleResult['ineligible'][number]['reason'] | undefined {
  if (m.incomingDeliveryMethod !== 2) return 'NotSyncedByServerSideSync';
  if (!m.active || !m.enabledForIncoming) return 'MailboxDisabled';
  const needsApproval = m.owner.type === 'queue' ? ctx.org.requireApprovalForQueueEmail : ctx.org.requireApprovalForUserEmail;
  if (needsApproval && m.approval !== 1) return 'MailboxNotApproved';
  return undefined;
}

export async function runSchedule(deps: PipelineDeps, opts: { force?: boolean } = {}): Promise<ScheduleResult> {
  const ctx = await deps.dataverse.loadOrgContext();
  const now = deps.clock.now();
  const intervalMs = deps.settings.syncIntervalSeconds * 1000;
  const slot = Math.floor(now.getTime() / intervalMs);
  const registry = new Map((await deps.mailboxes.list()).map((r) => [r.mailboxId, r]));
  const result: ScheduleResult = { enqueued: [], notDue: 0, ineligible: [] };
  const jobs: SyncJob[] = [];
  for (const m of ctx.mailboxes) {
    const reason = eligibility(m, ctx);
    if (reason) {
      result.ineligible.push({ mailboxId: m.mailboxid, reason });
      if (reason === 'MailboxNotApproved') deps.log.warn('mailbox.alert', { mailboxId: m.mailboxid, alert: 'email address not approved' });
      continue;
    }
    let record = registry.get(m.mailboxid);
    if (!record) {
      record = { mailboxId: m.mailboxid, address: m.address, owner: m.owner, enabledForIncoming: true, health: { state: 'healthy', consecutiveFailures: 0 } };
      await deps.mailboxes.upsert(record);
    }
    if (record.health.state === 'disabled') {
      result.ineligible.push({ mailboxId: m.mailboxid, reason: 'MailboxDisabled' });
      continue;
    }
    const due = opts.force || !record.health.nextDueAt || Date.parse(record.health.nextDueAt) <= now.getTime();
    if (!due) {
      result.notDue++;
      continue;
    }
    jobs.push({ kind: 'sync', mailboxId: m.mailboxid, workload: 'email', trigger: 'schedule', slot: String(slot) });
    const next: MailboxRecord = { ...record, health: { ...record.health, nextDueAt: new Date(now.getTime() + intervalMs).toISOString() } };
    await deps.mailboxes.upsert(next);
  }
  if (jobs.length) {
    await deps.queue.send(QUEUES.syncJobs, jobs.map((j) => ({ body: j, messageId: `${j.mailboxId}:${j.workload}:${j.slot}`, sessionId: j.mailboxId })));
  }
  result.enqueued = jobs.map((j) => j.mailboxId);
  deps.log.info('schedule.done', { enqueued: jobs.length, notDue: result.notDue, ineligible: result.ineligible.length });
  return result;
}
