// The send stage (sync-jobs, the mailbox's session): the mailbox's emails in Pending Send go out through
// Exchange, each claimed first (Sending), with its activity id on the message, then marked Sent with the
// Message-ID Exchange used. A row found in Sending was claimed by a run that may have sent it: Sent Items is
// asked before it is sent again.
import { QUEUES, type DvMailbox } from '../ports';
import type { MailSendPort, OutboxPort, PendingEmail, SentCopy } from '../ports-send';
import { isExsyncError, poison, type ExsyncError } from '../domain/errors';
import { EMAIL_STATUS, headerSafe, parseSendJob, sendFailureOf } from '../domain/send';
import { backlogHold, importanceOf, laterHold, sendHold, unresolvedHold, type Hold } from '../domain/send-rules';
import type { OrgSettings } from '../domain/org-settings';
import { findTrackingTokens } from '../domain/correlate';
import {
  nextToken,
  queueTokenNumber,
  subjectWithToken,
  userTokenStem,
  type TokenFormat,
} from '../domain/tracking-token';
import { ALERTS } from '../domain/alerts';
import { raiseAlert } from './alerts';
import { withReschedule } from './reschedule';
import { outgoingAttachmentsOf } from './send-attachments';
import type { InboundMessage, PipelineDeps } from './deps';
import { decideSend as decide, holdEmail } from './send-decisions';

type SendDeps = PipelineDeps & { outbox: OutboxPort; mailSend: MailSendPort };
/** What became of one email: sent, taken by another worker, or the mailbox must stop for this cycle. */
type EmailResult = 'sent' | 'taken' | 'failed' | 'stop';

export async function handleSendMessage(msg: InboundMessage, deps: PipelineDeps): Promise<void> {
  const parsed = parseSendJob(msg.body);
  if (!parsed.ok) throw poison(parsed.error);
  const { outbox, mailSend } = deps;
  if (!outbox || !mailSend) return deps.log.warn('send.not-wired', { mailboxId: parsed.value.mailboxId });
  const d: SendDeps = { ...deps, outbox, mailSend };
  await withReschedule(QUEUES.syncJobs, msg, deps, () => sendMailbox(parsed.value.mailboxId, d));
}

async function sendMailbox(mailboxId: string, deps: SendDeps): Promise<void> {
  const ctx = await deps.dataverse.loadOrgContext();
  const mb = ctx.mailboxes.find((m) => m.mailboxid === mailboxId);
  if (!mb) return deps.log.warn('send.mailbox-missing', { mailboxId });
  const pending = await deps.outbox.pending(mb.owner);
  if (!pending.length) return;
  // Mail of a mailbox that may not send stays in Pending Send, each email with the reason in the ledger.
  const hold = sendHold(mb, ctx.org);
  if (hold) {
    for (const email of pending) await holdEmail(deps, mb, email, hold);
    return deps.log.info('send.held', { mailboxId, pending: pending.length, reason: hold.reason });
  }
  const turn = await thisCycle(pending, mb, deps);
  const format = await deps.outbox.tokenFormat();
  const userNumber = format ? await tokenNumber(mb, format, deps) : undefined;
  const counts: Record<EmailResult, number> = { sent: 0, taken: 0, failed: 0, stop: 0 };
  let overQuota = false;
  for (const email of turn) {
    const tokens = format && userNumber !== undefined ? { format, userNumber } : undefined;
    const r = await sendOne(email, mb, ctx.org, deps, tokens, overQuota);
    counts[r]++;
    overQuota ||= r === 'stop';
  }
  deps.log.info('send.done', { mailboxId, pending: pending.length, ...counts });
}

/** The number in the mailbox's tokens: its user's, or for a queue a number of its own (queueTokenNumber). */
async function tokenNumber(mb: DvMailbox, format: TokenFormat, deps: SendDeps): Promise<number | undefined> {
  if (mb.owner.type === 'systemuser') return await deps.outbox.userNumber(mb.owner.id);
  if (mb.owner.type === 'queue') return queueTokenNumber(format, await deps.outbox.queuePosition(mb.owner.id));
  return undefined;
}

/**
 * The emails this cycle sends, oldest first: not one whose delayed send time is ahead, and at most the
 * mailbox's emails per cycle; the rest keep their place in Pending Send, with the reason in the ledger.
 */
async function thisCycle(pending: PendingEmail[], mb: DvMailbox, deps: SendDeps): Promise<PendingEmail[]> {
  const now = deps.clock.now();
  const due: PendingEmail[] = [];
  for (const email of pending) {
    const later = email.statuscode === EMAIL_STATUS.pendingSend ? laterHold(email.notBefore, now) : undefined;
    if (later) await holdEmail(deps, mb, email, later);
    else due.push(email);
  }
  const limit = deps.settings.sendPerCycle;
  for (const email of due.slice(limit)) await holdEmail(deps, mb, email, backlogHold(limit));
  return due.slice(0, limit);
}

