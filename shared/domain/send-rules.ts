// What decides whether an email waiting in Pending Send goes out this cycle, as server-side synchronization
// has it (learn.microsoft.com/power-platform/admin/troubleshooting-monitoring-server-based-synchronization):
// the sending mailbox must be active, approved when the organization asks for it, enabled for outgoing email
// and tested (Test & Enable's outgoing status Success); an email with a later send time waits for it; an email
// to recipients that resolve to no record goes only when the organization allows it; a mailbox sends at most
// so many emails a cycle, oldest first, and the rest waits its turn.
import type { Reason } from './reasons';
import { TEST_STATUS } from './test-enable';

/** What of the mailbox row decides whether it may send. */
export interface SendingMailbox {
  owner: { type: string };
  active: boolean;
  approval: number;
  enabledForOutgoing?: boolean;
  /** Test & Enable's `outgoingemailstatus` (0 Not Run, 1 Success, 2 Failure). */
  outgoingStatus?: number;
}
export interface SendingRules {
  requireApprovalForUserEmail: boolean;
  requireApprovalForQueueEmail: boolean;
  /** `allowunresolvedpartiesonemailsend`: recipients that resolve to no record get the mail at their address. */
  allowUnresolvedRecipients: boolean;
}
/** Why an email did not go out this cycle, for the ledger (`exsync explain --item`). */
export interface Hold {
  reason: Reason;
  detail: string;
}

/** `emailrouteraccessapproval` 1 is Approved. */
const APPROVED = 1;

/**
 * Why the mailbox's mail stays in Pending Send, the first cause found in this order: inactive, not approved,
 * outgoing disabled, outgoing not tested (SSS's causes of mail stuck in Pending Send); undefined when it may send.
 */
export function sendHold(m: SendingMailbox, rules: SendingRules): Hold | undefined {
  if (!m.active) return { reason: 'MailboxDisabled', detail: 'the mailbox is inactive (statecode 1): nothing is sent' };
  const needsApproval =
    m.owner.type === 'queue' ? rules.requireApprovalForQueueEmail : rules.requireApprovalForUserEmail;
  if (needsApproval && m.approval !== APPROVED)
    return { reason: 'MailboxNotApproved', detail: 'the mailbox email address is not approved: nothing is sent' };
  if (m.enabledForOutgoing === false)
    return {
      reason: 'OutgoingDisabled',
      detail: 'outgoing email is disabled on the mailbox (enabledforoutgoingemail)',
    };
  if (m.outgoingStatus !== TEST_STATUS.success)
    return {
      reason: 'OutgoingNotTested',
      detail: 'outgoing email has not passed Test & Enable (outgoingemailstatus is not Success)',
    };
  return undefined;
}

/** An email whose `delayedemailsendtime` is still ahead waits for it. */
export function laterHold(notBefore: string | undefined, now: Date): Hold | undefined {
  if (!notBefore || !(Date.parse(notBefore) > now.getTime())) return undefined;
  return { reason: 'SendLater', detail: `delayed send: not before ${new Date(notBefore).toISOString()}` };
}

/** Recipients that resolve to no record: sent to their address only when the organization allows it. */
export function unresolvedHold(unresolved: number, rules: SendingRules): Hold | undefined {
  if (!unresolved || rules.allowUnresolvedRecipients) return undefined;
  return {
    reason: 'UnresolvedRecipients',
    detail: `${unresolved} recipient(s) resolve to no record and the organization does not allow email to unresolved recipients (allowunresolvedpartiesonemailsend)`,
  };
}

/** Over the mailbox's emails per cycle: the rest keeps its place for the next cycle. */
export const backlogHold = (limit: number): Hold => ({
  reason: 'SendBacklog',
  detail: `waits its turn: the mailbox sends at most ${limit} emails a cycle, oldest first`,
});

/** `deliveryprioritycode` (0 Low, 1 Normal, 2 High) as the message's importance in Exchange. */
export function importanceOf(code: number | undefined): 'low' | 'normal' | 'high' {
  return code === 0 ? 'low' : code === 2 ? 'high' : 'normal';
}
