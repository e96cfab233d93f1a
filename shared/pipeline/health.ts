// Mailbox health as SSS keeps it (sss-behaviour.md 1.1, 1.2): a permanent error (401, 403, mailbox not
// found) disables incoming at once; a transient one is retried 5 minutes later, and after the 10th in a
// row incoming is disabled. Every step raises an alert (alerts table, logs, telemetry). Enhanced: when
// at least half the mailboxes fail within 15 minutes the platform is the cause: back off, disable nobody.
import type { MailboxAlert, MailboxRecord } from '../ports';
import type { ExsyncError } from '../domain/errors';
import type { PipelineDeps } from './deps';

export const TRANSIENT_RETRY_MS = 5 * 60_000;
export const MAX_TRANSIENT_FAILURES = 10;
const OUTAGE_WINDOW_MS = 15 * 60_000;
const OUTAGE_MAX_BACKOFF_MS = 60 * 60_000;

async function alert(deps: PipelineDeps, a: Omit<MailboxAlert, 'at'>): Promise<void> {
  const full = { ...a, at: deps.clock.now().toISOString() };
  await deps.alerts.record(full);
  const log = a.level === 'Error' ? deps.log.error : a.level === 'Warning' ? deps.log.warn : deps.log.info;
  log('mailbox.alert', { mailboxId: a.mailboxId, level: a.level, code: a.code, alert: a.message });
}

/**
 * Is the platform down? At least half of the registered mailboxes (two or more) are failing: their last
 * sync failed, recently (within the window, or within the backoff an outage already gave them).
 */
async function platformOutage(deps: PipelineDeps, now: number): Promise<boolean> {
  const all = (await deps.mailboxes.list()).filter((m) => m.health.state !== 'disabled');
  const recent = all.filter(
    (m) =>
      m.health.state === 'failing' &&
      m.health.lastFailureAt &&
      now - Date.parse(m.health.lastFailureAt) <= OUTAGE_WINDOW_MS + OUTAGE_MAX_BACKOFF_MS,
  );
  return all.length >= 2 && recent.length >= 2 && recent.length * 2 >= all.length;
}

export async function recordMailboxFailure(mailboxId: string, error: ExsyncError, deps: PipelineDeps): Promise<void> {
  const record = await deps.mailboxes.get(mailboxId);
  if (!record) return;
  const now = deps.clock.now();
  const what = `${error.system} ${error.status ?? ''} ${error.code ?? ''}`.replace(/\s+/g, ' ').trim();
  const failures = record.health.consecutiveFailures + 1;
  const base: MailboxRecord = {
    ...record,
    health: { ...record.health, consecutiveFailures: failures, lastError: what, lastFailureAt: now.toISOString() },
  };
  const disable = async () => {
    await deps.dataverse.disableIncoming(mailboxId);
    await deps.mailboxes.upsert({
      ...base,
      health: { ...base.health, state: 'disabled', disabledAt: deps.clock.now().toISOString() },
    });
  };
  if (error.kind === 'permanent') {
    await disable();
    await alert(deps, {
      mailboxId,
      level: 'Error',
      code: 'MailboxDisabled',
      message: `incoming email disabled at once after a permanent error (${what}); re-enable the mailbox after fixing it`,
    });
    return;
  }
  if (deps.settings.enhancedOutageBackoff) {
    await deps.mailboxes.upsert({ ...base, health: { ...base.health, state: 'failing' } }); // count this one before asking
    if (await platformOutage(deps, now.getTime())) {
      const backoff = Math.min(OUTAGE_MAX_BACKOFF_MS, TRANSIENT_RETRY_MS * 2 ** Math.min(4, failures - 1));
      await deps.mailboxes.upsert({
        ...base,
        health: {
          ...base.health,
          state: 'failing',
          consecutiveFailures: Math.min(failures, MAX_TRANSIENT_FAILURES - 1),
          nextDueAt: new Date(now.getTime() + backoff).toISOString(),
        },
      });
      await alert(deps, {
        mailboxId,
        level: 'Warning',
        code: 'PlatformOutage',
        message: `most mailboxes fail at once (${what}): backing off ${Math.round(backoff / 60_000)} min, nobody is disabled`,
      });
      return;
    }
  }
  if (failures >= MAX_TRANSIENT_FAILURES) {
    await disable();
    await alert(deps, {
      mailboxId,
      level: 'Error',
      code: 'MailboxDisabled',
      message: `incoming email disabled after ${failures} transient failures 5 minutes apart (${what}); re-enable the mailbox after fixing it`,
    });
    return;
  }
  await deps.mailboxes.upsert({
    ...base,
    health: { ...base.health, state: 'failing', nextDueAt: new Date(now.getTime() + TRANSIENT_RETRY_MS).toISOString() },
  });
  await alert(deps, {
    mailboxId,
    level: 'Warning',
    code: 'TransientFailure',
    message: `sync failed (${what}), attempt ${failures} of ${MAX_TRANSIENT_FAILURES}; retrying in 5 minutes`,
  });
}

/** After a successful cycle: healthy again, with an Information alert when it had been failing. */
export async function recordMailboxSuccess(
  record: MailboxRecord,
  started: Date,
  deps: PipelineDeps,
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
  if (recovering)
    await alert(deps, {
      mailboxId: record.mailboxId,
      level: 'Information',
      code: 'Recovered',
      message: 'sync works again',
    });
}
