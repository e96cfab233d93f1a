// Test & Enable in the schedule stage, over the in-memory ports: the request runs the test, the result is
// written and alerted, and incoming syncs only after its test succeeded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakePipeline, userMailbox } from '../../support/fakes';
import { runSchedule } from '../../../shared/pipeline/schedule';
import { permanent, transient } from '../../../shared/domain/errors';

const requested = (over = {}) =>
  userMailbox('mbx-a', 'a@contoso.com', 'user-a', {
    testRequested: true,
    incomingStatus: 0,
    outgoingDeliveryMethod: 2,
    actDeliveryMethod: 1,
    ...over,
  });

test('Test & Enable: success checks incoming, outgoing and ACT, writes Success, alerts, and the mailbox syncs', async () => {
  const p = fakePipeline({ mailboxes: [requested()] });
  const r = await runSchedule(p.deps);
  assert.deepEqual(
    p.graph.accessCalls.map((c) => c.check),
    ['incoming', 'outgoing', 'calendar', 'contacts', 'tasks'],
  );
  assert.deepEqual(
    p.dataverse.tests.map(({ completedOn: _, ...t }) => t),
    [{ mailboxId: 'mbx-a', incoming: 1, outgoing: 1, act: 1, overall: 1 }],
  );
  assert.deepEqual(r.enqueued, ['mbx-a']);
  assert.deepEqual(
    (await p.alerts.all()).map((a) => a.code),
    ['TestEnableSucceeded'],
  );
});

test('Test & Enable: no permission (Graph 403) fails the test with the reason, and incoming is not synced', async () => {
  const p = fakePipeline({ mailboxes: [requested()] });
  p.graph.failing.set('a@contoso.com', permanent('graph', 'Graph: 403', { status: 403, code: 'ErrorAccessDenied' }));
  const r = await runSchedule(p.deps);
  assert.equal(p.dataverse.tests[0]!.incoming, 2);
  assert.equal(p.dataverse.tests[0]!.overall, 2);
  assert.deepEqual(r.enqueued, []);
  assert.deepEqual(r.ineligible, [{ mailboxId: 'mbx-a', reason: 'IncomingNotTested' }]);
  const [alert] = await p.alerts.all();
  assert.equal(alert!.code, 'TestEnableFailed');
  assert.match(alert!.message, /no permission/);
});

test('Test & Enable: mailbox disabled: an inactive mailbox row fails without asking Graph', async () => {
  const p = fakePipeline({ mailboxes: [requested({ active: false })] });
  await runSchedule(p.deps);
  assert.equal(p.graph.accessCalls.length, 0);
  assert.equal(p.dataverse.tests[0]!.incoming, 2);
  assert.match((await p.alerts.all())[0]!.message, /mailbox disabled/);
});

test('Test & Enable: a throttled or transient check leaves the request for the next cycle and writes nothing', async () => {
  const p = fakePipeline({ mailboxes: [requested()] });
  p.graph.failing.set('a@contoso.com', transient('graph', 'Graph: 503', { status: 503 }));
  const r = await runSchedule(p.deps);
  assert.equal(p.dataverse.tests.length, 0);
  assert.deepEqual(await p.alerts.all(), []);
  assert.deepEqual(r.enqueued, []);
});

test('Test & Enable: a mailbox with a failed or not-run incoming test is not synced', async () => {
  const notRun = userMailbox('mbx-n', 'n@contoso.com', 'user-n', { incomingStatus: 0 });
  const failed = userMailbox('mbx-f', 'f@contoso.com', 'user-f', { incomingStatus: 2 });
  const passed = userMailbox('mbx-p', 'p@contoso.com', 'user-p', { incomingStatus: 1 });
  const p = fakePipeline({ mailboxes: [notRun, failed, passed] });
  const r = await runSchedule(p.deps);
  assert.deepEqual(r.enqueued, ['mbx-p']);
  assert.deepEqual(r.ineligible, [
    { mailboxId: 'mbx-n', reason: 'IncomingNotTested' },
    { mailboxId: 'mbx-f', reason: 'IncomingNotTested' },
  ]);
  assert.equal(p.graph.accessCalls.length, 0, 'no test runs without a request');
});

/** A mailbox this product disabled at 09:00 (incoming marked Failure), enabled again by an administrator at 09:30. */
function reenabledByAdmin() {
  const m = userMailbox('mbx-r', 'r@contoso.com', 'user-r', { incomingStatus: 2, modifiedon: '2025-01-10T09:30:00Z' });
  const record = {
    mailboxId: 'mbx-r',
    address: 'r@contoso.com',
    owner: m.owner,
    enabledForIncoming: true,
    health: { state: 'disabled' as const, consecutiveFailures: 1, disabledAt: '2025-01-10T09:00:00Z' },
  };
  return fakePipeline({ mailboxes: [m], registry: [record], now: '2025-01-10T10:00:00Z' });
}

test('Test & Enable: a mailbox we disabled and an administrator re-enabled passes its incoming check again before it syncs', async () => {
  const p = reenabledByAdmin();
  const r = await runSchedule(p.deps);
  assert.deepEqual(p.graph.accessCalls, [{ mailbox: 'r@contoso.com', check: 'incoming' }]);
  assert.deepEqual(
    p.dataverse.tests.map(({ completedOn: _, ...t }) => t),
    [{ mailboxId: 'mbx-r', incoming: 1, overall: 1 }],
  );
  assert.deepEqual(r.enqueued, ['mbx-r']);
  assert.deepEqual((await p.alerts.all()).map((a) => a.code).sort(), ['Reenabled', 'TestEnableSucceeded']);
  // Synced from now on without testing again.
  p.clock.advance(5 * 60_000);
  await runSchedule(p.deps);
  assert.equal(p.graph.accessCalls.length, 1);
});

test('Test & Enable: a re-enabled mailbox whose incoming check fails is disabled again, and tested once only', async () => {
  const p = reenabledByAdmin();
  p.graph.failing.set('r@contoso.com', permanent('graph', 'Graph: 403', { status: 403, code: 'ErrorAccessDenied' }));
  const r = await runSchedule(p.deps);
  assert.deepEqual(r.ineligible, [{ mailboxId: 'mbx-r', reason: 'MailboxDisabled' }]);
  assert.deepEqual(p.dataverse.disabled, ['mbx-r']);
  assert.deepEqual(
    (await p.alerts.all()).map((a) => a.code),
    ['TestEnableFailed'],
  );
  p.clock.advance(5 * 60_000);
  await runSchedule(p.deps);
  assert.equal(p.graph.accessCalls.length, 1, 'no new test until an administrator changes the mailbox again');
});
