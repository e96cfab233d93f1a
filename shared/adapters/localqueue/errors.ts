// Errors of the embedded queue, named after the Service Bus conditions they stand for, and their
// translation into the one error vocabulary (domain/errors.ts) at the QueuePort's edge, where the
// Service Bus adapter translates the SDK's (servicebus/errors.ts).
import { isExsyncError, permanent, type ExsyncError } from '../../domain/errors';

/** The lock token is unknown: completed/abandoned already, or its lock expired (Service Bus MessageLockLost). */
export class MessageLockLostError extends Error {
  readonly code = 'MessageLockLost';
  constructor(queue: string) {
    super(`${queue}: the message lock was lost (expired, or the message was already settled)`);
    this.name = 'MessageLockLostError';
  }
}

/** A message Service Bus would refuse at send time: missing session id, oversized or non-JSON body, bad ids. */
export class InvalidMessageError extends Error {
  readonly code = 'InvalidMessage';
  constructor(queue: string, reason: string) {
    super(`${queue}: ${reason}`);
    this.name = 'InvalidMessageError';
  }
}

/**
 * What the embedded queue threw, as an ExsyncError of system 'servicebus'. Nothing it refuses passes on a
 * retry (a lost lock, a message Service Bus would refuse, a queue that does not exist), and it has no
 * network to lose: every failure is permanent, with the Service Bus code it stands for when it has one.
 */
export function translateLocalQueueError(err: unknown, what: string): ExsyncError {
  if (isExsyncError(err)) return err;
  const code = err instanceof MessageLockLostError || err instanceof InvalidMessageError ? err.code : undefined;
  const message = `${what}: ${err instanceof Error ? err.message : String(err)}`;
  return permanent('servicebus', message, code ? { code } : {});
}
