// Errors of the embedded queue, named after the Service Bus conditions they stand for.

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
  constructor(queue: string, reason: string) {
    super(`${queue}: ${reason}`);
    this.name = 'InvalidMessageError';
  }
}
