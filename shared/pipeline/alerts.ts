// Raising a mailbox alert: kept in the alerts table (newest first per mailbox, in the state dump), said in
// the log at the alert's level, and written on the mailbox in Dataverse where administrators look. The
// alert values themselves come from the domain (ALERTS).
import type { Alert } from '../domain/alerts';
import type { DataversePort, Log } from '../ports';
import type { PipelineDeps } from './deps';

/** Says the alert in the log only: for alerts a stage meets on every run, which the table would repeat. */
export function logAlert(log: Log, mailboxId: string, a: Alert): void {
  const say = a.level === 'Error' ? log.error : a.level === 'Warning' ? log.warn : log.info;
  say('mailbox.alert', { mailboxId, level: a.level, code: a.code, alert: a.message });
}

/**
 * Records the alert for the mailbox, says it in the log, then writes it on the mailbox in Dataverse when the
 * organization generates alerts of its level (the System Settings switches; the operators' table keeps every
 * level). The Dataverse copy is best effort: the alerts table is the record, so a refused write is said in the
 * log and never fails the stage; the next raise of the same code writes the row again (it folds by code).
 */
export async function raiseAlert(
  deps: Pick<PipelineDeps, 'alerts' | 'clock' | 'log'> & {
    dataverse?: Pick<DataversePort, 'recordMailboxAlert'> & Partial<Pick<DataversePort, 'loadOrgContext'>>;
  },
  mailboxId: string,
  a: Alert,
): Promise<void> {
  const alert = { mailboxId, ...a, at: deps.clock.now().toISOString() };
  await deps.alerts.record(alert);
  logAlert(deps.log, mailboxId, a);
  const dv = deps.dataverse;
  try {
    const levels = (await dv?.loadOrgContext?.())?.org.alertLevels;
    if (!levels || levels[a.level]) await dv?.recordMailboxAlert?.(alert);
  } catch (e) {
    deps.log.warn('mailbox.alert.dataverse-unwritten', {
      mailboxId,
      code: a.code,
      error: e instanceof Error ? e.message : String(e),
    });
  }
}
