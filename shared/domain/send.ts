// Outgoing email: the send job, the states of an email row on its way out, and how a failure of Exchange
// decides the row's fate, as server-side synchronization has them (statuscode 6 Pending Send, 7 Sending,
// 3 Sent, 8 Failed; quota errors keep Pending Send and are retried next cycle).
import type { Parsed } from './jobs';
import type { ExsyncError } from './errors';
import type { Decision } from './activity';
import { SENT_ITEMS } from './item';
import { normalizeMessageId } from './message-id';

export const EMAIL_STATUS = { draft: 1, sent: 3, pendingSend: 6, sending: 7, failed: 8 } as const;

export interface SendJob {
  kind: 'send';
  mailboxId: string;
  trigger: 'schedule' | 'admin';
  /** The time slot, part of the duplicate-detection id. */
  slot: string;
}

export function parseSendJob(body: unknown): Parsed<SendJob> {
  const b = body as Record<string, unknown> | null;
  if (!b || typeof b !== 'object' || b.kind !== 'send') return { ok: false, error: 'send job: kind must be "send"' };
  if (typeof b.mailboxId !== 'string' || !b.mailboxId || b.mailboxId.length > 128)
    return { ok: false, error: 'send job: mailboxId missing or too long' };
  if (b.trigger !== 'schedule' && b.trigger !== 'admin') return { ok: false, error: 'send job: unknown trigger' };
  if (typeof b.slot !== 'string' || !b.slot) return { ok: false, error: 'send job: slot missing' };
  return { ok: true, value: { kind: 'send', mailboxId: b.mailboxId, trigger: b.trigger, slot: b.slot } };
}

export const isSendJobBody = (body: unknown): boolean => (body as { kind?: unknown } | null)?.kind === 'send';

/**
 * The named MAPI property that carries the email's activity id on the message in Exchange (public strings
 * property set, learn.microsoft.com/graph/api/resources/extended-properties-overview): a retry finds the
 * copy in Sent Items by it and does not send again.
 */
export const ACTIVITY_ID_PROPERTY = 'String {00020329-0000-0000-C000-000000000046} Name ExsyncActivityId';

/** Exchange's codes for a mailbox over its storage quota and over its sending limits: the mail waits. */
const QUOTA_CODES = ['ErrorQuotaExceeded', 'ErrorSubmissionQuotaExceeded'];

export type SendFailure = 'quota' | 'retry' | 'failed';

/** Quota errors keep Pending Send (alert, next cycle); throttling and transient errors retry; the rest fail the row. */
export function sendFailureOf(e: ExsyncError): SendFailure {
  if (e.code && QUOTA_CODES.includes(e.code)) return 'quota';
  if (e.kind === 'throttled' || e.kind === 'transient' || e.kind === 'conflict') return 'retry';
  return 'failed';
}

/** Text for a header (subject, address, name): CR and LF become spaces, so no line of ours can start a header. */
export const headerSafe = (s: string): string => s.replace(/[\r\n]+/g, ' ');

/** What the ledger keeps of a send: keyed by the activity id (`exsync explain --item <activityid>`). */
export function sendDecision(
  mailbox: { mailboxId: string; address: string },
  activityid: string,
  result: { outcome: 'sent' | 'pending' | 'failed'; reason: Decision['reason']; messageid?: string; detail?: string },
  now: Date,
): Decision {
  return {
    mailboxId: mailbox.mailboxId,
    mailbox: mailbox.address,
    workload: 'email',
    folder: SENT_ITEMS,
    internetMessageId: result.messageid ?? '',
    messageKey: result.messageid ? normalizeMessageId(result.messageid) : '',
    graphId: activityid,
    outcome: result.outcome,
    reason: result.reason,
    correlationMethod: 'None',
    activityid,
    ...(result.detail ? { detail: result.detail } : {}),
    decidedAt: now.toISOString(),
  };
}
