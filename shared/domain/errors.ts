// The one error vocabulary. Every adapter translates its SDK or HTTP failures at its edge into an
// ExsyncError of one closed `kind`, naming the outside system; the pipeline and telemetry decide by `kind`
// (retry, reschedule, restart a folder, disable, dead-letter), never by class, message text or SDK type.

const OUTSIDE_SYSTEMS = ['graph', 'dataverse', 'tables', 'servicebus'] as const;
export type OutsideSystem = (typeof OUTSIDE_SYSTEMS)[number];

/**
 * transient: worth retrying soon (5xx, timeouts, connection resets). throttled: the service asked us to
 * wait (`retryAfterMs`, 0 when it named no time). permanent: retrying the same request cannot help (401/403,
 * bad configuration, a refused link). sync-state-expired: Graph delta state is gone, restart the round.
 * conflict: someone else wrote first (an ETag check failed). poison: a message body that can never be processed.
 */
export type ErrorKind = 'transient' | 'throttled' | 'permanent' | 'sync-state-expired' | 'conflict' | 'poison';

/** The error's name per kind: what logs and telemetry show as its type, and what the guard checks. */
const NAME_OF: Record<ErrorKind, string> = {
  transient: 'TransientError',
  throttled: 'ThrottledError',
  permanent: 'PermanentError',
  'sync-state-expired': 'SyncStateExpiredError',
  conflict: 'ConflictError',
  poison: 'PoisonMessageError',
};

/** The name an error of this kind carries (a wrapper that keeps only the name, e.g. GraphError.code, still tells). */
export const errorNameOf = (kind: ErrorKind): string => NAME_OF[kind];

export interface ErrorFacts {
  /** The HTTP status the system answered with, when there was an answer. */
  status?: number;
  /** The system's own error code (Graph's code, Dataverse's 0x…, x-ms-error-code, ServiceBusErrorCode). */
  code?: string;
}

export class ExsyncError extends Error {
  readonly status?: number;
  readonly code?: string;
  constructor(
    readonly kind: ErrorKind,
    readonly system: OutsideSystem,
    message: string,
    facts: ErrorFacts = {},
    /** throttled only: how long the service asked us to wait; 0 when it did not say. */
    readonly retryAfterMs = 0,
  ) {
    super(message);
    this.name = NAME_OF[kind];
    if (facts.status !== undefined) this.status = facts.status;
    if (facts.code) this.code = facts.code;
  }
}

export const transient = (system: OutsideSystem, message: string, facts?: ErrorFacts) =>
  new ExsyncError('transient', system, message, facts);
export const throttled = (system: OutsideSystem, message: string, retryAfterMs: number, facts?: ErrorFacts) =>
  new ExsyncError('throttled', system, message, facts, Math.max(0, retryAfterMs));
export const permanent = (system: OutsideSystem, message: string, facts?: ErrorFacts) =>
  new ExsyncError('permanent', system, message, facts);
export const syncStateExpired = (system: OutsideSystem, message: string, facts?: ErrorFacts) =>
  new ExsyncError('sync-state-expired', system, message, facts);
export const conflict = (system: OutsideSystem, message: string, facts?: ErrorFacts) =>
  new ExsyncError('conflict', system, message, facts);
/** A body that can never be processed: the host dead-letters it with this reason instead of retrying. */
export const poison = (message: string) => new ExsyncError('poison', 'servicebus', message);

/** The code of a permanent refusal of ours: a link to follow is not on the configured endpoint, never followed. */
const UNSAFE_LINK = 'UnsafeLink';
export const unsafeLink = (system: OutsideSystem, message: string) => permanent(system, message, { code: UNSAFE_LINK });

/**
 * Recognises an ExsyncError by its fields, not by `instanceof`: an error that crossed a module copy or a
 * wrapper still counts, and telemetry and hosts need no import of pipeline or adapter classes.
 */
export function isExsyncError(e: unknown): e is ExsyncError {
  if (typeof e !== 'object' || e === null) return false;
  const x = e as { name?: unknown; kind?: unknown; system?: unknown };
  return (
    typeof x.kind === 'string' &&
    Object.hasOwn(NAME_OF, x.kind) &&
    x.name === NAME_OF[x.kind as ErrorKind] &&
    (OUTSIDE_SYSTEMS as readonly unknown[]).includes(x.system)
  );
}

/** Whether `e` is an ExsyncError of one of `kinds`. */
export function isKind(e: unknown, ...kinds: ErrorKind[]): e is ExsyncError {
  return isExsyncError(e) && kinds.includes(e.kind);
}

export const isUnsafeLink = (e: unknown): e is ExsyncError => isKind(e, 'permanent') && e.code === UNSAFE_LINK;

/** Parses Retry-After (seconds, possibly fractional, or an HTTP date) into milliseconds. */
export function retryAfterMs(header: string | null | undefined, now: Date, fallbackMs: number): number {
  if (!header) return fallbackMs;
  const secs = Number(header);
  if (Number.isFinite(secs) && secs >= 0) return Math.ceil(secs * 1000);
  const at = Date.parse(header);
  if (Number.isFinite(at)) return Math.max(0, at - now.getTime());
  return fallbackMs;
}

/**
 * Translates an HTTP answer of Graph or Dataverse (a whole response or one part of a $batch): 429, and 503
 * with a wait, are throttled; Graph's 410 or syncStateNotFound/resyncRequired is sync-state expired;
 * 5xx and 408 are transient; anything else is permanent.
 */
export function classifyHttp(
  system: OutsideSystem,
  status: number,
  code: string | undefined,
  message: string,
  retryAfter: number,
): ExsyncError {
  const facts = { status, ...(code ? { code } : {}) };
  if (status === 429 || (status === 503 && retryAfter > 0)) return throttled(system, message, retryAfter, facts);
  if (system === 'graph' && (status === 410 || /^(syncstatenotfound|resyncrequired)$/i.test(code ?? '')))
    return syncStateExpired(system, message, facts);
  if (status >= 500 || status === 408) return transient(system, message, facts);
  return permanent(system, message, facts);
}

/**
 * Parts of one call to retry, some perhaps throttled with their own Retry-After (a Dataverse $batch answers
 * 200 with a 429 part): throttled for the longest wait one of them asked for, otherwise transient.
 */
export function retryLater(
  system: OutsideSystem,
  message: string,
  parts: readonly { retryAfterMs?: number | undefined }[],
): ExsyncError {
  const wait = Math.max(0, ...parts.map((p) => p.retryAfterMs ?? 0));
  return wait > 0 ? throttled(system, message, wait) : transient(system, message);
}

/** A failure worth a scheduled retry: what it was, from which system, and any wait the service asked for. */
export interface RetryableFailure {
  kind: 'throttled' | 'transient';
  system: OutsideSystem;
  retryAfterMs?: number;
  status?: number;
  code?: string;
}

/** Throttled or transient, from any outside system; undefined for every other kind, a bug or a crash. */
export function retryableFailureOf(e: unknown): RetryableFailure | undefined {
  if (!isKind(e, 'throttled', 'transient')) return undefined;
  return {
    kind: e.kind as RetryableFailure['kind'],
    system: e.system,
    ...(e.kind === 'throttled' && e.retryAfterMs > 0 ? { retryAfterMs: e.retryAfterMs } : {}),
    ...(e.status !== undefined ? { status: e.status } : {}),
    ...(e.code ? { code: e.code } : {}),
  };
}
