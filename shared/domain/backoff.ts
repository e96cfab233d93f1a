// When to try a message again after a throttled or transient failure. Pure: the delay follows from the
// retry's message id (queue-message-ids.ts) and the attempt, so a run with the same faults schedules the
// same retries.
import { keyHash } from './message-id';
import { retryMessageId } from './queue-message-ids';

/** First backoff of a transient failure; each further attempt doubles it, up to BACKOFF_CAP_MS. */
export const BACKOFF_BASE_MS = 5_000;
export const BACKOFF_CAP_MS = 5 * 60_000;
/**
 * Scheduled retries of a transient failure before the queue's own delivery count takes over: at the
 * lowest jitter they span 76 minutes (nominally 95), so a service outage of an hour is ridden out.
 */
export const MAX_RETRY_ATTEMPTS = 24;

/** A number in [0, 1) fixed by the message and the attempt: jitter that spreads retries yet replays the same. */
export function jitterOf(messageId: string | undefined, attempt: number): number {
  return parseInt(keyHash(retryMessageId(messageId, attempt)).slice(0, 8), 16) / 0x1_0000_0000;
}

export interface RetryCause {
  /** The service said how long to wait (Retry-After): throttling with a known end. */
  retryAfterMs?: number;
  /** throttled: the service is busy and said so; transient: it failed (5xx, timeout, connection). */
  kind: 'throttled' | 'transient';
}

/**
 * How long to wait before retry `attempt` (1 = the first). A Retry-After is what the service asked for:
 * kept as is, plus up to 20 % so messages throttled together do not return in the same instant. Without
 * one, exponential backoff from BACKOFF_BASE_MS to BACKOFF_CAP_MS, jittered to 80–120 %, never shorter
 * than a Retry-After a transient answer carried.
 */
export function retryDelayMs(attempt: number, cause: RetryCause, messageId: string | undefined): number {
  const u = jitterOf(messageId, attempt);
  const asked = Math.max(0, cause.retryAfterMs ?? 0);
  if (cause.kind === 'throttled' && asked > 0) return Math.round(Math.max(1000, asked) * (1 + 0.2 * u));
  const exponential = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(30, Math.max(0, attempt - 1)));
  return Math.round(Math.max(asked, exponential * (0.8 + 0.4 * u)));
}

/**
 * Whether retry `attempt` may be scheduled: throttling with a Retry-After always (the service said when it
 * takes us again), anything else MAX_RETRY_ATTEMPTS times.
 */
export function mayRetry(attempt: number, cause: RetryCause): boolean {
  return (cause.kind === 'throttled' && (cause.retryAfterMs ?? 0) > 0) || attempt <= MAX_RETRY_ATTEMPTS;
}
