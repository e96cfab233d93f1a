// One error vocabulary: Service Bus failures translated at the adapter's edge (adapters/servicebus/errors.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { messageTooLarge, translateServiceBusError } from '../../../shared/adapters/servicebus/errors';

test('One error vocabulary: a Service Bus error the SDK marks retryable is transient, with its code', () => {
  const e = translateServiceBusError(
    { name: 'ServiceBusError', code: 'ServiceBusy', retryable: true, message: 'busy' },
    'send to sync-jobs',
  );
  assert.deepEqual(
    [e.kind, e.system, e.code, e.message],
    ['transient', 'servicebus', 'ServiceBusy', 'send to sync-jobs: busy'],
  );
});

test('One error vocabulary: a Service Bus error the SDK marks not retryable is permanent', () => {
  const e = translateServiceBusError(
    { code: 'MessagingEntityNotFound', retryable: false, message: 'no queue' },
    'send',
  );
  assert.deepEqual([e.kind, e.code], ['permanent', 'MessagingEntityNotFound']);
});

test('One error vocabulary: without the SDK’s word, the Service Bus code decides; no code or a network code is transient', () => {
  assert.equal(translateServiceBusError({ code: 'ServiceTimeout' }, 'x').kind, 'transient');
  assert.equal(translateServiceBusError({ code: 'ServiceCommunicationProblem' }, 'x').kind, 'transient');
  assert.equal(translateServiceBusError({ code: 'UnauthorizedAccess' }, 'x').kind, 'permanent');
  assert.equal(translateServiceBusError({ code: 'SomethingNew' }, 'x').kind, 'permanent');
  assert.equal(translateServiceBusError({ code: 'ECONNREFUSED' }, 'x').kind, 'transient');
  assert.equal(translateServiceBusError(new Error('socket closed'), 'x').kind, 'transient');
});

test('One error vocabulary: a message no Service Bus batch can hold is permanent MessageSizeExceeded', () => {
  const e = messageTooLarge('m1', 262_144);
  assert.deepEqual([e.kind, e.system, e.code], ['permanent', 'servicebus', 'MessageSizeExceeded']);
  assert.equal(translateServiceBusError(e, 'send to sync-jobs'), e, 'an ExsyncError passes as it is');
});
