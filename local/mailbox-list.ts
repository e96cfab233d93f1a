// `exsync mailbox list`: the mailbox registry with each mailbox's health, last and next sync, from the local data
// directory or a deployment (local/target.ts). Addresses are shown for the local data directory, and for a
// deployment only when LOG_PERSONAL_DATA is true (as the terminal summary does); the mailbox id always.
import type { MailboxRecord } from '../shared/ports';
import type { Target } from './target';

export interface MailboxListRow {
  mailboxId: string;
  address?: string;
  health: MailboxRecord['health']['state'];
  consecutiveFailures: number;
  enabledForIncoming: boolean;
  lastSyncCompletedAt?: string;
  nextDueAt?: string;
  lastError?: string;
}

export async function listMailboxes(target: Target): Promise<MailboxListRow[]> {
  const showAddresses = target.kind === 'local' || target.settings.logPersonalData;
  return (await target.tables.mailboxes.list())
    .map((m) => ({
      mailboxId: m.mailboxId,
      ...(showAddresses && m.address ? { address: m.address } : {}),
      health: m.health.state,
      consecutiveFailures: m.health.consecutiveFailures,
      enabledForIncoming: m.enabledForIncoming,
      ...(m.health.lastSyncCompletedAt ? { lastSyncCompletedAt: m.health.lastSyncCompletedAt } : {}),
      ...(m.health.nextDueAt ? { nextDueAt: m.health.nextDueAt } : {}),
      ...(m.health.lastError ? { lastError: m.health.lastError } : {}),
    }))
    .sort((a, b) => (a.address ?? a.mailboxId).localeCompare(b.address ?? b.mailboxId));
}

export function formatMailboxes(rows: MailboxListRow[]): string {
  if (rows.length === 0) return 'No mailbox has been scheduled yet.';
  const name = (r: MailboxListRow) => r.address ?? r.mailboxId;
  const width = Math.max(...rows.map((r) => name(r).length));
  return [
    `${rows.length} mailbox(es):`,
    ...rows.map(
      (r) =>
        `  ${name(r).padEnd(width)}  ${r.health.padEnd(8)}  last sync ${r.lastSyncCompletedAt ?? '-'}  next ${r.nextDueAt ?? '-'}${r.consecutiveFailures ? `  ${r.consecutiveFailures} failure(s) in a row` : ''}${r.lastError ? `\n      ${r.lastError}` : ''}`,
    ),
  ].join('\n');
}
