// Promotion: for one mail item, the decision SSS would take and the email activity to write.
// Order, as SSS takes it: validity and start date, duplicate, parties, correlation, filters, internal-mail
// rule, then the row.
import type { Decision, EmailActivity, ActivityParty, Evaluation, QueueItemOnly, RegardingUpdate } from './activity';
import type { Address, MailItem } from './item';
import type { EntityRef } from './refs';
import { PARTY_MASK } from './refs';
import type { Candidate, ResolutionOptions } from './party';
import { resolveRecipient, resolveSender, eligible } from './party';
import type { CorrelationSettings, KnownEmail, KnownEmails } from './correlate';
import { correlate, correlatedSubjectChanged, findTrackingTokens } from './correlate';
import { evaluateAcceptance, type Acceptance } from './accept';
import { SENT_ITEMS } from './item';
import { emailActivityId } from './message-id';
import { truncate, FIELD_LIMITS } from './limits';
import { carriesTrackedCategory } from './tracked-category';

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
  /** SSS-compatible watermark of this folder: mail received before it (moved in later) is not processed. */
  watermark?: string;
  /** The record a folder-tracked folder maps to, when the item is in one. */
  folderTracking?: EntityRef;
  /** TrackCategorizedItems: the category that tracks an item whatever the filters; undefined = off. */
  trackedCategory?: string;
  /** Enhanced: skip automatic replies (AutoReply). */
  autoReplyPolicy?: boolean;
  /** OrgDB internal-mail switches (IgnoreInternalEmailFromQueues, DoNotIgnoreInternalEmailToQueues, IgnoreInternalEmailDetectionEnhancement). */
  internal?: { fromQueues?: boolean; keepToQueues?: boolean; detectionEnhancement?: boolean };
  /**
   * CreateQueueItemsForAcceptingQueueRecipients / CreateQueueItemForSynchronizingMailbox, and
   * SSSCreateAdditionalQueueItemsForAlreadyTrackedEmail (a queue mailbox meeting a mail already tracked).
   */
  queueItems?: { acceptingQueues: boolean; syncingQueue: boolean; alreadyTracked?: boolean };
  /** The owning user of a queue (owner rules and queue mailboxes). */
  queueOwnerOf?(queueId: string): string | undefined;
}

