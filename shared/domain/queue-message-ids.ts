// Service Bus message ids, the keys of duplicate detection, in one place. Each id follows from what the
// message stands for (a mailbox's time slot, a page's decisions, an attempt), so a second send of the same
// work carries the same id and the queue drops it, while new work never shares an id with old.
// Not to be confused with message-id.ts: the RFC 5322 Message-ID headers of the mail itself.
import type { SyncJob, WriteEntry } from './jobs';
import { keyHash } from './message-id';

/** Service Bus refuses a MessageId over 128 characters. */
export const MAX_MESSAGE_ID_CHARS = 128;

/** A sync job: one per mailbox, workload and time slot (a timer firing twice in a slot sends one job). */
export function syncJobMessageId(job: Pick<SyncJob, 'mailboxId' | 'workload' | 'slot'>): string {
  return `${job.mailboxId}:${job.workload}:${job.slot}`;
}

/** A send job: one per mailbox and time slot, beside its sync job in the same session. */
export function sendJobMessageId(job: { mailboxId: string; slot: string }): string {
  return `${job.mailboxId}:send:${job.slot}`;
}

/** An ACT job: one per mailbox and ACT time slot, in the mailbox's session. */
export function actJobMessageId(job: { mailboxId: string; slot: string; workload?: string }): string {
  return job.workload ? `${job.mailboxId}:act:${job.workload}:${job.slot}` : `${job.mailboxId}:act:${job.slot}`;
}

/** The job that carries on a budget-limited run from `step` (folder and time), hashed to stay short. */
export function continuationMessageId(job: Pick<SyncJob, 'mailboxId'>, step: string): string {
  return `${job.mailboxId}:email:cont:${keyHash(step)}`;
}

/** A write batch: same decisions, same id (a replayed page is dropped); new content never is. */
export function writeBatchMessageId(mailboxId: string, entries: WriteEntry[]): string {
  const fingerprint = entries.map(
    (e) =>
      `${e.decision.graphId}|${e.decision.outcome}|${e.decision.reason}|${e.activity?.activityid ?? ''}${e.queueItem ? `|q:${e.queueItem.queueId}` : ''}`,
  );
  return `${mailboxId}:w:${keyHash(fingerprint.join(';'))}`;
}

/** A write batch put off for the `deferral`-th time, waiting for an email it points at. */
export function deferredWriteMessageId(batchId: string, deferral: number): string {
  return `${batchId}:deferred:${deferral}`;
}

const RETRY_SUFFIX = /:retry:(\d+)$/;
/** Ids of the earlier scheme carried a timestamp where the attempt is now: such a message starts over. */
const LARGEST_ATTEMPT = 1_000_000;

/** Which retry this message already is: 0 for an original, n for the one sent as `…:retry:n`. */
export function retryAttemptOf(messageId: string | undefined): number {
  const n = Number(RETRY_SUFFIX.exec(messageId ?? '')?.[1] ?? 0);
  return n > LARGEST_ATTEMPT ? 0 : n;
}

/** The id of retry `attempt`: the original id (an earlier retry suffix stripped) + `:retry:<attempt>`, within 128 characters. */
export function retryMessageId(messageId: string | undefined, attempt: number): string {
  const original = (messageId || 'msg').replace(RETRY_SUFFIX, '');
  const suffix = `:retry:${attempt}`;
  // Too long to append to: a hash stands for the original, the same one at every attempt.
  const base = original.length + suffix.length > MAX_MESSAGE_ID_CHARS ? `h${keyHash(original)}` : original;
  return `${base}${suffix}`;
}

/**
 * A dead letter sent again: it needs a new id, or duplicate detection would drop it as the original within
 * its window. `nonce` tells replays apart; the original id is cut so the whole stays within 128 characters.
 */
export function replayMessageId(original: string, nonce: string): string {
  const suffix = `:replay:${nonce}`;
  return original.slice(0, MAX_MESSAGE_ID_CHARS - suffix.length) + suffix;
}

/**
 * A sync job brought by change notifications: one per mailbox and fold window (`window` = the run's time in
 * whole windows), so a storm of notifications for one mailbox within a window is one sync, dropped as duplicates.
 */
export function notifyJobMessageId(mailboxId: string, window: number): string {
  return `${mailboxId}:notify:${window}`;
}
