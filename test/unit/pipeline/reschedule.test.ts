// Issue point "Backoff instead of instant redelivery": withReschedule, the one home of "try this message
// again later", over the embedded queue (Service Bus semantics: scheduled messages, duplicate detection).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withReschedule } from '../../../shared/pipeline/reschedule';
import type { InboundMessage, PipelineDeps } from '../../../shared/pipeline/deps';
import { isKind, permanent, poison, throttled, transient } from '../../../shared/domain/errors';
import { MAX_RETRY_ATTEMPTS, retryDelayMs } from '../../../shared/domain/backoff';
import { retryMessageId } from '../../../shared/domain/queue-message-ids';
import { createLocalQueues } from '../../../shared/adapters/localqueue';
import { QUEUES, type LogProps, type QueuePort } from '../../../shared/ports';
import { createStages } from '../../../shared/pipeline/stages';
import type { WriteBatch } from '../../../shared/domain/jobs';
import { delivered, fakePipeline, healthyRecord, userMailbox } from '../../support/fakes';

const START = Date.parse('2025-01-10T10:00:00Z');
/** Longer than any first retry waits. */
const BACKOFF_WAIT = 10 * 60_000;

function setup(port?: QueuePort) {
  let now = START;
  const clock = { now: () => new Date(now) };
  const local = createLocalQueues(clock);
  const events: { event: string; props?: LogProps }[] = [];
  const log = {
    info: () => undefined,
    warn: (event: string, props?: LogProps) => void events.push({ event, props }),
    error: (event: string, props?: LogProps) => void events.push({ event, props }),
  };
  const deps = { queue: port ?? local.port, clock, log } as unknown as PipelineDeps;
  return { deps, local, events, advance: (ms: number) => (now += ms) };
}

const job: InboundMessage = {
  body: { kind: 'sync', mailboxId: 'mbx-1', workload: 'email', trigger: 'schedule', slot: '42' },
  messageId: 'mbx-1:email:42',
  sessionId: 'mbx-1',
  deliveryCount: 1,
  applicationProperties: { replayOf: 'mbx-1:email:41' },
};
const fail = (e: unknown) => async () => {
  throw e;
};

test('Backoff instead of instant redelivery: a transient Dataverse failure sends the same message again, scheduled after the backoff, and completes this one', async () => {
  const { deps, local, events } = setup();
  await withReschedule(
    QUEUES.syncJobs,
    job,
    deps,
    fail(transient('dataverse', 'Dataverse batch: 503', { status: 503 })),
  );
  const q = local.queues[QUEUES.syncJobs];
  assert.deepEqual(q.stats(), { active: 0, scheduled: 1, locked: 0, deadLettered: 0 });
  assert.equal(q.nextDueAt()!.getTime(), START + retryDelayMs(1, { kind: 'transient' }, job.messageId));
  assert.ok(q.nextDueAt()!.getTime() - START >= 4_000, 'not an instant redelivery');
  const events0 = events.map((e) => e.event);
  assert.deepEqual(events0, ['stage.retry']);
  assert.equal(events[0]!.props!.system, 'dataverse');
});

test('Backoff instead of instant redelivery: the retry keeps body, session and properties, with the id <original>:retry:1', async () => {
  const { deps, local, advance } = setup();
  await withReschedule(
    QUEUES.syncJobs,
    job,
    deps,
    fail(throttled('tables', 'checkpoint get: busy', 0, { status: 503, code: 'ServerBusy' })),
  );
  advance(BACKOFF_WAIT);
  const m = local.queues[QUEUES.syncJobs].receive()!;
  assert.equal(m.messageId, 'mbx-1:email:42:retry:1');
  assert.equal(m.sessionId, 'mbx-1');
  assert.deepEqual(m.body, job.body);
  assert.equal(m.applicationProperties.replayOf, 'mbx-1:email:41');
  assert.equal(m.deliveryCount, 1);
});
test('Backoff instead of instant redelivery: a double resend of one attempt (a crash after the send) is dropped by duplicate detection', async () => {
  const { deps, local } = setup();
  const retry2: InboundMessage = { ...job, messageId: retryMessageId(job.messageId, 2), deliveryCount: 1 };
  await withReschedule(QUEUES.syncJobs, retry2, deps, fail(transient('graph', 'reset')));
  // The same delivery failed again after its lock lapsed: the same attempt is sent a second time.
  await withReschedule(QUEUES.syncJobs, { ...retry2, deliveryCount: 2 }, deps, fail(transient('graph', 'reset')));
  assert.equal(local.queues[QUEUES.syncJobs].stats().scheduled, 1);
});

test('Backoff instead of instant redelivery: throttling waits for its Retry-After, Table Storage and Service Bus failures back off too', async () => {
  const { deps, local, events } = setup();
  await withReschedule(
    QUEUES.activityWrites,
    { body: { kind: 'write' }, messageId: 'b1', deliveryCount: 1 },
    deps,
    fail(throttled('dataverse', '429', 7_000)),
  );
  const due = local.queues[QUEUES.activityWrites].nextDueAt()!.getTime() - START;
  assert.ok(due >= 7_000 && due <= 8_400, `due in ${due} ms`);
  await withReschedule(
    QUEUES.activityWrites,
    { body: { kind: 'write' }, messageId: 'b2', deliveryCount: 1 },
    deps,
    fail(transient('tables', 'ledger record: reset')),
  );
  await withReschedule(
    QUEUES.activityWrites,
    { body: { kind: 'write' }, messageId: 'b3', deliveryCount: 1 },
    deps,
    fail(transient('servicebus', 'send: lost', { code: 'ServiceCommunicationProblem' })),
  );
  assert.equal(local.queues[QUEUES.activityWrites].stats().scheduled, 3);
  assert.deepEqual(
    events.map((e) => `${e.event} ${e.props!.system}`),
    ['stage.throttled dataverse', 'stage.retry tables', 'stage.retry servicebus'],
  );
});

