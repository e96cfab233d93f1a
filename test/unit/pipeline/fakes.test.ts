// Issue point "Stages as a factory over their ports": the in-memory fakes the stage tests run on keep the
// promises of the ports they stand in for, so a stage that passes on them relies only on those promises.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QUEUES } from '../../../shared/ports';
import { isKind } from '../../../shared/domain/errors';
import { fakePipeline } from '../../support/fakes';

test('Stages over their ports: the checkpoint fake saves with an ETag check, insert-only without one', async () => {
  const { checkpoints } = fakePipeline();
  const first = await checkpoints.save({ mailboxId: 'm', folder: 'inbox', rounds: 0 });
  await assert.rejects(checkpoints.save({ mailboxId: 'm', folder: 'inbox', rounds: 0 }), (e) => isKind(e, 'conflict'));
  const second = await checkpoints.save({ ...first, rounds: 1 });
  assert.notEqual(second.etag, first.etag);
  await assert.rejects(checkpoints.save({ ...first, rounds: 2 }), (e) => isKind(e, 'conflict'), 'a stale ETag');
  assert.equal((await checkpoints.get('m', 'inbox'))!.rounds, 1);
});

test('Stages over their ports: the queue fake drops a duplicate id within the window, and needs a session on sync-jobs', async () => {
  const { queue, clock } = fakePipeline();
  const m = { body: { n: 1 }, messageId: 'a', sessionId: 's' };
  await queue.send(QUEUES.syncJobs, [m, m]);
  clock.advance(9 * 60_000);
  await queue.send(QUEUES.syncJobs, [m]);
  assert.equal(queue.accepted(QUEUES.syncJobs).length, 1);
  clock.advance(2 * 60_000);
  await queue.send(QUEUES.syncJobs, [m]);
  assert.equal(queue.accepted(QUEUES.syncJobs).length, 2, 'after the window the id is new again');
  await assert.rejects(queue.send(QUEUES.syncJobs, [{ body: {}, messageId: 'b' }]), /sessionId/);
  m.body.n = 2;
  assert.deepEqual(queue.accepted(QUEUES.syncJobs)[0]!.body, { n: 1 }, 'the body travelled as JSON');
});

test('Stages over their ports: the Graph fake pages a round, follows the deltaLink, and refuses an expired one', async () => {
  const { graph } = fakePipeline();
  for (let i = 0; i < 12; i++) graph.deliver('a@x.y', 'inbox', { id: `g${i}` });
  const p1 = await graph.messagesDelta('a@x.y', 'inbox', undefined);
  const p2 = await graph.messagesDelta('a@x.y', 'inbox', p1.nextLink);
  assert.deepEqual([p1.value.length, p2.value.length, !!p2.deltaLink], [10, 2, true]);
  graph.deliver('a@x.y', 'inbox', { id: 'g12' });
  graph.deliver('a@x.y', 'inbox', { id: 'g3', '@removed': { reason: 'deleted' } });
  const p3 = await graph.messagesDelta('a@x.y', 'inbox', p2.deltaLink);
  assert.deepEqual(
    p3.value.map((v) => v.id),
    ['g12', 'g3'],
  );
  graph.expireDeltaState();
  await assert.rejects(graph.messagesDelta('a@x.y', 'inbox', p3.deltaLink), (e) => isKind(e, 'sync-state-expired'));
  const fresh = await graph.messagesDelta('a@x.y', 'inbox', undefined);
  assert.ok(!fresh.value.some((v) => v.id === 'g3'), 'a new round leaves out what was removed');
});

test('Stages over their ports: the Dataverse fake creates an email once, and answers waiting for a missing target', async () => {
  const { dataverse } = fakePipeline();
  const email = {
    activityid: 'a1',
    subject: 's',
    description: '',
    directioncode: false,
    statuscode: 4 as const,
    messageid: '<m1@x.y>',
    actualend: '2025-01-10T09:00:00.000Z',
    receivingMailboxId: 'mbx-1',
    parties: [],
  };
  assert.equal((await dataverse.createEmails([email]))[0]!.status, 'created');
  assert.deepEqual(await dataverse.createEmails([{ ...email, receivingMailboxId: 'mbx-2' }]), [
    { activityid: 'a1', status: 'exists', existingReceivingMailboxId: 'mbx-1' },
  ]);
  const reply = { ...email, activityid: 'a2', correlatedActivityId: 'a9' };
  assert.equal((await dataverse.createEmails([reply]))[0]!.status, 'waiting');
  const found = await dataverse.lookup({ messageIds: ['<M1@x.y>'], trackingTokens: [], addresses: [] });
  assert.deepEqual(
    [...found.emails.values()].flat().map((e) => e.activityid),
    ['a1'],
  );
});
