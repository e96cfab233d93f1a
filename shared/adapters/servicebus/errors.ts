// Service Bus failures translated once, at the adapter's edge, into the one error vocabulary
// (domain/errors.ts), as the SDK itself turns every AMQP failure into a ServiceBusError with one code of a
// closed union (ServiceBusErrorCode). Codes: learn.microsoft.com/javascript/api/@azure/service-bus/servicebuserror
import type { ServiceBusErrorCode } from '@azure/service-bus';
import { isExsyncError, permanent, transient, type ExsyncError } from '../../domain/errors';

/**
 * What each code means for a retry, for an error that does not say itself: the SDK marks every error it
 * translates `retryable`, and that wins. The service being busy or unreachable passes; the rest will not.
 */
const RETRY_BY_CODE: Record<ServiceBusErrorCode, boolean> = {
  GeneralError: false,
  MessagingEntityNotFound: false,
  MessageLockLost: false,
  MessageNotFound: false,
  MessageSizeExceeded: false,
  MessagingEntityAlreadyExists: false,
  MessagingEntityDisabled: false,
  QuotaExceeded: false,
  ServiceBusy: true,
  ServiceTimeout: true,
  ServiceCommunicationProblem: true,
  SessionCannotBeLocked: false,
  SessionLockLost: false,
  UnauthorizedAccess: false,
};

interface ServiceBusErrorLike {
  code?: unknown;
  retryable?: unknown;
  message?: unknown;
}

/**
 * Anything a Service Bus call throws as an ExsyncError (transient or permanent); `what` names the call.
 * A failure with no code, or a Node network code (ECONNREFUSED, ETIMEDOUT…), never reached the service:
 * transient.
 */
export function translateServiceBusError(err: unknown, what: string): ExsyncError {
  if (isExsyncError(err)) return err;
  const e = (err ?? {}) as ServiceBusErrorLike;
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = `${what}: ${typeof e.message === 'string' ? e.message : String(err)}`;
  const facts = code ? { code } : {};
  return retryable(e.retryable, code)
    ? transient('servicebus', message, facts)
    : permanent('servicebus', message, facts);
}

function retryable(said: unknown, code: string | undefined): boolean {
  if (typeof said === 'boolean') return said;
  if (code === undefined || /^E[A-Z]+$/.test(code)) return true;
  return Object.hasOwn(RETRY_BY_CODE, code) && RETRY_BY_CODE[code as ServiceBusErrorCode];
}

/** A message no batch can hold: Service Bus would refuse it whatever we retried. */
export function messageTooLarge(messageId: string | undefined, maxBytes: number): ExsyncError {
  return permanent('servicebus', `message ${messageId} is larger than a batch may be (${maxBytes} bytes)`, {
    code: 'MessageSizeExceeded',
  });
}
