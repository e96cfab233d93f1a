// The Table Storage adapter's errors, domain-neutral so callers decide on retry without knowing the SDK.
// Classified by HTTP statusCode: RestError.code is undefined on some single-entity errors.

/** transient: retry later; throttled: retry after retryAfterMs; permanent: retrying the same request cannot help. */
export type TableErrorKind = 'transient' | 'throttled' | 'permanent';

export class TableStoreError extends Error {
  constructor(
    message: string,
    readonly kind: TableErrorKind,
    readonly statusCode?: number,
    /** The service's error code when it sent one (e.g. EntityTooLarge, InvalidDuplicateRow). */
    readonly code?: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'TableStoreError';
  }
}

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

/** Wraps anything the SDK throws into a TableStoreError; `what` names the operation, never key values. */
export function toTableStoreError(err: unknown, what: string): TableStoreError {
  if (err instanceof TableStoreError) return err;
  const e = (err ?? {}) as RestErrorLike;
  const status = statusOf(err);
  const message = `${what}: ${e.message ?? String(err)}`;
  // Where the SDK leaves `code` empty, the service's x-ms-error-code header still names the error.
  const code = e.code ?? e.response?.headers?.get?.('x-ms-error-code') ?? undefined;
  if (status === undefined) return new TableStoreError(message, 'transient', undefined, code); // network, DNS, reset
  if (status === 429 || status === 503) {
    // Table Storage signals throttling as 503 ServerBusy.
    return new TableStoreError(message, 'throttled', status, code, retryAfterMs(e));
  }
  if (status === 408 || status >= 500) return new TableStoreError(message, 'transient', status, code);
  return new TableStoreError(message, 'permanent', status, code);
}

function retryAfterMs(e: RestErrorLike): number | undefined {
  const raw = e.response?.headers?.get?.('retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  return Number.isFinite(seconds) ? Math.max(0, seconds * 1000) : undefined;
}
