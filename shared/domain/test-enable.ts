// Test & Enable, as Dynamics 365 runs it on a mailbox's request: which checks apply, the status columns they
// write (0 Not Run, 1 Success, 2 Failure) and why a check failed, read from the answer Graph gave.
import { isExsyncError, isKind } from './errors';

/** The three workloads a test covers: incoming mail, outgoing mail, appointments/contacts/tasks. */
export type TestCheck = 'incoming' | 'outgoing' | 'act';
export type TestStatus = 0 | 1 | 2;
export const TEST_STATUS = { notRun: 0, success: 1, failure: 2 } as const;

/** Why a check failed, in the words an administrator acts on. */
export type TestFailureReason = 'UnknownAddress' | 'NoPermission' | 'MailboxDisabled' | 'NoExchangeLicence' | 'Other';

export interface TestFailure {
  reason: TestFailureReason;
  /** The outside system's answer in short (status and code), never an address. */
  what: string;
}

/** What the mailbox row says: the delivery methods decide which checks run (the rest stay Not Run). */
export interface MailboxToTest {
  incomingDeliveryMethod: number;
  outgoingDeliveryMethod?: number;
  actDeliveryMethod?: number;
}

/** Server-side synchronization is 2 for incoming and outgoing, and 1 for appointments, contacts and tasks. */
export function checksFor(m: MailboxToTest): TestCheck[] {
  const out: TestCheck[] = [];
  if (m.incomingDeliveryMethod === 2) out.push('incoming');
  if (m.outgoingDeliveryMethod === 2) out.push('outgoing');
  if (m.actDeliveryMethod === 1) out.push('act');
  return out;
}

const UNKNOWN_USER = /^(ErrorInvalidUser|ResourceNotFound|Request_ResourceNotFound|ErrorNonExistentMailbox)$/i;
const NO_REST_MAILBOX = /^(MailboxNotEnabledForRESTAPI|MailboxNotSupportedForRESTAPI)$/i;
const DISABLED = /^(ErrorAccountDisabled)$/i;

/**
 * Graph's answer to a check as a reason, by status and code (never the message): an unknown user is 404
 * ErrorInvalidUser or ResourceNotFound; a mailbox without an Exchange Online licence (or inactive) is
 * MailboxNotEnabledForRESTAPI; a disabled account ErrorAccountDisabled; 401/403 (ErrorAccessDenied, also
 * what an application access policy or RBAC scope answers) is no permission. Undefined when worth a retry.
 */
export function classifyTestFailure(e: unknown): TestFailure | undefined {
  if (isKind(e, 'transient', 'throttled')) return undefined;
  if (!isExsyncError(e)) return { reason: 'Other', what: 'unexpected failure' };
  const code = e.code ?? '';
  const what = `${e.system} ${e.status ?? ''} ${code}`.replace(/\s+/g, ' ').trim();
  if (DISABLED.test(code)) return { reason: 'MailboxDisabled', what };
  if (NO_REST_MAILBOX.test(code)) return { reason: 'NoExchangeLicence', what };
  if (e.status === 404 && UNKNOWN_USER.test(code)) return { reason: 'UnknownAddress', what };
  if (e.status === 401 || e.status === 403) return { reason: 'NoPermission', what };
  return { reason: 'Other', what };
}

export interface TestOutcome {
  incoming: TestStatus;
  outgoing: TestStatus;
  act: TestStatus;
  /** The first failure, when one check failed. */
  failure?: TestFailure & { check: TestCheck };
}

/** The mailbox's overall status: Failure when a check failed, Success when one ran and none failed. */
export function overallStatus(o: TestOutcome): TestStatus {
  const all = [o.incoming, o.outgoing, o.act];
  if (all.includes(TEST_STATUS.failure)) return TEST_STATUS.failure;
  return all.includes(TEST_STATUS.success) ? TEST_STATUS.success : TEST_STATUS.notRun;
}

/**
 * Minutes between tries of a requested test that Graph asked to retry (throttled or transient): SSS retries a
 * transient error 5 minutes apart (learn.microsoft.com/power-platform/admin/troubleshooting-monitoring-server-based-synchronization).
 */
export const TEST_RETRY_MINUTES = 5;

/** A requested test runs unless its last retry put the next try later (`postponetestemailconfigurationuntil`). */
export function testDue(postponedUntil: string | undefined, now: Date): boolean {
  return !postponedUntil || !(Date.parse(postponedUntil) > now.getTime());
}

/** The retry bookkeeping after one more try Graph asked to retry: counted, the next not before the interval. */
export function testRetry(count: number | undefined, now: Date): { count: number; until: string } {
  return { count: (count ?? 0) + 1, until: new Date(now.getTime() + TEST_RETRY_MINUTES * 60_000).toISOString() };
}
