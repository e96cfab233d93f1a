// The schedule stage (timer): find the mailboxes that are due and send one sync job per mailbox and
// workload, with sessionId = mailbox (one worker per mailbox) and a messageId per time slot (a timer
// that fires twice enqueues once).
import type { DvMailbox, MailboxRecord, OrgContext } from '../ports';
import { QUEUES } from '../ports';
import type { SyncJob } from '../domain/jobs';
import { syncJobMessageId } from '../domain/queue-message-ids';
import type { PipelineDeps } from './deps';
import { ALERTS } from '../domain/alerts';
import { raiseAlert } from './alerts';
import { runTestEnable } from './test-enable';
import { TEST_STATUS } from '../domain/test-enable';
import { enqueueSends } from './send-schedule';
import type { MailboxMode, OwnershipRecord } from '../ports-cutover';
import { effectiveDelivery, modeOf, ownsSssColumns } from '../domain/ownership';
import { readOnlyDataverse } from './ownership';

export interface ScheduleResult {
  enqueued: string[];
  notDue: number;
  /** Mailboxes that will be synced, but not yet (a retry 5 minutes after a failure, or not due). */
  waiting: { mailboxId: string; dueAt: string }[];
  ineligible: { mailboxId: string; reason: IneligibleReason }[];
}
type IneligibleReason =
  | 'NotSyncedByServerSideSync'
  | 'MailboxDisabled'
  | 'MailboxNotApproved'
  | 'IncomingNotTested'
  | 'ReleasedToSss'
  | 'DisabledByOperator';

function eligibility(m: DvMailbox, ctx: OrgContext): IneligibleReason | undefined {
  if (m.incomingDeliveryMethod !== 2) return 'NotSyncedByServerSideSync';
  if (!m.active || !m.enabledForIncoming) return 'MailboxDisabled';
  const needsApproval =
    m.owner.type === 'queue' ? ctx.org.requireApprovalForQueueEmail : ctx.org.requireApprovalForUserEmail;
  if (needsApproval && m.approval !== 1) return 'MailboxNotApproved';
  // As SSS: incoming syncs only once its Test & Enable succeeded (incomingemailstatus Success).
  if (m.incomingStatus !== TEST_STATUS.success) return 'IncomingNotTested';
  return undefined;
}

export async function runSchedule(deps: PipelineDeps, opts: { force?: boolean } = {}): Promise<ScheduleResult> {
  const ctx = await deps.dataverse.loadOrgContext();
  const now = deps.clock.now();
  const intervalMs = deps.settings.syncIntervalSeconds * 1000;
  const slot = String(Math.floor(now.getTime() / intervalMs));
  const registry = new Map((await deps.mailboxes.list()).map((r) => [r.mailboxId, r]));
  const owners = new Map(((await deps.ownership?.list()) ?? []).map((r) => [r.mailboxId, r]));
  const result: ScheduleResult = { enqueued: [], notDue: 0, waiting: [], ineligible: [] };
  const jobs: SyncJob[] = [];
  for (const m of ctx.mailboxes) {
    const own = owners.get(m.mailboxid);
    const held = heldBack(own, deps.settings.shadowMode);
    if (held) {
      result.ineligible.push({ mailboxId: m.mailboxid, reason: held });
      continue;
    }
    const mode = modeOf(own, deps.settings.shadowMode);
    const record = await eligibleRecord(effectiveDelivery(m, own), ctx, registry.get(m.mailboxid), result, {
      mode,
      deps,
    });
    if (!record) continue;
    const due = opts.force || !record.health.nextDueAt || Date.parse(record.health.nextDueAt) <= now.getTime();
    if (!due) {
      result.notDue++;
      result.waiting.push({ mailboxId: m.mailboxid, dueAt: record.health.nextDueAt! });
      continue;
    }
    jobs.push({ kind: 'sync', mailboxId: m.mailboxid, workload: 'email', trigger: 'schedule', slot });
    const next: MailboxRecord = {
      ...record,
      health: { ...record.health, nextDueAt: new Date(now.getTime() + intervalMs).toISOString() },
    };
    await deps.mailboxes.upsert(next);
  }
  await enqueue(jobs, deps);
  if (deps.outbox) await enqueueSends(sendingContext(ctx, owners, deps.settings.shadowMode), slot, deps);
  result.enqueued = jobs.map((j) => j.mailboxId);
  deps.log.info('schedule.done', {
    enqueued: jobs.length,
    notDue: result.notDue,
    ineligible: result.ineligible.length,
  });
  return result;
}

/** Released to SSS, or turned off by an operator: the product leaves the mailbox alone. */
function heldBack(own: OwnershipRecord | undefined, shadowAll: boolean): IneligibleReason | undefined {
  if (modeOf(own, shadowAll) === 'released') return 'ReleasedToSss';
  return own?.disabled ? 'DisabledByOperator' : undefined;
}

