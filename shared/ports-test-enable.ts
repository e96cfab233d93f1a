// What Test & Enable reads and writes on the mailbox row, beside shared/ports.ts: the result of a test and the
// bookkeeping of its retries (mailbox entity reference,
// learn.microsoft.com/power-apps/developer/data-platform/reference/entities/mailbox).
import type { TestStatus } from './domain/test-enable';

/** What Test & Enable writes on the mailbox row; the retry bookkeeping is reset with it. */
export interface MailboxTestResult {
  /** Only the workloads tested are written (a re-enabled mailbox retests incoming alone). */
  incoming?: TestStatus;
  outgoing?: TestStatus;
  act?: TestStatus;
  overall: TestStatus;
  completedOn: string;
}
/** A requested test that Graph asked to retry: counted, and not run again before `until`. */
export interface MailboxTestRetry {
  /** `testemailconfigurationretrycount`: the tries so far. */
  count: number;
  /** `postponetestemailconfigurationuntil`. */
  until: string;
}
/** The retry bookkeeping as read from the mailbox row. */
export interface TestRetryColumns {
  testRetryCount?: number;
  testPostponedUntil?: string;
}
