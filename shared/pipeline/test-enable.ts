// Test & Enable of one mailbox, run by the schedule stage when an administrator requested it (the mailbox's
// `testemailconfigurationscheduled`): each workload synced by server-side sync is checked through Graph, the
// status columns are written, the request is cleared, and an alert says the outcome and, on failure, why.
import type { AccessCheck, DvMailbox } from '../ports';
import type { PipelineDeps } from './deps';
import { ALERTS } from '../domain/alerts';
import {
  TEST_STATUS,
  checksFor,
  classifyTestFailure,
  overallStatus,
  testDue,
  testRetry,
  type TestCheck,
  type TestFailure,
  type TestOutcome,
} from '../domain/test-enable';
import { raiseAlert } from './alerts';

/** The Graph checks behind each workload: appointments, contacts and tasks each need their own read. */
const ACCESS: Record<TestCheck, AccessCheck[]> = {
  incoming: ['incoming'],
  outgoing: ['outgoing'],
  act: ['calendar', 'contacts', 'tasks'],
};

/**
 * Runs the test and records it; undefined when Graph asked for a retry (throttled or transient): the request
 * stays set, the try is counted and the test runs again once its postponement is over (undefined until then).
 * `only` limits the test to some workloads (a re-enabled mailbox).
 */
export async function runTestEnable(
  deps: PipelineDeps,
  m: DvMailbox,
  only?: TestCheck[],
): Promise<TestOutcome | undefined> {
  if (!testDue(m.testPostponedUntil, deps.clock.now())) return undefined;
  const checks = checksFor(m).filter((c) => !only || only.includes(c));
  const outcome: TestOutcome = { incoming: 0, outgoing: 0, act: 0 };
  for (const check of checks) {
    const failure = m.active ? await checkWorkload(deps, m.address, check) : disabledRow();
    if (failure === 'retry') {
      const retry = testRetry(m.testRetryCount, deps.clock.now());
      await deps.dataverse.postponeMailboxTest(m.mailboxid, retry);
      deps.log.info('testenable.postponed', { mailboxId: m.mailboxid, tries: retry.count, until: retry.until });
      return undefined;
    }
    outcome[check] = failure ? TEST_STATUS.failure : TEST_STATUS.success;
    if (failure && !outcome.failure) outcome.failure = { ...failure, check };
  }
  const tested = only ?? (['incoming', 'outgoing', 'act'] as const);
  await deps.dataverse.recordMailboxTest(m.mailboxid, {
    ...Object.fromEntries(tested.map((c) => [c, outcome[c]])),
    overall: overallStatus(outcome),
    completedOn: deps.clock.now().toISOString(),
  });
  const f = outcome.failure;
  await raiseAlert(
    deps,
    m.mailboxid,
    f ? ALERTS.testEnableFailed(f.check, f.reason, f.what) : ALERTS.testEnableSucceeded(checks.join(', ') || 'none'),
  );
  deps.log.info('testenable.done', { mailboxId: m.mailboxid, result: f ? f.reason : 'Success' });
  return outcome;
}

/** The mailbox row is inactive (its user deactivated): the test fails without asking Graph, as in Dynamics 365. */
const disabledRow = (): TestFailure => ({ reason: 'MailboxDisabled', what: 'dataverse mailbox inactive' });

async function checkWorkload(
  deps: PipelineDeps,
  address: string,
  check: TestCheck,
): Promise<TestFailure | 'retry' | undefined> {
  for (const access of ACCESS[check]) {
    try {
      await deps.graph.checkAccess(address, access);
    } catch (e) {
      return classifyTestFailure(e) ?? 'retry';
    }
  }
  return undefined;
}
