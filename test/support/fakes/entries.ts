// Write-batch entries as the sync stage sends them: one promoted email of a mailbox, or a skipped item,
// numbered so a test can name the email (`act-<n>`) and its Message-ID (`<m<n>@fabrikam.com>`).
import type { EmailActivity } from '../../../shared/domain/activity';
import type { WriteBatch, WriteEntry } from '../../../shared/domain/jobs';
import type { DvMailbox } from '../../../shared/ports';

function decisionOf(mb: DvMailbox, n: number) {
  return {
    mailboxId: mb.mailboxid,
    mailbox: mb.address,
    workload: 'email' as const,
    folder: 'inbox' as const,
    internetMessageId: `<m${n}@fabrikam.com>`,
    messageKey: `m${n}@fabrikam.com`,
    graphId: `g${n}`,
    correlationMethod: 'None' as const,
    decidedAt: '2025-01-10T10:00:00.000Z',
  };
}

/** Email n promoted in `mb`'s Inbox, with its row; `over` changes the row. */
export function promotedEntry(mb: DvMailbox, n: number, over: Partial<EmailActivity> = {}): WriteEntry {
  return {
    decision: { ...decisionOf(mb, n), outcome: 'promoted', reason: 'AcceptAll', activityid: `act-${n}` },
    activity: {
      activityid: `act-${n}`,
      subject: `Quote ${n}`,
      description: 'hello',
      directioncode: false,
      statuscode: 4,
      messageid: `<m${n}@fabrikam.com>`,
      actualend: '2025-01-10T09:00:00.000Z',
      receivingMailboxId: mb.mailboxid,
      parties: [{ mask: 1, addressused: 'bob@fabrikam.com' }],
      ...over,
    },
  };
}

/** Item n skipped in `mb`'s Inbox (no row to write). */
export function skippedEntry(mb: DvMailbox, n: number): WriteEntry {
  return { decision: { ...decisionOf(mb, n), outcome: 'skipped', reason: 'NoCorrelationMatch' } };
}

/** A write batch of `mb` holding `entries`. */
export const writeBatchOf = (mb: DvMailbox, entries: WriteEntry[], batchId = 'b1'): WriteBatch => ({
  kind: 'write',
  mailboxId: mb.mailboxid,
  workload: 'email',
  batchId,
  entries,
});
