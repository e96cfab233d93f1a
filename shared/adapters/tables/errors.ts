// Table Storage failures translated once, at the adapter's edge, into the one error vocabulary
// (domain/errors.ts). Classified by HTTP statusCode: RestError.code is undefined on some single-entity
// errors. Table service error codes: learn.microsoft.com/rest/api/storageservices/table-service-error-codes
import { isExsyncError, permanent, throttled, transient, type ExsyncError } from '../../domain/errors';

interface RestErrorLike {
  statusCode?: number;
  code?: string;
  message?: string;
  response?: { headers?: { get?(name: string): string | undefined } };
}

export function statusOf(err: unknown): number | undefined {
  const s = (err as RestErrorLike | undefined)?.statusCode;
  return typeof s === 'number' ? s : undefined;
}

/**
 * Anything the Tables SDK throws as an ExsyncError; `what` names the operation, never key values. No
 * status: the request got no answer (network, DNS, reset), transient. 503 ServerBusy (and 429) is how
 * Table Storage throttles; 408 and other 5xx are transient; the rest is permanent.
 */
export function translateTableError(err: unknown, what: string): ExsyncError {
  if (isExsyncError(err)) return err;
  const e = (err ?? {}) as RestErrorLike;
  const status = statusOf(err);
  const message = `${what}: ${e.message ?? String(err)}`;
  // Where the SDK leaves `code` empty, the service's x-ms-error-code header still names the error.
  const code = e.code ?? e.response?.headers?.get?.('x-ms-error-code') ?? undefined;
  const facts = { ...(status !== undefined ? { status } : {}), ...(code ? { code } : {}) };
  if (status === undefined) return transient('tables', message, facts);
  if (status === 429 || status === 503) return throttled('tables', message, waitOf(e), facts);
  if (status === 408 || status >= 500) return transient('tables', message, facts);
  return permanent('tables', message, facts);
}

/** Retry-After in whole or fractional seconds; 0 when the service named none. */
function waitOf(e: RestErrorLike): number {
  const seconds = Number(e.response?.headers?.get?.('retry-after') || NaN);
  return Number.isFinite(seconds) ? Math.max(0, seconds * 1000) : 0;
}
