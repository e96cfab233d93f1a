// Status page sources over in-memory fakes of the stores (unit tests): two mailboxes, a few decisions, an alert
// and a dead letter, with hostile text where an attacker could put it (an address, an error, a dead letter's
// description).
import type { Decision } from '../../shared/domain/activity';
import type { MailboxRecord } from '../../shared/ports';
import type { DeadLetterRow, StatusSources } from '../../shared/pipeline/status';
import { fakeAlerts, fakeLedger, fakeMailboxes } from './fakes/tables';
import { fakeClock } from './fakes/clock';

export const HOSTILE = '<script>alert(1)</script>';
export const NOW = '2025-01-10T10:30:00Z';

export function mailboxRecord(
  id: string,
  address: string,
  health: Partial<MailboxRecord['health']> = {},
): MailboxRecord {
  return {
    mailboxId: id,
    address,
    owner: { type: 'systemuser', id: `owner-${id}` },
    enabledForIncoming: true,
    health: { state: 'healthy', consecutiveFailures: 0, ...health },
  };
}

export function decision(
  mailboxId: string,
  graphId: string,
  reason: Decision['reason'],
  decidedAt: string,
  extra: Partial<Decision> = {},
): Decision {
  return {
    mailboxId,
    mailbox: `${mailboxId}@contoso.com`,
    workload: 'email',
    folder: 'inbox',
    internetMessageId: `<${graphId}@fabrikam.com>`,
    messageKey: `${graphId}@fabrikam.com`,
    graphId,
    outcome: reason === 'AcceptAll' ? 'promoted' : 'skipped',
    reason,
    correlationMethod: 'None',
    decidedAt,
    ...extra,
  };
}

export async function statusSources(o: {
  showPersonal: boolean;
  deadLetters?: DeadLetterRow[];
}): Promise<StatusSources> {
  const mailboxes = fakeMailboxes([
    mailboxRecord('mbx-a', 'alice@contoso.com', {
      lastSyncCompletedAt: '2025-01-10T10:00:00Z',
      nextDueAt: '2025-01-10T10:05:00Z',
    }),
    mailboxRecord('mbx-b', `${HOSTILE}@contoso.com`, {
      state: 'failing',
      consecutiveFailures: 2,
      lastError: `Graph 503 for bob@contoso.com ${HOSTILE}`,
    }),
  ]);
  const ledger = fakeLedger();
  await ledger.record([
    decision('mbx-a', 'm1', 'AcceptAll', '2025-01-10T10:01:00Z', {
      evaluation: JSON.stringify({
        parties: [{ role: 'from', address: 'bob@fabrikam.com', resolved: [] }],
        filters: [],
      }),
    }),
    decision('mbx-a', 'm2', 'NoCorrelationMatch', '2025-01-10T09:10:00Z'),
    decision('mbx-b', 'm3', 'AcceptAll', '2025-01-10T10:02:00Z'),
    decision('mbx-b', 'm4', 'AcceptAll', '2025-01-08T10:02:00Z'),
  ]);
  const alerts = fakeAlerts();
  await alerts.record({
    mailboxId: 'mbx-b',
    level: 'Warning',
    code: 'TransientFailure',
    message: 'x',
    at: '2025-01-10T10:03:00Z',
  });
  return {
    mailboxes,
    ledger,
    alerts,
    clock: fakeClock(NOW),
    showPersonal: o.showPersonal,
    deadLetters: async () =>
      o.deadLetters ?? [
        {
          queue: 'activity-writes',
          messageId: `w-1${HOSTILE}`,
          reason: 'WriteFailed',
          description: `refused for carol@contoso.com "${HOSTILE}`,
          deadLetteredAt: '2025-01-10T10:04:00Z',
          mailboxId: 'mbx-a',
        },
      ],
  };
}