/** Only mailboxes the product owns send, with the delivery methods SSS had when the product took them over. */
function sendingContext(ctx: OrgContext, owners: Map<string, OwnershipRecord>, shadowAll: boolean): OrgContext {
  const mailboxes = ctx.mailboxes
    .filter((m) => ownsSssColumns(modeOf(owners.get(m.mailboxid), shadowAll)) && !owners.get(m.mailboxid)?.disabled)
    .map((m) => effectiveDelivery(m, owners.get(m.mailboxid)));
  return { ...ctx, mailboxes };
}

/**
 * The mailbox's registry record when it may be synced (registered on first sight); undefined, with the
 * reason in the result, when it may not. Alerts once when it becomes unapproved, and when an administrator
 * re-enabled a mailbox we had disabled.
 */
async function eligibleRecord(
  given: DvMailbox,
  ctx: OrgContext,
  known: MailboxRecord | undefined,
  result: ScheduleResult,
  { mode, deps: all }: { mode: MailboxMode; deps: PipelineDeps },
): Promise<MailboxRecord | undefined> {
  // A mailbox the product does not own: SSS runs its Test & Enable, and its alerts stay in the product's table.
  const owned = ownsSssColumns(mode);
  const deps = owned ? all : { ...all, dataverse: readOnlyDataverse(all.dataverse) };
  const m = owned ? await testIfRequested(given, deps) : given;
  const record = known ?? (await register(m, deps));
  let reason = eligibility(m, ctx);
  if (record.health.state === 'disabled' && (!reason || reason === 'IncomingNotTested'))
    reason = owned ? await stillDisabled(m, record, deps) : 'MailboxDisabled';
  if (reason === 'MailboxNotApproved' && record.health.lastError !== 'NotApproved') {
    // One alert when the mailbox becomes unapproved, not one a minute.
    await raiseAlert(deps, m.mailboxid, ALERTS.notApproved());
    await deps.mailboxes.upsert({ ...record, health: { ...record.health, lastError: 'NotApproved' } });
  }
  if (reason) {
    result.ineligible.push({ mailboxId: m.mailboxid, reason });
    return undefined;
  }
  if (record.health.state !== 'disabled') return record;
  await raiseAlert(deps, m.mailboxid, ALERTS.reenabled());
  return { ...record, health: { state: 'healthy', consecutiveFailures: 0 } };
}

/** The mailbox after its requested Test & Enable, with the incoming status the test wrote. */
async function testIfRequested(m: DvMailbox, deps: PipelineDeps): Promise<DvMailbox> {
  if (!m.testRequested) return m;
  const outcome = await runTestEnable(deps, m);
  return outcome ? { ...m, incomingStatus: outcome.incoming, testRequested: false } : m;
}

/**
 * A mailbox we disabled stays so until an administrator enables it again (enabledforincomingemail set back
 * after we cleared it). We had also marked incoming Failure: the incoming check runs again and must pass.
 */
async function stillDisabled(
  m: DvMailbox,
  record: MailboxRecord,
  deps: PipelineDeps,
): Promise<IneligibleReason | undefined> {
  const reenabled =
    record.health.disabledAt && m.modifiedon && Date.parse(m.modifiedon) > Date.parse(record.health.disabledAt);
  if (!reenabled) return 'MailboxDisabled';
  if (m.incomingStatus === TEST_STATUS.success) return undefined;
  const outcome = await runTestEnable(deps, m, ['incoming']);
  if (outcome?.incoming === TEST_STATUS.success) return undefined;
  if (outcome) {
    // Failed again: disabled again, so only a newer change by an administrator re-enables it.
    await deps.dataverse.disableIncoming(m.mailboxid);
    await deps.mailboxes.upsert({
      ...record,
      health: { ...record.health, disabledAt: deps.clock.now().toISOString() },
    });
  }
  return 'MailboxDisabled';
}

/** A mailbox seen for the first time: healthy, nothing synced yet. */
async function register(m: DvMailbox, deps: Pick<PipelineDeps, 'mailboxes'>): Promise<MailboxRecord> {
  const record: MailboxRecord = {
    mailboxId: m.mailboxid,
    address: m.address,
    owner: m.owner,
    enabledForIncoming: true,
    health: { state: 'healthy', consecutiveFailures: 0 },
  };
  await deps.mailboxes.upsert(record);
  return record;
}

/** One message per job: a session per mailbox, and a message id per time slot so a second tick is dropped. */
async function enqueue(jobs: SyncJob[], deps: Pick<PipelineDeps, 'queue'>): Promise<void> {
  if (!jobs.length) return;
  await deps.queue.send(
    QUEUES.syncJobs,
    jobs.map((j) => ({ body: j, messageId: syncJobMessageId(j), sessionId: j.mailboxId })),
  );
}
