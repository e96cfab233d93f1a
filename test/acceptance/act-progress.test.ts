// ACT makes durable progress across attempts: a job is one workload, and once a cycle's writes are done the
// Dataverse cursor moves, so a failure of the read past our own Exchange writes leaves only Exchange to read again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALICE_ID, ALICE_MAILBOX_ID } from '../../local/tenant/acceptance';
import { createStages } from '../../shared/pipeline/stages';
import { inbound, startPipeline } from '../support/pipeline';
import { actCycle, aliceTasks, dataverseCall } from '../support/act-cycle';
import { actTenant } from '../support/act-tenant';

const TODO_DELTA = /\/todo\/lists\/[^/]+\/tasks\/delta$/;

test('ACT makes durable progress: a failed Exchange read after the writes keeps the Dataverse cursor and the writes', async () => {
  let armed = false;
  let deltas = 0;
  const p = await startPipeline(
    actTenant(),
    {},
    {
      // The second To Do delta read of the armed cycle (the one past our own writes) answers 503.
      graphIntercept: (req) =>
        armed && TODO_DELTA.test(req.path) && ++deltas === 2 ? { status: 503, body: { error: {} } } : undefined,
    },
  );
  try {
    await actCycle(p);
    await dataverseCall(p, '/tasks', 'POST', {
      activityid: 'd0000000-0000-4000-8000-000000000031',
      subject: 'Book the room',
      scheduledend: '2025-01-20T09:00:00Z',
      'ownerid@odata.bind': `/systemusers(${ALICE_ID})`,
    });
    const cp = (key: string) => p.deps.checkpoints.get(ALICE_MAILBOX_ID, key);
    const dvBefore = (await cp('act-task-dataverse'))?.cursor;
    const exBefore = (await cp('act-task-exchange'))?.cursor;

    armed = true;
    const body = { kind: 'act', mailboxId: ALICE_MAILBOX_ID, trigger: 'admin', slot: 'p1', workload: 'task' };
    const sentBefore = p.sent.length;
    await createStages(p.deps).sync(inbound({ body, messageId: 'act-progress-1', sessionId: ALICE_MAILBOX_ID }));
    armed = false;
    assert.equal(deltas, 2, 'the read past our own writes was the one that failed');
    assert.equal(p.sent.length - sentBefore, 1, 'the job is scheduled again');
    assert.deepEqual(p.sent[sentBefore].message.body, body, 'the retry is the same one-workload job');
    assert.notEqual((await cp('act-task-dataverse'))?.cursor, dvBefore, 'the Dataverse cursor moved past the writes');
    assert.equal((await cp('act-task-exchange'))?.cursor, exBefore, 'the Exchange cursor did not');

    await actCycle(p);
    const titles = (await aliceTasks(p)).tasks.map((t) => t.title).sort();
    assert.deepEqual(titles, ['Book the room', 'Call Bob'], 'the task is in Exchange once, not created again');
  } finally {
    await p.stop();
  }
});
