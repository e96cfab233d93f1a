// Test & Enable's result on the mailbox row: the status columns as Dynamics 365 keeps them (0 Not Run,
// 1 Success, 2 Failure), when the test completed, the request cleared and its retry bookkeeping reset; or a
// retry counted and postponed (mailbox entity reference,
// learn.microsoft.com/power-apps/developer/data-platform/reference/entities/mailbox).
import type { MailboxTestResult, MailboxTestRetry } from '../../ports-test-enable';
import type { WebApi } from './http';
import { translateBatchPart } from './errors';

export async function recordMailboxTest(api: WebApi, mailboxId: string, r: MailboxTestResult): Promise<void> {
  const [res] = await api.batch([
    {
      request: {
        method: 'PATCH',
        url: `/mailboxes(${mailboxId})`,
        headers: { 'If-Match': '*' },
        body: {
          ...(r.incoming !== undefined ? { incomingemailstatus: r.incoming } : {}),
          ...(r.outgoing !== undefined ? { outgoingemailstatus: r.outgoing } : {}),
          ...(r.act !== undefined ? { actstatus: r.act } : {}),
          mailboxstatus: r.overall,
          testmailboxaccesscompletedon: r.completedOn,
          testemailconfigurationscheduled: false,
          testemailconfigurationretrycount: 0,
          postponetestemailconfigurationuntil: null,
        },
      },
    },
  ]);
  if (!res?.ok)
    throw translateBatchPart('could not record the Test & Enable result', res?.parts[0], api.now?.() ?? new Date());
}

/** The request stays set: the try is counted and the next one waits until `until`. */
export async function postponeMailboxTest(api: WebApi, mailboxId: string, r: MailboxTestRetry): Promise<void> {
  const body = { testemailconfigurationretrycount: r.count, postponetestemailconfigurationuntil: r.until };
  const [res] = await api.batch([
    { request: { method: 'PATCH', url: `/mailboxes(${mailboxId})`, headers: { 'If-Match': '*' }, body } },
  ]);
  if (!res?.ok)
    throw translateBatchPart('could not postpone the Test & Enable retry', res?.parts[0], api.now?.() ?? new Date());
}
