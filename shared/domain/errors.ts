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
  constructor(
    message: string,
    system: OutsideSystem,
    readonly retryAfterMs: number,
    status = 429,
    code?: string,
  ) {
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
export function classifyHttp(
  system: OutsideSystem,
  status: number,
  code: string | undefined,
  message: string,
  retryAfter: number,
): SyncError {
  if (status === 429 || (status === 503 && retryAfter > 0))
    return new ThrottledError(message, system, retryAfter, status, code);
  if (system === 'graph' && (status === 410 || /^(syncstatenotfound|resyncrequired)$/i.test(code ?? '')))
    return new SyncStateExpiredError(message, system, status, code);
  if (status >= 500 || status === 408) return new TransientError(message, system, status, code);
  return new PermanentError(message, system, status, code);
}

/** A failure worth a scheduled retry: what it was, from which system, and any wait the service asked for. */
export interface RetryableFailure {
  kind: 'throttled' | 'transient';
  system: OutsideSystem;
  retryAfterMs?: number;
  status?: number;
  code?: string;
}

interface AdapterErrorLike {
  name?: unknown;
  kind?: unknown;
  retryable?: unknown;
  retryAfterMs?: unknown;
  statusCode?: unknown;
  code?: unknown;
}

/**
 * Sorts any error into throttled, transient or neither (undefined: permanent, a bug, a crash), for every
 * outside system. The Table Storage and Service Bus adapters keep their own error types for now; they are
 * recognised by name, so this module stays free of adapter imports.
 */
export function retryableFailureOf(e: unknown): RetryableFailure | undefined {
  if (e instanceof ThrottledError)
    return { kind: 'throttled', system: e.system, retryAfterMs: e.retryAfterMs, ...statusAndCode(e.status, e.code) };
  if (e instanceof TransientError) return { kind: 'transient', system: e.system, ...statusAndCode(e.status, e.code) };
  if (e instanceof SyncError || typeof e !== 'object' || e === null) return undefined;
  const a = e as AdapterErrorLike;
  const status = typeof a.statusCode === 'number' ? a.statusCode : undefined;
  const code = typeof a.code === 'string' ? a.code : undefined;
  if (a.name === 'TableStoreError' && (a.kind === 'throttled' || a.kind === 'transient')) {
    const wait = typeof a.retryAfterMs === 'number' && a.retryAfterMs > 0 ? { retryAfterMs: a.retryAfterMs } : {};
    return { kind: a.kind, system: 'tables', ...wait, ...statusAndCode(status, code) };
  }
  if (a.name === 'QueueSendError' && a.retryable === true)
    return { kind: 'transient', system: 'servicebus', ...statusAndCode(undefined, code) };
  return undefined;
}

const statusAndCode = (status?: number, code?: string) => ({
  ...(status !== undefined ? { status } : {}),
  ...(code ? { code } : {}),
});
