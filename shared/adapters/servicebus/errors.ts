// Service Bus failures as the pipeline sees them: retry later or give up, without importing the SDK.

export class QueueSendError extends Error {
  constructor(
    message: string,
    /** Whether the same send may succeed later (throttling, connection loss, timeouts). */
    readonly retryable: boolean,
    /** The SDK's ServiceBusErrorCode when there is one, e.g. ServiceBusy, MessageSizeExceeded. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'QueueSendError';
  }
}

interface ServiceBusErrorLike {
  name?: string;
  code?: string;
  retryable?: boolean;
  message?: string;
}

export function toQueueSendError(err: unknown, what: string): QueueSendError {
  if (err instanceof QueueSendError) return err;
  const e = (err ?? {}) as ServiceBusErrorLike;
  const code = typeof e.code === 'string' ? e.code : undefined;
  // Connection-level failures (ECONNREFUSED, timeouts) come without `retryable`; treat them as transient.
  const retryable = e.retryable ?? (code === undefined || /^E[A-Z]+$/.test(code) || code === 'ServiceTimeout');
  return new QueueSendError(`${what}: ${e.message ?? String(err)}`, retryable, code);
}
