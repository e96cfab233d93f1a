// Mailbox health as server-side synchronization keeps it: a permanent error (401, 403, mailbox not found)
// disables incoming at once; a transient one is retried 5 minutes later, and after the 10th in a row
// incoming is disabled. Every step raises an alert (alerts table, logs, telemetry). Enhanced: when at
// least half the mailboxes fail within 15 minutes the platform is the cause: back off, disable nobody.
// SSS's own column (enabledforincomingemail) and the trace logs on the mailbox are written only for a
// mailbox the product owns; for one it shadows, health lives in the product's registry alone.
import type { MailboxRecord } from '../ports';
import type { ExsyncError } from '../domain/errors';
import { ALERTS, type Alert } from '../domain/alerts';
import type { PipelineDeps } from './deps';
import { raiseAlert } from './alerts';
import { mailboxModeOf, readOnlyDataverse } from './ownership';
import { ownsSssColumns } from '../domain/ownership';

export const TRANSIENT_RETRY_MS = 5 * 60_000;
export const MAX_TRANSIENT_FAILURES = 10;
const OUTAGE_WINDOW_MS = 15 * 60_000;
const OUTAGE_MAX_BACKOFF_MS = 60 * 60_000;

/**
 * Is the platform down? At least half of the registered mailboxes (two or more) are failing: their last
 * sync failed, recently (within the window, or within the backoff an outage already gave them).
 */
async function platformOutage(deps: Pick<PipelineDeps, 'mailboxes'>, now: number): Promise<boolean> {
  const all = (await deps.mailboxes.list()).filter((m) => m.health.state !== 'disabled');
  const recent = all.filter(
    (m) =>
      m.health.state === 'failing' &&
      m.health.lastFailureAt &&
      now - Date.parse(m.health.lastFailureAt) <= OUTAGE_WINDOW_MS + OUTAGE_MAX_BACKOFF_MS,
  );
  return all.length >= 2 && recent.length >= 2 && recent.length * 2 >= all.length;
}

/** One failure more on the mailbox's record: what failed, when, how many in a row. */
interface Failure {
  record: MailboxRecord;
  what: string;
  failures: number;
  now: Date;
  /** The product owns the mailbox: it may clear SSS's enabledforincomingemail. */
  owned: boolean;
}

export async function recordMailboxFailure(mailboxId: string, error: ExsyncError, given: PipelineDeps): Promise<void> {
  const record = await given.mailboxes.get(mailboxId);
  if (!record) return;
  const owned = ownsSssColumns(await mailboxModeOf(mailboxId, given));
  const deps = owned ? given : { ...given, dataverse: readOnlyDataverse(given.dataverse) };
  const now = deps.clock.now();
  const what = `${error.system} ${error.status ?? ''} ${error.code ?? ''}`.replace(/\s+/g, ' ').trim();
  const failures = record.health.consecutiveFailures + 1;
  const f: Failure = {
    record: {
      ...record,
      health: { ...record.health, consecutiveFailures: failures, lastError: what, lastFailureAt: now.toISOString() },
    },
    what,
    failures,
    now,
    owned,
  };
  if (error.kind === 'permanent') return disable(f, ALERTS.disabledAfterPermanentError(what), deps);
  if (deps.settings.enhancedOutageBackoff && (await backedOffForOutage(f, deps))) return;
  if (failures >= MAX_TRANSIENT_FAILURES)
    return disable(f, ALERTS.disabledAfterTransientFailures(failures, what), deps);
  await retryLater(f, TRANSIENT_RETRY_MS, failures, deps);
  await raiseAlert(deps, mailboxId, ALERTS.transientFailure(failures, MAX_TRANSIENT_FAILURES, what));
}

/** Incoming email off in the registry and, for an owned mailbox, in Dataverse (as SSS turns it off), with the alert. */
async function disable(
  f: Failure,
  why: Alert,
  deps: Pick<PipelineDeps, 'dataverse' | 'mailboxes' | 'alerts' | 'clock' | 'log'>,
): Promise<void> {
  if (f.owned) await deps.dataverse.disableIncoming(f.record.mailboxId);
  await deps.mailboxes.upsert({
    ...f.record,
    health: { ...f.record.health, state: 'disabled', disabledAt: deps.clock.now().toISOString() },
  });
  await raiseAlert(deps, f.record.mailboxId, why);
}

/** Failing, to be synced again after the wait; consecutiveFailures as given. */
async function retryLater(
  f: Failure,
  waitMs: number,
  consecutiveFailures: number,
  deps: Pick<PipelineDeps, 'mailboxes'>,
): Promise<void> {
  await deps.mailboxes.upsert({
    ...f.record,
    health: {
      ...f.record.health,
      state: 'failing',
      consecutiveFailures,
      nextDueAt: new Date(f.now.getTime() + waitMs).toISOString(),
    },
  });
}

/** Enhanced: when most mailboxes fail at once, back off (doubling, up to an hour) and never reach the limit. */
async function backedOffForOutage(
  f: Failure,
  deps: Pick<PipelineDeps, 'mailboxes' | 'alerts' | 'clock' | 'log'>,
): Promise<boolean> {
  await deps.mailboxes.upsert({ ...f.record, health: { ...f.record.health, state: 'failing' } }); // count this one before asking
  if (!(await platformOutage(deps, f.now.getTime()))) return false;
  const backoff = Math.min(OUTAGE_MAX_BACKOFF_MS, TRANSIENT_RETRY_MS * 2 ** Math.min(4, f.failures - 1));
  await retryLater(f, backoff, Math.min(f.failures, MAX_TRANSIENT_FAILURES - 1), deps);
  await raiseAlert(deps, f.record.mailboxId, ALERTS.platformOutage(f.what, backoff));
  return true;
}

/** After a successful cycle: healthy again, with an Information alert when it had been failing. */
export async function recordMailboxSuccess(
  record: MailboxRecord,
  started: Date,
  deps: Pick<PipelineDeps, 'mailboxes' | 'alerts' | 'clock' | 'log'>,
  intervalMs: number,
): Promise<void> {
  const now = deps.clock.now();
  const recovering = record.health.state === 'failing';
  await deps.mailboxes.upsert({
    ...record,
    health: {
      ...record.health,
      state: 'healthy',
      consecutiveFailures: 0,
      lastError: undefined,
      lastSyncStartedAt: started.toISOString(),
      lastSyncCompletedAt: now.toISOString(),
      nextDueAt: new Date(now.getTime() + intervalMs).toISOString(),
    },
  });
  if (recovering) await raiseAlert(deps, record.mailboxId, ALERTS.recovered());
}
