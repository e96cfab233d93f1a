// Dataverse failures translated once, at the adapter's edge, into the one error vocabulary
// (domain/errors.ts): a whole Web API answer, a request that got none, and one part of a $batch, which
// carries its own status and Retry-After inside a 200 answer. Service protection limits and their
// Retry-After: learn.microsoft.com/power-apps/developer/data-platform/api-limits
import { classifyHttp, retryAfterMs, throttled, transient } from '../../domain/errors';
import type { ExsyncError } from '../../domain/errors';
import type { PartResponse } from './batch';

/** A 429 without a usable Retry-After: wait this long (Dataverse normally sends one). */
const DATAVERSE_DEFAULT_THROTTLE_MS = 5_000;

/**
 * The service's error code, when it is one: a short token (0x80040216, or a name). Never the error's
 * text, which echoes the request's filter values (addresses, Message-IDs, subjects).
 */
export function dataverseErrorCode(body: unknown): string | undefined {
  let b = body;
  if (typeof b === 'string') {
    try {
      b = JSON.parse(b);
    } catch {
      return undefined;
    }
  }
  const code = (b as { error?: { code?: unknown } } | undefined)?.error?.code;
  return typeof code === 'string' && /^[\w.-]{1,40}$/.test(code) ? code : undefined;
}

/** The wait an answer asked for: its Retry-After (seconds or an HTTP date); a 429 without one waits the default. */
function dataverseWaitMs(status: number, retryAfter: string | null | undefined, now: Date): number {
  const wait = retryAfterMs(retryAfter, now, 0);
  return status === 429 && wait <= 0 ? DATAVERSE_DEFAULT_THROTTLE_MS : wait;
}

/** A Web API answer that is not 2xx; `body` is its text. */
export function translateDataverseResponse(
  route: string,
  status: number,
  retryAfter: string | null | undefined,
  body: string,
  now: Date,
): ExsyncError {
  const code = dataverseErrorCode(body);
  const message = `Dataverse ${route}: ${status} ${code ?? ''}`.trim();
  return classifyHttp('dataverse', status, code, message, dataverseWaitMs(status, retryAfter, now));
}

/** A request that never got an answer (connection refused or reset, DNS, timeout): transient. */
export function translateFetchFailure(route: string, e: unknown): ExsyncError {
  return transient('dataverse', `Dataverse ${route}: ${(e as Error)?.message ?? String(e)}`);
}

/** While Dataverse has asked this process to wait, a request is not sent: throttled for the time left. */
export function stillThrottled(route: string, waitMs: number): ExsyncError {
  return throttled('dataverse', `Dataverse ${route}: still throttled`, waitMs);
}

/**
 * One failed part of a $batch (status 0: the batch stopped before it), classified like a whole answer,
 * with that part's own Retry-After. `what` says what failed; the message holds status and code only.
 */
export function translateBatchPart(what: string, part: PartResponse | undefined, now: Date): ExsyncError {
  const status = part?.status ?? 0;
  const code = dataverseErrorCode(part?.body);
  const message = `${what}: ${status || 'no answer'} ${code ?? ''}`.trim();
  if (!status) return transient('dataverse', message);
  return classifyHttp('dataverse', status, code, message, dataverseWaitMs(status, part?.headers['retry-after'], now));
}
