// One error vocabulary: the embedded queue's errors translated at the QueuePort's edge (adapters/localqueue/errors.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  InvalidMessageError,
  MessageLockLostError,
  translateLocalQueueError,
} from '../../../shared/adapters/localqueue/errors';
import { transient } from '../../../shared/domain/errors';

test('One error vocabulary: a message the embedded queue refuses is permanent, with the Service Bus condition as code', () => {
  const e = translateLocalQueueError(new InvalidMessageError('sync-jobs', 'message j has no sessionId'), 'send');
  assert.deepEqual(
    [e.kind, e.system, e.code, e.message],
    ['permanent', 'servicebus', 'InvalidMessage', 'send: sync-jobs: message j has no sessionId'],
  );
  assert.equal(
    translateLocalQueueError(new MessageLockLostError('activity-writes'), 'complete').code,
    'MessageLockLost',
  );
});

test('One error vocabulary: anything else the embedded queue throws is permanent, without a code; an ExsyncError passes', () => {
  const e = translateLocalQueueError(new Error('unknown queue x'), 'send');
  assert.deepEqual([e.kind, e.code], ['permanent', undefined]);
  const t = transient('servicebus', 'x');
  assert.equal(translateLocalQueueError(t, 'send'), t);
});
