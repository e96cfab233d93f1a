// The one error vocabulary for outside systems. Adapters classify their SDK/HTTP failures into these;
// the pipeline decides what to do by class (retry, reschedule, disable, record), never by message text.

export type OutsideSystem = 'graph' | 'dataverse' | 'tables' | 'servicebus';

export class SyncError extends Error {
  constructor(
    message: string,
    readonly system: OutsideSystem,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}
/** Worth retrying soon: 5xx, timeouts, connection resets. */
export class TransientError extends SyncError {}
/** Will not succeed by retrying: 401/403, bad configuration, missing mailbox. */
export class PermanentError extends SyncError {}
/** The service asked us to wait: reschedule for retryAfterMs instead of sleeping in a function. */
export class ThrottledError extends SyncError {
  constructor(message: string, system: OutsideSystem, readonly retryAfterMs: number, status = 429, code?: string) {
    super(message, system, status, code);
  }
}
/** Graph delta state is gone (410 / syncStateNotFound / resyncRequired): restart the folder's round. */
export class SyncStateExpiredError extends SyncError {}
/** A link to follow (a stored cursor, a service's next link) is not on the configured endpoint: never followed. */
export class UnsafeLinkError extends PermanentError {}

export function ensureError(e: unknown): Error {
  if (e instanceof Error) return e;
  return new Error(typeof e === 'string' ? e : JSON.stringify(e));
}

/** Parses Retry-After (seconds, possibly fractional, or an HTTP date) into milliseconds. */
export function retryAfterMs(header: string | null | undefined, now: Date, fallbackMs: number): number {
  if (!header) return fallbackMs;
  const secs = Number(header);
  if (Number.isFinite(secs) && secs >= 0) return Math.ceil(secs * 1000);
  const at = Date.parse(header);
  if (Number.isFinite(at)) return Math.max(0, at - now.getTime());
  return fallbackMs;
}

/** Classifies an HTTP status from Graph or Dataverse. */
export function classifyHttp(system: OutsideSystem, status: number, code: string | undefined, message: string, retryAfter: number): SyncError {
  if (status === 429 || (status === 503 && retryAfter > 0)) return new ThrottledError(message, system, retryAfter, status, code);
  if (system === 'graph' && (status === 410 || /^(syncstatenotfound|resyncrequired)$/i.test(code ?? ''))) return new SyncStateExpiredError(message, system, status, code);
  if (status >= 500 || status === 408) return new TransientError(message, system, status, code);
  return new PermanentError(message, system, status, code);
}