async function sendOne(
  email: PendingEmail,
  mb: DvMailbox,
  org: OrgSettings,
  deps: SendDeps,
  tokens: { format: TokenFormat; userNumber: number } | undefined,
  overQuota: boolean,
): Promise<EmailResult> {
  if (overQuota && email.statuscode === EMAIL_STATUS.pendingSend) return await notTried(email, mb, deps);
  const unresolved = email.statuscode === EMAIL_STATUS.pendingSend ? unresolvedHold(email.unresolved, org) : undefined;
  if (unresolved) return await refused(email, mb, deps, unresolved);
  if (email.statuscode === EMAIL_STATUS.pendingSend && !(await deps.outbox.claim(email))) return 'taken';
  // Sending already: an earlier run claimed it and may have sent it before it could say so.
  const found =
    email.statuscode === EMAIL_STATUS.sending ? await deps.mailSend.findSent(mb.address, email.activityid) : undefined;
  if (overQuota && !found) return await notTried(email, mb, deps);
  let token = email.trackingtoken;
  let copy: SentCopy | undefined = found;
  let detail = '';
  if (found) token ??= tokenIn(found.subject, tokens?.format);
  else {
    token ??= tokens
      ? nextToken(
          tokens.format,
          tokens.userNumber,
          await deps.outbox.lastToken(userTokenStem(tokens.format, tokens.userNumber)),
        )
      : undefined;
    const out = subjectWithToken(headerSafe(email.subject), token);
    token = out.token;
    const files = await outgoingAttachmentsOf(email, deps);
    detail = files.detail;
    try {
      const importance = importanceOf(email.priority);
      copy = await deps.mailSend.send(mb.address, {
        ...email,
        subject: out.subject,
        importance,
        attachments: files.files,
      });
    } catch (e) {
      return await sendFailed(e, email, mb, deps);
    }
  }
  await deps.outbox.markSent(email.activityid, {
    messageid: copy!.internetMessageId,
    subject: copy!.subject,
    ...(token ? { trackingtoken: token } : {}),
    senton: copy!.sentDateTime ?? deps.clock.now().toISOString(),
  });
  await decide(deps, mb, email.activityid, {
    outcome: 'sent',
    reason: found ? 'SentBefore' : 'Sent',
    messageid: copy!.internetMessageId,
    ...(detail ? { detail } : {}),
  });
  return 'sent';
}

/**
 * Quota: back to Pending Send, an Error alert, next cycle. Throttled or transient: the row stays Sending and the
 * error goes up, so the job is scheduled again with backoff and asks Sent Items first (the send may have happened).
 */
async function sendFailed(e: unknown, email: PendingEmail, mb: DvMailbox, deps: SendDeps): Promise<EmailResult> {
  if (!isExsyncError(e)) throw e;
  const fate = sendFailureOf(e);
  const props = { mailboxId: mb.mailboxid, activityId: email.activityid, code: e.code, kind: e.kind };
  if (fate === 'quota') {
    await deps.outbox.release(email.activityid);
    await raiseAlert(deps, mb.mailboxid, ALERTS.sendQuotaExceeded(e.code ?? 'ErrorQuotaExceeded'));
    // Over the sending limits (recipients a day): Exchange will take it later; over the storage quota: once freed.
    const submission = e.code === 'ErrorSubmissionQuotaExceeded';
    const reason = submission ? 'SubmissionQuotaExceeded' : 'QuotaExceeded';
    const detail = `${why(e)}: ${submission ? 'will try again later' : 'tried again next cycle'}`;
    await decide(deps, mb, email.activityid, { outcome: 'pending', reason, detail });
    return 'stop';
  }
  if (fate === 'retry') {
    deps.log.warn('send.retry', props);
    await decide(deps, mb, email.activityid, { outcome: 'pending', reason: 'SendRetry', detail: why(e) });
    throw e;
  }
  await deps.outbox.markFailed(email.activityid);
  deps.log.warn('send.failed', props);
  await raiseAlert(deps, mb.mailboxid, ALERTS.sendFailed(email.activityid, e.code ?? e.kind));
  await decide(deps, mb, email.activityid, { outcome: 'failed', reason: 'SendFailed', detail: why(e) });
  return 'failed';
}

/**
 * The mailbox went over its quota this cycle: the rest waits in Pending Send for the next cycle, with the reason in
 * the ledger. A row left in Sending that is not in Sent Items was not sent, so it goes back to Pending Send too.
 */
async function notTried(email: PendingEmail, mb: DvMailbox, deps: SendDeps): Promise<EmailResult> {
  if (email.statuscode === EMAIL_STATUS.sending) await deps.outbox.release(email.activityid);
  const detail = 'not tried: the mailbox is over its quota this cycle';
  await decide(deps, mb, email.activityid, { outcome: 'pending', reason: 'QuotaExceeded', detail });
  return 'stop';
}

/** A rule of the organization refuses the email before it reaches Exchange: Failed, with the reason. */
async function refused(email: PendingEmail, mb: DvMailbox, deps: SendDeps, hold: Hold): Promise<EmailResult> {
  await deps.outbox.markFailed(email.activityid);
  await raiseAlert(deps, mb.mailboxid, ALERTS.sendFailed(email.activityid, hold.reason));
  await decide(deps, mb, email.activityid, { outcome: 'failed', reason: hold.reason, detail: hold.detail });
  return 'failed';
}

/** The error as the decision's detail: its kind, status and the service's code, never the message text. */
const why = (e: ExsyncError) => [e.kind, e.status, e.code].filter((x) => x !== undefined).join(' ');

function tokenIn(subject: string, format: TokenFormat | undefined): string | undefined {
  if (!format) return undefined;
  const digits = 1 + format.userDigits + String(Math.max(1, format.maxCounter)).length;
  return findTrackingTokens(subject, { tokenPrefixes: [format.prefix], tokenDigits: digits })[0];
}
