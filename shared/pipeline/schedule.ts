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
import { subscribedNow } from './polling';
import { pollDueAt } from '../domain/subscriptions';
import type { MailboxMode, OwnershipRecord } from '../ports-cutover';
import { effectiveDelivery, modeOf, ownsSssColumns } from '../domain/ownership';
import { readOnlyDataverse } from './ownership';

/** Due mailboxes whose records are written together (one Table transaction) and whose jobs go in one send. */
export const SCHEDULE_PAGE = 100;
import { enqueueActs } from './act-schedule';

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

/** Why a mailbox is not synced, or undefined when it is (its registry health aside). */
export function eligibility(m: DvMailbox, ctx: OrgContext): IneligibleReason | undefined {
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
  const owners = await ownersOf(deps);
  // A mailbox with live subscriptions is swept slowly; notifications bring its mail.
  const subscribed = await subscribedNow(deps, ctx);
  const sweepMs = deps.settings.notifySweepMinutes * 60_000;
  const result: ScheduleResult = { enqueued: [], notDue: 0, waiting: [], ineligible: [] };
  const due: MailboxRecord[] = [];
  for (const m of ctx.mailboxes) {
    const record = await scheduledRecord(m, owners.get(m.mailboxid), { ctx, registry, result, deps });
    if (!record) continue;
    const isSubscribed = subscribed(m.mailboxid);
    const dueAt = pollDueAt(record.health, isSubscribed, sweepMs);
    if (!opts.force && dueAt !== undefined && dueAt > now.getTime()) {
      result.notDue++;
      result.waiting.push({ mailboxId: m.mailboxid, dueAt: new Date(dueAt).toISOString() });
      continue;
    }
    const nextMs = now.getTime() + (isSubscribed ? sweepMs : intervalMs);
    due.push({ ...record, health: { ...record.health, nextDueAt: new Date(nextMs).toISOString() } });
  }
  await enqueueDue(due, slot, result, deps);
  // Sends and ACT only for mailboxes the product owns (never in shadow mode, never released or disabled).
  const owned = sendingContext(ctx, owners, deps.settings.shadowMode);
  if (deps.outbox) await enqueueSends(owned, slot, deps);
  if (deps.act) await enqueueActs(owned, deps);
  deps.log.info('schedule.done', {
    enqueued: result.enqueued.length,
    notDue: result.notDue,
    ineligible: result.ineligible.length,
  });
  return result;
}

/** The cut-over registry by mailbox id (empty without one: every mailbox owned, or shadow under SHADOW_MODE). */
export async function ownersOf(deps: Pick<PipelineDeps, 'ownership'>): Promise<Map<string, OwnershipRecord>> {
  return new Map(((await deps.ownership?.list()) ?? []).map((r) => [r.mailboxId, r]));
}

/** A mailbox the product syncs under the cut-over (not released, not turned off), read with the delivery SSS had. */
export function syncedUnderCutover(
  m: DvMailbox,
  own: OwnershipRecord | undefined,
  shadowAll: boolean,
): DvMailbox | undefined {
  return heldBack(own, shadowAll) ? undefined : effectiveDelivery(m, own);
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

interface ScheduleScope {
  ctx: OrgContext;
  registry: Map<string, MailboxRecord>;
  result: ScheduleResult;
  deps: PipelineDeps;
}

/** The record of a mailbox the schedule may sync, or undefined with the reason in the result (held back too). */
async function scheduledRecord(
  m: DvMailbox,
  own: OwnershipRecord | undefined,
  { ctx, registry, result, deps }: ScheduleScope,
): Promise<MailboxRecord | undefined> {
  const held = heldBack(own, deps.settings.shadowMode);
  if (held) {
    result.ineligible.push({ mailboxId: m.mailboxid, reason: held });
    return undefined;
  }
  const mode = modeOf(own, deps.settings.shadowMode);
  return eligibleRecord(effectiveDelivery(m, own), ctx, registry.get(m.mailboxid), result, { mode, deps });
}

/** In pages, so 10,000 due mailboxes take a few hundred round trips, not 10,000 one after another. */
async function enqueueDue(due: MailboxRecord[], slot: string, result: ScheduleResult, deps: PipelineDeps) {
  for (let i = 0; i < due.length; i += SCHEDULE_PAGE) {
    const page = due.slice(i, i + SCHEDULE_PAGE);
    await deps.mailboxes.upsertMany(page);
    const jobs = page.map((r): SyncJob => ({
      kind: 'sync',
      mailboxId: r.mailboxId,
      workload: 'email',
      trigger: 'schedule',
      slot,
    }));
    await enqueue(jobs, deps);
    result.enqueued.push(...page.map((r) => r.mailboxId));
  }
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
  const record = known ?? registration(m);
  let reason = eligibility(m, ctx);
  // A due mailbox seen for the first time is written with its page; one that may not sync is written now.
  if (!known && reason) await deps.mailboxes.upsert(record);
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
function registration(m: DvMailbox): MailboxRecord {
  return {
    mailboxId: m.mailboxid,
    address: m.address,
    owner: m.owner,
    enabledForIncoming: true,
    health: { state: 'healthy', consecutiveFailures: 0 },
  };
}

/** One message per job: a session per mailbox, and a message id per time slot so a second tick is dropped. */
async function enqueue(jobs: SyncJob[], deps: Pick<PipelineDeps, 'queue'>): Promise<void> {
  if (!jobs.length) return;
  await deps.queue.send(
    QUEUES.syncJobs,
    jobs.map((j) => ({ body: j, messageId: syncJobMessageId(j), sessionId: j.mailboxId })),
  );
}
