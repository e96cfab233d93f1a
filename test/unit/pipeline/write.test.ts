// Issue point "Stages as a factory over their ports": the write stage over in-memory fakes of Dataverse,
// Table Storage and the queue (test/support/fakes), in milliseconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStages } from '../../../shared/pipeline/stages';
import { MAX_DEFERRALS } from '../../../shared/pipeline/write';
import { QUEUES } from '../../../shared/ports';
import type { WriteBatch, WriteEntry } from '../../../shared/domain/jobs';
import { delivered, fakePipeline, promotedEntry, userMailbox, writeBatchOf } from '../../support/fakes';

const ALICE = userMailbox('mbx-alice', 'alice@contoso.com', 'user-alice');

const promoted = (n: number, over: { correlatedActivityId?: string } = {}) => promotedEntry(ALICE, n, over);
const batch = (entries: WriteEntry[], batchId = 'b1') => writeBatchOf(ALICE, entries, batchId);
const message = (b: WriteBatch) => delivered({ body: b, messageId: b.batchId });

function setup() {
  const p = fakePipeline({ mailboxes: [ALICE] });
  return { ...p, stages: createStages(p.deps) };
}

test('Stages over their ports: write creates the emails and records each decision as created', async () => {
  const { stages, dataverse, deps } = setup();
  await stages.write(message(batch([promoted(1), promoted(2)])));
  assert.deepEqual([...dataverse.emails.keys()], ['act-1', 'act-2']);
  const decisions = await deps.ledger.forMailbox(ALICE.mailboxid);
  assert.deepEqual(
    decisions.map((d) => `${d.graphId} ${d.outcome} ${d.reason}`),
    ['g1 promoted AcceptAll', 'g2 promoted AcceptAll'],
  );
});

test('Stages over their ports: write settles a row that is ours already as promoted, and one another mailbox created as a duplicate', async () => {
  const { stages, dataverse, deps } = setup();
  await stages.write(message(batch([promoted(1)], 'b1')));
  // Another mailbox wrote the email behind g2 first (the same deterministic activity id).
  dataverse.emails.set('act-2', {
    ...promoted(2).activity!,
    receivingMailboxId: 'mbx-sales',
    modifiedon: '2025-01-10T09:30:00.000Z',
  });
  // The first batch again (a redelivery after a crash) and a batch with g2.
  await stages.write(message(batch([promoted(1)], 'b1')));
  await stages.write(message(batch([promoted(2)], 'b2')));

  const byItem = new Map((await deps.ledger.forMailbox(ALICE.mailboxid)).map((d) => [d.graphId, d]));
  assert.equal(byItem.get('g1')!.outcome, 'promoted', 'our own row, written before the crash');
  assert.equal(byItem.get('g2')!.outcome, 'skipped');
  assert.equal(byItem.get('g2')!.reason, 'Duplicate');
  assert.match(byItem.get('g2')!.detail ?? '', /another mailbox/);
  assert.equal(dataverse.emails.get('act-2')!.receivingMailboxId, 'mbx-sales', 'their row is left as it was');
});

test('Stages over their ports: write records nothing while a write must be retried, and sends the batch again later', async () => {
  const { stages, dataverse, deps, queue, clock } = setup();
  dataverse.throttleWrites = 1;
  await stages.write(message(batch([promoted(1), promoted(2)])));
  assert.deepEqual(await deps.ledger.all(), [], 'no decision recorded before every write has an answer');
  const retry = queue.accepted(QUEUES.activityWrites);
  assert.equal(retry.length, 1);
  assert.equal(retry[0]!.messageId, 'b1:retry:1');
  assert.ok(retry[0]!.scheduledEnqueueTimeUtc!.getTime() > clock.now().getTime(), 'later, not at once');

  await stages.write(delivered(retry[0]!));
  assert.deepEqual(
    (await deps.ledger.all()).map((d) => d.outcome),
    ['promoted', 'promoted'],
  );
});

test('Stages over their ports: write puts off an email whose correlated email is not written yet, then writes it without the link', async () => {
  const { stages, dataverse, deps, queue } = setup();
  const reply = promoted(3, { correlatedActivityId: 'act-never' });
  await stages.write(message(batch([reply])));
  const deferred = queue.accepted(QUEUES.activityWrites);
  assert.deepEqual(
    deferred.map((m) => m.messageId),
    ['b1:deferred:1'],
  );
  assert.equal(dataverse.emails.size, 0);
  assert.deepEqual(await deps.ledger.all(), []);

  // The last deferral: written without the link, and the decision says so.
  await stages.write(message({ ...batch([reply]), deferrals: MAX_DEFERRALS }));
  assert.equal(dataverse.emails.get('act-3')!.correlatedActivityId, undefined);
  const [d] = await deps.ledger.all();
  assert.equal(d!.outcome, 'promoted');
  assert.match(d!.detail ?? '', /without its link/);
});

test('Stages over their ports: write settles an email Dataverse refuses as failed/WriteFailed', async () => {
  const { stages, dataverse, deps } = setup();
  dataverse.refuse.set('act-1', 'owner does not exist');
  await stages.write(message(batch([promoted(1)])));
  const [d] = await deps.ledger.all();
  assert.equal(d!.outcome, 'failed');
  assert.equal(d!.reason, 'WriteFailed');
});
