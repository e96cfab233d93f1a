// Promotion: for one mail item, the decision SSS would take and the email activity to write.
// Order (sss-behaviour.md 1.3-1.8): validity and start date, duplicate, parties, correlation, filters,
// internal-mail rule, then the row.
import type { Decision, EmailActivity, ActivityParty } from './activity';
import type { Address, MailItem } from './item';
import type { EntityRef } from './refs';
import { PARTY_MASK } from './refs';
import type { Candidate, ResolutionOptions } from './party';
import { resolveRecipient, resolveSender, eligible } from './party';
import type { CorrelationSettings, KnownEmail, KnownEmails } from './correlate';
import { correlate, findTrackingTokens } from './correlate';
import { evaluateAcceptance } from './accept';
import { emailActivityId } from './message-id';
import { truncate, FIELD_LIMITS } from './limits';

export interface PromotionMailbox {
  id: string;
  address: string;
  owner: EntityRef;
  /** The later of the mailbox's and the server profile's start dates. */
  processEmailReceivedAfter?: string;
}

export interface PromotionContext {
  mailbox: PromotionMailbox;
  now: string;
  correlation: CorrelationSettings;
  ignoreInternalEmail: boolean;
  onlySyncingMailboxFilter: boolean;
  resolution: Omit<ResolutionOptions, 'mailboxOwnerId'>;
  filterOf(ref: EntityRef): number | undefined;
  candidates(address: string): Candidate[];
  known: KnownEmails;
  /** An email already decided or stored for this Message-ID and direction, with who created it. */
  existing(messageKey: string, outgoing: boolean): (KnownEmail & { receivingMailboxId?: string }) | undefined;
}

export interface Promotion {
  decision: Decision;
  activity?: EmailActivity;
}

function baseDecision(item: MailItem, ctx: PromotionContext): Omit<Decision, 'outcome' | 'reason'> {
  return {
    mailboxId: ctx.mailbox.id,
    mailbox: ctx.mailbox.address,
    workload: 'email',
    folder: item.folder,
    internetMessageId: item.internetMessageId,
    messageKey: item.messageKey,
    graphId: item.graphId,
    correlationMethod: 'None',
    decidedAt: ctx.now,
  };
}

const isPrincipal = (r: EntityRef) => r.type === 'systemuser' || r.type === 'queue';

function parties(mask: ActivityParty['mask'], addresses: Address[], ctx: PromotionContext, opts: ResolutionOptions): ActivityParty[] {
  const out: ActivityParty[] = [];
  for (const a of addresses) {
    const refs = resolveRecipient(ctx.candidates(a.address), opts);
    if (refs.length === 0) out.push({ mask, addressused: a.address });
    for (const r of refs) out.push({ mask, party: r, addressused: a.address });
  }
  return out;
}

/** The kept headers as JSON of at most max characters: long values are cut, so the text stays valid JSON. */
function headersJson(kept: Record<string, string>, max: number): { value: string; truncated: boolean } {
  const values = { ...kept };
  let json = JSON.stringify(values);
  let truncated = false;
  while (json.length > max) {
    const longest = Object.keys(values).reduce((a, b) => (values[b]!.length > values[a]!.length ? b : a));
    const v = values[longest]!;
    if (v.length === 0) break;
    values[longest] = truncate(v, Math.max(0, v.length - (json.length - max))).value;
    truncated = true;
    json = JSON.stringify(values);
  }
  return { value: json, truncated };
}