test('Backoff instead of instant redelivery: after MAX_RETRY_ATTEMPTS scheduled retries the error goes up, to the delivery count and the dead-letter queue', async () => {
  const { deps, local, events } = setup();
  const last: InboundMessage = { ...job, messageId: retryMessageId(job.messageId, MAX_RETRY_ATTEMPTS) };
  const e = transient('dataverse', 'Dataverse batch: 503', { status: 503 });
  await assert.rejects(withReschedule(QUEUES.syncJobs, last, deps, fail(e)), (x) => x === e);
  assert.equal(local.queues[QUEUES.syncJobs].stats().scheduled, 0);
  assert.deepEqual(
    events.map((x) => x.event),
    ['stage.retries-exhausted'],
  );
  // One attempt earlier it is still scheduled.
  await withReschedule(
    QUEUES.syncJobs,
    { ...job, messageId: retryMessageId(job.messageId, MAX_RETRY_ATTEMPTS - 1) },
    deps,
    fail(e),
  );
  assert.equal(local.queues[QUEUES.syncJobs].stats().scheduled, 1);
});

test('Backoff instead of instant redelivery: if the retry cannot be sent, the error goes up and the message is abandoned, not lost', async () => {
  const down: QueuePort = {
    send: async () => {
      throw transient('servicebus', 'send to sync-jobs: namespace unreachable', {
        code: 'ServiceCommunicationProblem',
      });
    },
  };
  const { deps } = setup(down);
  await assert.rejects(
    withReschedule(QUEUES.syncJobs, job, deps, fail(transient('dataverse', '503', { status: 503 }))),
    (e) => isKind(e, 'transient') && e.system === 'servicebus',
  );
});

test('Backoff instead of instant redelivery: permanent failures, poison bodies and bugs are not rescheduled', async () => {
  const { deps, local } = setup();
  for (const e of [permanent('graph', '403', { status: 403 }), poison('not a job'), new TypeError('x is undefined')]) {
    await assert.rejects(withReschedule(QUEUES.syncJobs, job, deps, fail(e)), (x) => x === e);
  }
  assert.equal(local.queues[QUEUES.syncJobs].stats().scheduled, 0);
  // Success settles nothing else.
  await withReschedule(QUEUES.syncJobs, job, deps, async () => undefined);
  assert.equal(local.queues[QUEUES.syncJobs].stats().scheduled, 0);
});

// The same rule through the stages, over in-memory fakes of every port (test/support/fakes).
const ALICE = userMailbox('mbx-alice', 'alice@contoso.com', 'user-alice');
const writeBatch: WriteBatch = {
  kind: 'write',
  mailboxId: ALICE.mailboxid,
  workload: 'email',
  batchId: 'mbx-alice:email:page-1',
  entries: [],
};

test('Stages over their ports: reschedule sends a throttled write again as <id>:retry:<n>, after the Retry-After, and drops a second send of one attempt', async () => {
  const p = fakePipeline({ mailboxes: [ALICE] });
  const stages = createStages(p.deps);
  p.dataverse.down = throttled('dataverse', 'Dataverse batch: 429', 30_000);
  await stages.write(delivered({ body: writeBatch, messageId: writeBatch.batchId }));
  const [retry1] = p.queue.accepted(QUEUES.activityWrites);
  assert.equal(retry1!.messageId, 'mbx-alice:email:page-1:retry:1');
  assert.deepEqual(retry1!.body, writeBatch);
  const wait1 = retry1!.scheduledEnqueueTimeUtc!.getTime() - START;
  assert.ok(wait1 >= 30_000 && wait1 <= 36_000, `waits the Retry-After (${wait1} ms)`);
  assert.deepEqual(p.log.names('warn'), ['stage.throttled']);

  // The retry is throttled again: attempt 2; the same delivery failing twice sends attempt 2 once.
  p.clock.advance(wait1);
  await stages.write(delivered(retry1!));
  await stages.write({ ...delivered(retry1!), deliveryCount: 2 });
  assert.deepEqual(
    p.queue.accepted(QUEUES.activityWrites).map((m) => m.messageId),
    ['mbx-alice:email:page-1:retry:1', 'mbx-alice:email:page-1:retry:2'],
  );
  assert.equal(p.queue.duplicates.length, 1);
});

test('Stages over their ports: reschedule backs a sync job off when Dataverse fails, in its session, without touching mailbox health', async () => {
  const p = fakePipeline({ mailboxes: [ALICE], registry: [healthyRecord(ALICE)] });
  const stages = createStages(p.deps);
  p.dataverse.down = transient('dataverse', 'Dataverse org context: 503', { status: 503 });
  const job = { kind: 'sync', mailboxId: ALICE.mailboxid, workload: 'email', trigger: 'schedule', slot: '7' };
  await stages.sync(delivered({ body: job, messageId: 'mbx-alice:email:7', sessionId: ALICE.mailboxid }));
  const [retry] = p.queue.accepted(QUEUES.syncJobs);
  assert.equal(retry!.messageId, 'mbx-alice:email:7:retry:1');
  assert.equal(retry!.sessionId, ALICE.mailboxid);
  assert.equal(
    retry!.scheduledEnqueueTimeUtc!.getTime(),
    START + retryDelayMs(1, { kind: 'transient' }, 'mbx-alice:email:7'),
  );
  assert.equal((await p.deps.mailboxes.get(ALICE.mailboxid))!.health.consecutiveFailures, 0);
  assert.deepEqual(p.alerts.alerts, []);
});