export interface Promotion {
  decision: Decision;
  activity?: EmailActivity;
  update?: RegardingUpdate;
  /** A queue item for an email that exists already (the mail itself is not delivered again). */
  queueItem?: QueueItemOnly;
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

function parties(
  mask: ActivityParty['mask'],
  addresses: Address[],
  ctx: PromotionContext,
  opts: ResolutionOptions,
): ActivityParty[] {
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
  const outgoing = item.folder === SENT_ITEMS;
  const skip = (reason: Decision['reason'], detail?: string, extra: Partial<Decision> = {}): Promotion => ({
    decision: { ...base, outcome: 'skipped', reason, ...(detail ? { detail } : {}), ...extra },
  });

  // Tracked folders are measured against the start date by the item's modified date, the Inbox by its received
  // date (learn.microsoft.com, "Select the incoming email processing start date"): mail moved into a tracked
  // folder after the start date is tracked however old it is.
  const after = ctx.mailbox.processEmailReceivedAfter;
  const measured = ctx.folderTracking ? (item.lastModifiedDateTime ?? item.receivedDateTime) : item.receivedDateTime;
  if (after && Date.parse(measured) <= Date.parse(after)) {
    return skip(
      'BeforeProcessEmailReceivedAfter',
      ctx.folderTracking ? 'in a tracked folder, last modified before the start date' : undefined,
    );
  }
  if (ctx.watermark && Date.parse(item.receivedDateTime) < Date.parse(ctx.watermark)) {
    return skip(
      'BeforeProcessEmailReceivedAfter',
      'received before mail this folder already processed (moved in later); lower processemailreceivedafter to process it',
    );
  }

  const existing = ctx.existing(item.messageKey, outgoing);
  if (existing && !isOwnReplay(existing, item, ctx)) {
    // Folder tracking re-applies its Regarding to the row, whoever created it (PP-flt).
    if (ctx.folderTracking) {
      return {
        decision: {
          ...base,
          outcome: 'updated',
          reason: 'FolderTracked',
          correlationMethod: 'FolderTracking',
          activityid: existing.activityid,
          detail: 'Regarding set by folder tracking on an existing email',
        },
        update: { activityid: existing.activityid, regarding: ctx.folderTracking },
      };
    }
    const detail =
      existing.receivingMailboxId === ctx.mailbox.id
        ? 'another item of this mailbox with the same Message-ID and direction was tracked first'
        : 'an email with this Message-ID and direction is already tracked';
    // SSSCreateAdditionalQueueItemsForAlreadyTrackedEmail: the syncing queue gets a queue item for the row
    // that exists, by a plain queue item create; the mail is not delivered again.
    if (ctx.queueItems?.alreadyTracked && ctx.mailbox.owner.type === 'queue') {
      const queueItem = { activityid: existing.activityid, queueId: ctx.mailbox.owner.id };
      return {
        ...skip('Duplicate', `${detail}; a queue item is added for this queue`, { activityid: existing.activityid }),
        queueItem,
      };
    }
    return skip('Duplicate', detail, { activityid: existing.activityid });
  }
  if (ctx.autoReplyPolicy && item.autoReply) return skip('AutoReply', 'automatic reply (enhanced auto-reply policy)');

  const opts: ResolutionOptions = {
    ...ctx.resolution,
    mailboxOwnerId: ownerUserOf(ctx.mailbox.owner, ctx) ?? ctx.mailbox.owner.id,
  };
  const senderCandidates = ctx.candidates(item.from!.address);
  const sender = resolveSender(senderCandidates, opts);
  const to = parties(PARTY_MASK.to, item.to, ctx, opts);
  const cc = parties(PARTY_MASK.cc, item.cc, ctx, opts);
  // The Bcc field is empty on received mail, as in Dynamics 365.
  const bcc = outgoing ? parties(PARTY_MASK.bcc, item.bcc, ctx, opts) : [];
  const allParties: ActivityParty[] = [
    { mask: PARTY_MASK.from, ...(sender ? { party: sender } : {}), addressused: item.from!.address },
    ...to,
    ...cc,
    ...bcc,
  ];

  const correlation = ctx.folderTracking
    ? { method: 'None' as const, setsParent: false }
    : correlate(item, ctx.known, ctx.correlation);
  const correlated = correlation.method !== 'None';
  const recipientRefs = [...to, ...cc].flatMap((p) => (p.party ? [p.party] : []));
  const recipientPrincipals = recipientRefs.filter(isPrincipal);
  const acceptance: Acceptance = evaluateAcceptance({
    outgoing,
    mailboxOwner: ctx.mailbox.owner,
    recipientPrincipals,
    senderMatches: eligible(senderCandidates, opts).map((c) => c.ref),
    recipientMatches: [...to, ...cc, ...bcc].flatMap((p) => (p.party ? [p.party] : [])),
    correlated,
    onlySyncingMailbox: ctx.onlySyncingMailboxFilter,
    filterOf: ctx.filterOf,
  });
  const evaluation = evaluationJson(allParties, acceptance);
  const correlationFields = correlated
    ? { correlationMethod: correlation.method, correlatedActivityId: correlation.target!.activityid }
    : {};

  // Folder tracking and the tracking category bypass the filters (PP-flt, PP-corr).
  const categoryTracked = carriesTrackedCategory(item.categories, ctx.trackedCategory);
  let accepted: { by: EntityRef; reason: Decision['reason']; method: Decision['correlationMethod'] };
  if (ctx.folderTracking) accepted = { by: ctx.mailbox.owner, reason: 'FolderTracked', method: 'FolderTracking' };
  else if (acceptance.accepted) accepted = { by: acceptance.by, reason: acceptance.reason, method: correlation.method };
  else if (categoryTracked)
    accepted = {
      by: ctx.mailbox.owner,
      reason: 'CategoryTracked',
      method: correlated ? correlation.method : 'Category',
    };
  else return skip(acceptance.reason, undefined, { ...correlationFields, evaluation });

  if (!outgoing && !ctx.folderTracking && !categoryTracked && isInternal(sender, accepted.by, item, ctx)) {
    return skip('InternalEmailReject', undefined, { ...correlationFields, evaluation });
  }

  const activityid = emailActivityId(item.messageKey, outgoing);
  const subject = truncate(item.subject, FIELD_LIMITS.subject);
  const messageid = truncate(item.internetMessageId, FIELD_LIMITS.messageid);
  const token = ctx.correlation.tokensEnabled ? findTrackingTokens(item.subject, ctx.correlation)[0] : undefined;
  const headers = Object.keys(item.keptHeaders).length
    ? headersJson(item.keptHeaders, FIELD_LIMITS.internetmessageheaders)
    : undefined;
  const truncated = [
    subject.truncated && 'subject',
    messageid.truncated && 'messageid',
    headers?.truncated && 'internetmessageheaders',
  ].filter(Boolean);
  const subjectChanged = correlated
    ? correlatedSubjectChanged(item.subject, correlation.target!, ctx.correlation)
    : undefined;
  const detail = [
    truncated.length ? `truncated: ${truncated.join(', ')}` : '',
    subjectChanged ? "subject differs from the correlated email's" : '',
  ]
    .filter(Boolean)
    .join('; ');
  const regarding = ctx.folderTracking ?? (correlated ? correlation.target!.regarding : undefined);
  const owner = chooseOwner(
    outgoing,
    { to, cc, bcc },
    sender,
    senderCandidates,
    correlated ? correlation.target! : undefined,
    ctx,
  );
  const queueItems = queueItemsFor(acceptance, accepted.by, recipientPrincipals, ctx);

  const activity: EmailActivity = {
    activityid,
    subject: subject.value,
    description: item.body.content,
    directioncode: outgoing,
    statuscode: outgoing ? 3 : 4,
    messageid: messageid.value,
    ...(token ? { trackingtoken: token } : {}),
    actualend: outgoing ? (item.sentDateTime ?? item.receivedDateTime) : item.receivedDateTime,
    ...(regarding ? { regarding } : {}),
    ...(correlated ? { correlatedActivityId: correlation.target!.activityid } : {}),
    ...(subjectChanged !== undefined ? { correlatedsubjectchanged: subjectChanged } : {}),
    ...(correlated && correlation.setsParent ? { parentActivityId: correlation.target!.activityid } : {}),
    acceptingEntity: accepted.by,
    receivingMailboxId: ctx.mailbox.id,
    ...(owner ? { owner: { type: 'systemuser', id: owner } } : {}),
    ...(headers ? { internetmessageheaders: headers.value } : {}),
    parties: allParties,
    ...(queueItems.length ? { queueItems } : {}),
    ...(ctx.queueItems?.alreadyTracked && ctx.mailbox.owner.type === 'queue'
      ? { queueItemIfTracked: ctx.mailbox.owner.id }
      : {}),
  };
  return {
    decision: {
      ...base,
      outcome: 'promoted',
      reason: accepted.reason,
      correlationMethod: accepted.method,
      ...(correlated ? { correlatedActivityId: correlation.target!.activityid } : {}),
      activityid,
      acceptingEntity: accepted.by,
      evaluation,
      ...(detail ? { detail } : {}),
    },
    activity,
  };
}

/**
 * The row is this very item's, decided before (a page evaluated again after a crash, a write replayed):
 * decide it the same way again. Another item of the same mailbox with the same Message-ID (a copy, a
 * second delivery) is a duplicate like any other mailbox's. A row of this mailbox whose item is unknown
 * (found in Dataverse only) is taken as its own, as before the index carried the item.
 */
function isOwnReplay(
  existing: KnownEmail & { receivingMailboxId?: string },
  item: MailItem,
  ctx: PromotionContext,
): boolean {
  return (
    existing.receivingMailboxId === ctx.mailbox.id &&
    (existing.graphId === undefined || existing.graphId === item.graphId)
  );
}

/** The user who owns a mailbox: the user itself, or the owner of a queue. */
function ownerUserOf(ref: EntityRef, ctx: PromotionContext): string | undefined {
  if (ref.type === 'systemuser') return ref.id;
  if (ref.type === 'queue') return ctx.queueOwnerOf?.(ref.id);
  return undefined;
}

/**
 * Mail between Dynamics 365 users is internal. With "track as two activities" off (ignoreinternalemail)
 * the received copy is rejected, unless a queue accepted it and DoNotIgnoreInternalEmailToQueues is on,
 * or IgnoreInternalEmailDetectionEnhancement finds no sent copy tracked yet.
 */
function isInternal(
  sender: EntityRef | undefined,
  acceptedBy: EntityRef,
  item: MailItem,
  ctx: PromotionContext,
): boolean {
  if (!ctx.ignoreInternalEmail || !sender) return false;
  const fromUser = sender.type === 'systemuser' || (ctx.internal?.fromQueues === true && sender.type === 'queue');
  if (!fromUser) return false;
  if (ctx.internal?.keepToQueues && acceptedBy.type === 'queue') return false;
  if (ctx.internal?.detectionEnhancement && !ctx.existing(item.messageKey, true)) return false;
  return true;
}

/**
 * Owner (PP-owner): eligible candidates are the users behind To, then Cc, then Bcc recipients (a user,
 * or a queue's owner); prefer one who owns the correlated email, then the owner of the sender's contact,
 * account or lead, then the first. Sent mail belongs to its sender, the mailbox owner.
 */
function chooseOwner(
  outgoing: boolean,
  p: { to: ActivityParty[]; cc: ActivityParty[]; bcc: ActivityParty[] },
  sender: EntityRef | undefined,
  senderCandidates: Candidate[],
  correlatedWith: KnownEmail | undefined,
  ctx: PromotionContext,
): string | undefined {
  const mailboxUser = ownerUserOf(ctx.mailbox.owner, ctx);
  if (outgoing) return mailboxUser;
  const eligibleUsers: string[] = [];
  for (const party of [...p.to, ...p.cc, ...p.bcc]) {
    const ref = party.party;
    const user = ref
      ? (ownerUserOf(ref, ctx) ??
        (ref.type === 'queue'
          ? ctx.candidates(party.addressused).find((c) => c.ref.id === ref.id)?.ownerId
          : undefined))
      : undefined;
    if (user && !eligibleUsers.includes(user)) eligibleUsers.push(user);
  }
  if (correlatedWith?.ownerId && eligibleUsers.includes(correlatedWith.ownerId)) return correlatedWith.ownerId;
  if (sender && ['contact', 'account', 'lead'].includes(sender.type)) {
    const senderOwner = senderCandidates.find((c) => c.ref.id === sender.id)?.ownerId;
    if (senderOwner && eligibleUsers.includes(senderOwner)) return senderOwner;
  }
  return eligibleUsers[0] ?? mailboxUser;
}

function queueItemsFor(
  acceptance: Acceptance,
  acceptedBy: EntityRef,
  recipientPrincipals: EntityRef[],
  ctx: PromotionContext,
): string[] {
  const out = new Set<string>();
  if (ctx.queueItems?.acceptingQueues) {
    for (const c of acceptance.checked)
      if (c.accepted && c.entity.type === 'queue' && recipientPrincipals.some((r) => r.id === c.entity.id))
        out.add(c.entity.id);
    if (acceptedBy.type === 'queue' && recipientPrincipals.some((r) => r.id === acceptedBy.id)) out.add(acceptedBy.id);
  }
  // The syncing queue gets one even when the mail reached it through a DL or Bcc.
  if (
    ctx.queueItems?.syncingQueue &&
    ctx.mailbox.owner.type === 'queue' &&
    acceptedBy.type === 'queue' &&
    acceptedBy.id === ctx.mailbox.owner.id
  )
    out.add(ctx.mailbox.owner.id);
  return [...out];
}

/** Parties and filters behind the decision, capped so a 10,000-recipient mail stays a small ledger row. */
function evaluationJson(parties: ActivityParty[], acceptance: Acceptance): string {
  const roles = { 1: 'from', 2: 'to', 3: 'cc', 4: 'bcc' } as const;
  const byAddress = new Map<string, Evaluation['parties'][number]>();
  for (const p of parties) {
    const key = `${p.mask}:${p.addressused}`;
    const e = byAddress.get(key) ?? { role: roles[p.mask], address: p.addressused, resolved: [] };
    if (p.party) e.resolved.push(p.party);
    byAddress.set(key, e);
  }
  const evaluation: Evaluation = {
    parties: [...byAddress.values()].slice(0, 50),
    filters: acceptance.checked.slice(0, 50),
  };
  return JSON.stringify(evaluation);
}
