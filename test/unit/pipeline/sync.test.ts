// Issue point "Stages as a factory over their ports": the sync stage over in-memory fakes of Graph,
// Dataverse, Table Storage and the queue (test/support/fakes), in milliseconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStages } from '../../../shared/pipeline/stages';
import { QUEUES, type GraphJson } from '../../../shared/ports';
import { isKind, transient } from '../../../shared/domain/errors';
import type { WriteBatch } from '../../../shared/domain/jobs';
import { delivered, fakePipeline, healthyRecord, userMailbox } from '../../support/fakes';

const ALICE = userMailbox('mbx-alice', 'alice@contoso.com', 'user-alice');
const job = (slot = '1') =>
  delivered({
    body: { kind: 'sync', mailboxId: ALICE.mailboxid, workload: 'email', trigger: 'schedule', slot },
    messageId: `${ALICE.mailboxid}:email:${slot}`,
    sessionId: ALICE.mailboxid,
  });
const message = (n: number): GraphJson => ({
  id: `g${n}`,
  internetMessageId: `<m${n}@fabrikam.com>`,
  subject: `Quote ${n}`,
  from: { emailAddress: { address: 'bob@fabrikam.com' } },
  toRecipients: [{ emailAddress: { address: ALICE.address } }],
  receivedDateTime: '2025-01-10T09:00:00Z',
  sentDateTime: '2025-01-10T08:59:00Z',
  body: { contentType: 'text', content: 'hello' },
  internetMessageHeaders: [],
});

function setup() {
  const p = fakePipeline({ mailboxes: [ALICE], registry: [healthyRecord(ALICE)] });
  return { ...p, stages: createStages(p.deps) };
}

test('Stages over their ports: sync sends a write batch for a new message, and moves the checkpoint only once the batch is in the queue', async () => {
  const { stages, graph, queue, checkpoints, deps } = setup();
  graph.deliver(ALICE.address, 'inbox', message(1));
  const sentAtSave: number[] = [];
  const save = checkpoints.save.bind(checkpoints);
  deps.checkpoints.save = async (cp) => {
    sentAtSave.push(queue.accepted(QUEUES.activityWrites).length);
    return save(cp);
  };

  await stages.sync(job());

  const writes = queue.accepted(QUEUES.activityWrites);
  assert.equal(writes.length, 1);
  const batch = writes[0]!.body as WriteBatch;
  assert.equal(batch.kind, 'write');
  assert.equal(batch.mailboxId, ALICE.mailboxid);
  assert.equal(writes[0]!.messageId, batch.batchId, 'the batch id is the duplicate-detection key');
  assert.deepEqual(
    batch.entries.map((e) => e.decision.graphId),
    ['g1'],
  );
  assert.deepEqual(sentAtSave, [1], 'the checkpoint was saved after the batch was sent');
  const cp = await checkpoints.get(ALICE.mailboxid, 'inbox');
  assert.equal(cp?.cursorKind, 'delta');
  assert.equal(cp?.rounds, 1);
  const health = (await deps.mailboxes.get(ALICE.mailboxid))!.health;
  assert.equal(health.state, 'healthy');
  assert.equal(health.lastSyncCompletedAt, '2025-01-10T10:00:00.000Z');
});

test('Stages over their ports: sync keeps the checkpoint when the write batch cannot be sent, and the next job reads the page again', async () => {
  const { stages, graph, queue, checkpoints } = setup();
  graph.deliver(ALICE.address, 'inbox', message(1));
  queue.failSends = transient('servicebus', 'send to activity-writes: namespace unreachable');

  // The retry cannot be sent either: the error goes up, the message is abandoned and delivered again.
  await assert.rejects(stages.sync(job()), (e) => isKind(e, 'transient'));
  assert.equal(checkpoints.saved.length, 0);
  assert.equal(await checkpoints.get(ALICE.mailboxid, 'inbox'), undefined);

  queue.failSends = undefined;
  await stages.sync(job());
  assert.deepEqual(
    graph.deltaCalls.map((c) => c.cursor),
    [undefined, undefined],
    'the page is read again from where the checkpoint stood',
  );
  assert.deepEqual(
    queue.accepted(QUEUES.activityWrites).flatMap((m) => (m.body as WriteBatch).entries.map((e) => e.decision.graphId)),
    ['g1'],
  );
  assert.equal((await checkpoints.get(ALICE.mailboxid, 'inbox'))?.cursorKind, 'delta');
});

test('Stages over their ports: the next sync reads from the stored deltaLink and sends only what arrived since', async () => {
  const { stages, graph, queue } = setup();
  graph.deliver(ALICE.address, 'inbox', message(1));
  await stages.sync(job('1'));
  graph.deliver(ALICE.address, 'inbox', message(2));
  await stages.sync(job('2'));

  assert.match(graph.deltaCalls[1]!.cursor ?? '', /\/delta\//, 'the second job follows the deltaLink');
  assert.deepEqual(
    queue.accepted(QUEUES.activityWrites).map((m) => (m.body as WriteBatch).entries.map((e) => e.decision.graphId)),
    [['g1'], ['g2']],
  );
});

test('Stages over their ports: sync refuses a body that is not a sync job as poison, reading nothing', async () => {
  const { stages, graph } = setup();
  await assert.rejects(
    stages.sync({ body: { kind: 'sync', mailboxId: 42 }, deliveryCount: 1 }),
    /PoisonMessage|mailboxId/,
  );
  assert.equal(graph.deltaCalls.length, 0);
});

test('Stages over their ports: sync stops when another worker moved the checkpoint meanwhile, leaving its checkpoint as it is', async () => {
  const { stages, graph, checkpoints, deps, log } = setup();
  graph.deliver(ALICE.address, 'inbox', message(1));
  const get = checkpoints.get.bind(checkpoints);
  deps.checkpoints.get = async (mailboxId, folder) => {
    const mine = await get(mailboxId, folder);
    // Another worker saves first, between this job's read and its save.
    await checkpoints.save({ mailboxId, folder, rounds: 7, cursor: 'theirs' });
    return mine;
  };
  await stages.sync(job());
  assert.deepEqual(log.names('warn'), ['sync.checkpoint-conflict']);
  const cp = await get(ALICE.mailboxid, 'inbox');
  assert.equal(cp?.cursor, 'theirs');
  assert.equal(cp?.rounds, 7);
  assert.equal(
    (await deps.mailboxes.get(ALICE.mailboxid))!.health.lastSyncCompletedAt,
    undefined,
    'not a completed sync',
  );
});

test('Stages over their ports: when the delta state expired, sync starts the folder over and passes over what was decided', async () => {
  const { stages, graph, queue, log } = setup();
  graph.deliver(ALICE.address, 'inbox', message(1));
  await stages.sync(job('1'));
  await stages.write(delivered(queue.accepted(QUEUES.activityWrites)[0]!));

  graph.expireDeltaState();
  graph.deliver(ALICE.address, 'inbox', message(2));
  await stages.sync(job('2'));
  assert.ok(log.names('warn').includes('sync.resync'));
  assert.equal(graph.deltaCalls.at(-1)!.cursor, undefined, 'a round from the start');
  assert.deepEqual(
    queue.accepted(QUEUES.activityWrites).map((m) => (m.body as WriteBatch).entries.map((e) => e.decision.graphId)),
    [['g1'], ['g2']],
    'g1 was decided before: not decided again',
  );
});
