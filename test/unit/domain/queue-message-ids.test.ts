// Issue point "One home per rule": Service Bus message ids, the keys of duplicate detection, built in one
// module. Same work, same id (the queue drops the second send); different work, different id; always
// within Service Bus's 128 characters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  continuationMessageId,
  deferredWriteMessageId,
  MAX_MESSAGE_ID_CHARS,
  replayMessageId,
  retryAttemptOf,
  retryMessageId,
  syncJobMessageId,
  writeBatchMessageId,
} from '../../../shared/domain/queue-message-ids';
import type { WriteEntry } from '../../../shared/domain/jobs';

const MBX = '0f8fad5b-d9cb-469f-a165-70867728950e';
const entry = (graphId: string, over: Partial<WriteEntry['decision']> = {}): WriteEntry => ({
  decision: {
    mailboxId: MBX,
    mailbox: 'alice@contoso.com',
    workload: 'email',
    folder: 'inbox',
    graphId,
    internetMessageId: `<${graphId}@contoso.com>`,
    messageKey: `${graphId}@contoso.com`,
    outcome: 'skipped',
    reason: 'NoCorrelationMatch',
    correlationMethod: 'None',
    decidedAt: '2025-01-10T12:00:00Z',
    ...over,
  },
});

test('One home per rule: a sync job id is the mailbox, workload and time slot, so one slot sends one job', () => {
  const job = { mailboxId: MBX, workload: 'email' as const, slot: '1736510400' };
  assert.equal(syncJobMessageId(job), `${MBX}:email:1736510400`);
  assert.equal(syncJobMessageId({ ...job }), syncJobMessageId(job));
  assert.notEqual(syncJobMessageId({ ...job, slot: '1736510401' }), syncJobMessageId(job));
});

test('One home per rule: a continuation id follows from its step, hashed to a fixed length', () => {
  const a = continuationMessageId({ mailboxId: MBX }, `inbox:${Date.UTC(2025, 0, 10)}`);
  assert.equal(a, continuationMessageId({ mailboxId: MBX }, `inbox:${Date.UTC(2025, 0, 10)}`));
  assert.notEqual(a, continuationMessageId({ mailboxId: MBX }, `inbox:${Date.UTC(2025, 0, 11)}`));
  assert.ok(a.startsWith(`${MBX}:email:cont:`));
  const long = continuationMessageId({ mailboxId: MBX }, `${'AAMk'.repeat(60)}:${Date.UTC(2025, 0, 10)}`);
  assert.ok(long.length <= MAX_MESSAGE_ID_CHARS);
});

test('One home per rule: a write batch id follows from its decisions, in order, and its mailbox', () => {
  const page = [entry('g1'), entry('g2')];
  assert.equal(writeBatchMessageId(MBX, page), writeBatchMessageId(MBX, [entry('g1'), entry('g2')]));
  assert.notEqual(writeBatchMessageId(MBX, page), writeBatchMessageId(MBX, [entry('g2'), entry('g1')]));
  assert.notEqual(
    writeBatchMessageId(MBX, page),
    writeBatchMessageId(MBX, [entry('g1'), entry('g2', { outcome: 'promoted', reason: 'SenderMatch' })]),
  );
  assert.notEqual(writeBatchMessageId(MBX, page), writeBatchMessageId('mbx-other', page));
  assert.notEqual(
    writeBatchMessageId(MBX, page),
    writeBatchMessageId(MBX, [entry('g1'), { ...entry('g2'), queueItem: { activityid: 'a2', queueId: 'q1' } }]),
  );
  assert.ok(writeBatchMessageId(MBX, page).length <= MAX_MESSAGE_ID_CHARS);
});

test('One home per rule: each deferral of a write batch has its own id', () => {
  assert.equal(deferredWriteMessageId(`${MBX}:w:abc`, 1), `${MBX}:w:abc:deferred:1`);
  assert.notEqual(deferredWriteMessageId(`${MBX}:w:abc`, 2), deferredWriteMessageId(`${MBX}:w:abc`, 1));
});

test('One home per rule: retries of a deferred write and of a job share the retry scheme', () => {
  const deferred = deferredWriteMessageId(`${MBX}:w:abc`, 3);
  assert.equal(retryMessageId(deferred, 1), `${deferred}:retry:1`);
  assert.equal(retryAttemptOf(retryMessageId(retryMessageId(deferred, 1), 2)), 2);
});

test('One home per rule: a replayed dead letter gets a new id within 128 characters', () => {
  assert.equal(replayMessageId(`${MBX}:email:42`, 'n1'), `${MBX}:email:42:replay:n1`);
  assert.notEqual(replayMessageId(`${MBX}:email:42`, 'n2'), replayMessageId(`${MBX}:email:42`, 'n1'));
  const cut = replayMessageId('x'.repeat(MAX_MESSAGE_ID_CHARS), 'n1');
  assert.equal(cut.length, MAX_MESSAGE_ID_CHARS);
  assert.ok(cut.endsWith(':replay:n1'));
});
