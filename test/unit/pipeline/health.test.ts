// Issue point "Stages as a factory over their ports": mailbox health through the sync stage, over in-memory
// fakes of Graph, Dataverse and Table Storage (test/support/fakes), in milliseconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStages } from '../../../shared/pipeline/stages';
import { MAX_TRANSIENT_FAILURES, TRANSIENT_RETRY_MS } from '../../../shared/pipeline/health';
import { QUEUES } from '../../../shared/ports';
import { permanent, transient } from '../../../shared/domain/errors';
import { delivered, fakePipeline, healthyRecord, userMailbox } from '../../support/fakes';

const ALICE = userMailbox('mbx-alice', 'alice@contoso.com', 'user-alice');
const job = (slot: number) =>
  delivered({
    body: { kind: 'sync', mailboxId: ALICE.mailboxid, workload: 'email', trigger: 'schedule', slot: String(slot) },
    messageId: `${ALICE.mailboxid}:email:${slot}`,
    sessionId: ALICE.mailboxid,
  });

function setup() {
  const p = fakePipeline({ mailboxes: [ALICE], registry: [healthyRecord(ALICE)] });
  return { ...p, stages: createStages(p.deps) };
}

test('Stages over their ports: health disables incoming after the 10th transient Exchange failure in a row, not before', async () => {
  const { stages, graph, deps, dataverse, alerts, queue, clock } = setup();
  graph.failing.set(ALICE.address, transient('graph', 'Graph delta: 503', { status: 503 }));
  for (let n = 1; n < MAX_TRANSIENT_FAILURES; n++) {
    await stages.sync(job(n));
    const h = (await deps.mailboxes.get(ALICE.mailboxid))!.health;
    assert.equal(h.state, 'failing');
    assert.equal(h.consecutiveFailures, n);
    assert.equal(Date.parse(h.nextDueAt!), clock.now().getTime() + TRANSIENT_RETRY_MS, 'tried again 5 minutes later');
    clock.advance(TRANSIENT_RETRY_MS);
  }
  assert.deepEqual(dataverse.disabled, []);
  assert.equal(queue.accepted(QUEUES.syncJobs).length, 0, "the mailbox's health, not a message retry");

  await stages.sync(job(MAX_TRANSIENT_FAILURES));
  assert.deepEqual(dataverse.disabled, [ALICE.mailboxid]);
  assert.equal((await deps.mailboxes.get(ALICE.mailboxid))!.health.state, 'disabled');
  assert.deepEqual(
    alerts.alerts.map((a) => a.code),
    [...Array(MAX_TRANSIENT_FAILURES - 1).fill('TransientFailure'), 'MailboxDisabled'],
  );
});

test('Stages over their ports: health disables incoming at once after a permanent Exchange error', async () => {
  const { stages, graph, deps, dataverse, alerts } = setup();
  graph.failing.set(ALICE.address, permanent('graph', 'Graph delta: 403', { status: 403 }));
  await stages.sync(job(1));
  assert.deepEqual(dataverse.disabled, [ALICE.mailboxid]);
  assert.equal((await deps.mailboxes.get(ALICE.mailboxid))!.health.state, 'disabled');
  assert.deepEqual(
    alerts.alerts.map((a) => `${a.level} ${a.code}`),
    ['Error MailboxDisabled'],
  );
});

test('Stages over their ports: health is healthy again after a successful sync, with a Recovered alert', async () => {
  const { stages, graph, deps, alerts, clock } = setup();
  graph.failing.set(ALICE.address, transient('graph', 'Graph delta: 503', { status: 503 }));
  await stages.sync(job(1));
  await stages.sync(job(2));
  graph.failing.delete(ALICE.address);
  clock.advance(TRANSIENT_RETRY_MS);
  await stages.sync(job(3));
  const h = (await deps.mailboxes.get(ALICE.mailboxid))!.health;
  assert.equal(h.state, 'healthy');
  assert.equal(h.consecutiveFailures, 0);
  assert.deepEqual(
    alerts.alerts.map((a) => a.code),
    ['TransientFailure', 'TransientFailure', 'Recovered'],
  );
});
