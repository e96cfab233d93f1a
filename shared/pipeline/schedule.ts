// The schedule stage (timer): find the mailboxes that are due and send one sync job per mailbox and
// workload, with sessionId = mailbox (one worker per mailbox) and a messageId per time slot (a timer
// that fires twice enqueues once).
import type { DvMailbox, MailboxRecord, OrgContext } from '../ports';
import { QUEUES } from '../ports';
import type { SyncJob } from '../domain/jobs';
import { syncJobMessageId } from '../domain/queue-message-ids';
import type { PipelineDeps } from './deps';

export interface ScheduleResult {
  enqueued: string[];
  notDue: number;
  /** Mailboxes that will be synced, but not yet (a retry 5 minutes after a failure, or not due). */
  waiting: { mailboxId: string; dueAt: string }[];
  ineligible: { mailboxId: string; reason: 'NotSyncedByServerSideSync' | 'MailboxDisabled' | 'MailboxNotApproved' }[];
}

function eligibility(m: DvMailbox, ctx: OrgContext): ScheduleResult['ineligible'][number]['reason'] | undefined {
  if (m.incomingDeliveryMethod !== 2) return 'NotSyncedByServerSideSync';
  if (!m.active || !m.enabledForIncoming) return 'MailboxDisabled';
  const needsApproval =
    m.owner.type === 'queue' ? ctx.org.requireApprovalForQueueEmail : ctx.org.requireApprovalForUserEmail;
  if (needsApproval && m.approval !== 1) return 'MailboxNotApproved';
  return undefined;
}

export async function runSchedule(deps: PipelineDeps, opts: { force?: boolean } = {}): Promise<ScheduleResult> {
  const ctx = await deps.dataverse.loadOrgContext();
  const now = deps.clock.now();
  const intervalMs = deps.settings.syncIntervalSeconds * 1000;
  const slot = Math.floor(now.getTime() / intervalMs);
  const registry = new Map((await deps.mailboxes.list()).map((r) => [r.mailboxId, r]));
  const result: ScheduleResult = { enqueued: [], notDue: 0, waiting: [], ineligible: [] };
  const jobs: SyncJob[] = [];
  for (const m of ctx.mailboxes) {
    let record = registry.get(m.mailboxid);
    if (!record) {
      record = {
        mailboxId: m.mailboxid,
        address: m.address,
        owner: m.owner,
        enabledForIncoming: true,
        health: { state: 'healthy', consecutiveFailures: 0 },
      };
      await deps.mailboxes.upsert(record);
    }
    const reason = eligibility(m, ctx);
    if (reason === 'MailboxNotApproved' && record.health.lastError !== 'NotApproved') {
      // One alert when the mailbox becomes unapproved, not one a minute.
      await deps.alerts.record({
        mailboxId: m.mailboxid,
        level: 'Error',
        code: 'NotApproved',
        message: 'email address not approved: nothing is processed until it is',
        at: now.toISOString(),
      });
      deps.log.warn('mailbox.alert', {
        mailboxId: m.mailboxid,
        level: 'Error',
        code: 'NotApproved',
        alert: 'email address not approved',
      });
      await deps.mailboxes.upsert({ ...record, health: { ...record.health, lastError: 'NotApproved' } });
    }
    if (reason) {
      result.ineligible.push({ mailboxId: m.mailboxid, reason });
      continue;
    }
    if (record.health.state === 'disabled') {
      // We cleared enabledforincomingemail when we disabled it; enabled again since, so an admin re-enabled it.
      const reenabled =
        record.health.disabledAt && m.modifiedon && Date.parse(m.modifiedon) > Date.parse(record.health.disabledAt);
      if (!reenabled) {
        result.ineligible.push({ mailboxId: m.mailboxid, reason: 'MailboxDisabled' });
        continue;
      }
      record = { ...record, health: { state: 'healthy', consecutiveFailures: 0 } };
      await deps.alerts.record({
        mailboxId: m.mailboxid,
        level: 'Information',
        code: 'Reenabled',
        message: 'incoming email enabled again by an administrator',
        at: now.toISOString(),
      });
    }
    const due = opts.force || !record.health.nextDueAt || Date.parse(record.health.nextDueAt) <= now.getTime();
    if (!due) {
      result.notDue++;
      result.waiting.push({ mailboxId: m.mailboxid, dueAt: record.health.nextDueAt! });
      continue;
    }
    jobs.push({ kind: 'sync', mailboxId: m.mailboxid, workload: 'email', trigger: 'schedule', slot: String(slot) });
    const next: MailboxRecord = {
      ...record,
      health: { ...record.health, nextDueAt: new Date(now.getTime() + intervalMs).toISOString() },
    };
    await deps.mailboxes.upsert(next);
  }
  if (jobs.length) {
    await deps.queue.send(
      QUEUES.syncJobs,
      jobs.map((j) => ({ body: j, messageId: syncJobMessageId(j), sessionId: j.mailboxId })),
    );
  }
  result.enqueued = jobs.map((j) => j.mailboxId);
  deps.log.info('schedule.done', {
    enqueued: jobs.length,
    notDue: result.notDue,
    ineligible: result.ineligible.length,
  });
  return result;
}
