// Raising a mailbox alert: kept in the alerts table (newest first per mailbox, in the state dump) and said
// in the log at the alert's level. The alert values themselves come from the domain (ALERTS).
import type { Alert } from '../domain/alerts';
import type { Log } from '../ports';
import type { PipelineDeps } from './deps';

/** Says the alert in the log only: for alerts a stage meets on every run, which the table would repeat. */
export function logAlert(log: Log, mailboxId: string, a: Alert): void {
  const say = a.level === 'Error' ? log.error : a.level === 'Warning' ? log.warn : log.info;
  say('mailbox.alert', { mailboxId, level: a.level, code: a.code, alert: a.message });
}

/** Records the alert for the mailbox and says it in the log. */
export async function raiseAlert(
  deps: Pick<PipelineDeps, 'alerts' | 'clock' | 'log'>,
  mailboxId: string,
  a: Alert,
): Promise<void> {
  await deps.alerts.record({ mailboxId, ...a, at: deps.clock.now().toISOString() });
  logAlert(deps.log, mailboxId, a);
}