export function promote(item: MailItem, ctx: PromotionContext): Promotion {
  const base = baseDecision(item, ctx);
  const outgoing = item.folder === 'sentitems';
  const skip = (reason: Decision['reason'], detail?: string, extra: Partial<Decision> = {}): Promotion => ({
    decision: { ...base, outcome: 'skipped', reason, ...(detail ? { detail } : {}), ...extra },
  });

  const after = ctx.mailbox.processEmailReceivedAfter;
  if (after && Date.parse(item.receivedDateTime) <= Date.parse(after)) return skip('BeforeProcessEmailReceivedAfter');

  const existing = ctx.existing(item.messageKey, outgoing);
  if (existing && existing.receivingMailboxId !== ctx.mailbox.id) {
    return skip('Duplicate', 'an email with this Message-ID and direction is already tracked', { activityid: existing.activityid });
  }

  const opts: ResolutionOptions = { ...ctx.resolution, mailboxOwnerId: ctx.mailbox.owner.id };
  const senderCandidates = ctx.candidates(item.from!.address);
  const sender = resolveSender(senderCandidates, opts);
  const to = parties(PARTY_MASK.to, item.to, ctx, opts);
  const cc = parties(PARTY_MASK.cc, item.cc, ctx, opts);
  // The Bcc field is empty on received mail (sss-behaviour.md 1.6).
  const bcc = outgoing ? parties(PARTY_MASK.bcc, item.bcc, ctx, opts) : [];

  const correlation = correlate(item, ctx.known, ctx.correlation);
  const correlated = correlation.method !== 'None';
  const recipientRefs = [...to, ...cc].flatMap((p) => (p.party ? [p.party] : []));
  const acceptance = evaluateAcceptance({
    outgoing,
    mailboxOwner: ctx.mailbox.owner,
    recipientPrincipals: recipientRefs.filter(isPrincipal),
    senderMatches: eligible(senderCandidates, opts).map((c) => c.ref),
    recipientMatches: [...to, ...cc, ...bcc].flatMap((p) => (p.party ? [p.party] : [])),
    correlated,
    onlySyncingMailbox: ctx.onlySyncingMailboxFilter,
    filterOf: ctx.filterOf,
  });
  const correlationFields = correlated ? { correlationMethod: correlation.method, correlatedActivityId: correlation.target!.activityid } : {};
  if (!acceptance.accepted) return skip(acceptance.reason, undefined, correlationFields);

  // Mail from a Dynamics 365 user to a user is tracked only as the sender's copy when "two activities" is off.
  if (!outgoing && ctx.ignoreInternalEmail && sender?.type === 'systemuser') return skip('InternalEmailReject', undefined, correlationFields);

  const activityid = emailActivityId(item.messageKey, outgoing);
  const subject = truncate(item.subject, FIELD_LIMITS.subject);
  const messageid = truncate(item.internetMessageId, FIELD_LIMITS.messageid);
  const token = ctx.correlation.tokensEnabled ? findTrackingTokens(item.subject, ctx.correlation)[0] : undefined;
  const headers = Object.keys(item.keptHeaders).length ? headersJson(item.keptHeaders, FIELD_LIMITS.internetmessageheaders) : undefined;
  const truncated = [subject.truncated && 'subject', messageid.truncated && 'messageid', headers?.truncated && 'internetmessageheaders'].filter(Boolean);

  const owner = acceptance.by.type === 'systemuser' ? acceptance.by : ctx.mailbox.owner.type === 'systemuser' ? ctx.mailbox.owner : undefined;
  const activity: EmailActivity = {
    activityid,
    subject: subject.value,
    description: item.body.content,
    directioncode: outgoing,
    statuscode: outgoing ? 3 : 4,
    messageid: messageid.value,
    ...(token ? { trackingtoken: token } : {}),
    actualend: outgoing ? (item.sentDateTime ?? item.receivedDateTime) : item.receivedDateTime,
    ...(correlated && correlation.target!.regarding ? { regarding: correlation.target!.regarding } : {}),
    ...(correlated ? { correlatedActivityId: correlation.target!.activityid } : {}),
    ...(correlated && correlation.setsParent ? { parentActivityId: correlation.target!.activityid } : {}),
    acceptingEntity: acceptance.by,
    receivingMailboxId: ctx.mailbox.id,
    ...(owner ? { owner } : {}),
    ...(headers ? { internetmessageheaders: headers.value } : {}),
    parties: [{ mask: PARTY_MASK.from, ...(sender ? { party: sender } : {}), addressused: item.from!.address }, ...to, ...cc, ...bcc],
  };
  return {
    decision: {
      ...base,
      outcome: 'promoted',
      reason: acceptance.reason,
      ...correlationFields,
      activityid,
      acceptingEntity: acceptance.by,
      ...(truncated.length ? { detail: `truncated: ${truncated.join(', ')}` } : {}),
    },
    activity,
  };
}
