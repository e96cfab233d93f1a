// Promotion: for one mail item, the decision SSS would take and the email activity to write.
// Order, as SSS takes it: validity and start date, duplicate, parties, correlation, filters, internal-mail
// rule, then the row. Each step below is one of these rules; the row is built in promote-row.
import type { Decision } from './activity';
import type { MailItem } from './item';
import type { EntityRef } from './refs';
import { eligible } from './party';
import { correlate, type Correlation } from './correlate';
import { evaluateAcceptance, type Acceptance } from './accept';
import { SENT_ITEMS } from './item';
import { isBeforeWatermark } from './checkpoint';
import { carriesTrackedCategory } from './tracked-category';
import type { Accepted, ExistingEmail, Promotion, PromotionContext } from './promotion';
import { resolveParties, type ResolvedParties } from './promote-parties';
import { emailRow, evaluationJson } from './promote-row';
import { emailActivityId } from './message-id';

type Skip = (reason: Decision['reason'], detail?: string, extra?: Partial<Decision>) => Promotion;

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

export function promote(item: MailItem, ctx: PromotionContext): Promotion {
  const base = baseDecision(item, ctx);
  const outgoing = item.folder === SENT_ITEMS;
  const skip: Skip = (reason, detail, extra = {}) => ({
    decision: { ...base, outcome: 'skipped', reason, ...(detail ? { detail } : {}), ...extra },
  });
  const early = beforeStartDate(item, ctx, skip) ?? alreadyTracked(item, outgoing, ctx, base, skip);
  if (early) return early;
  if (ctx.autoReplyPolicy && item.autoReply) return skip('AutoReply', 'automatic reply (enhanced auto-reply policy)');

  const parties = resolveParties(item, outgoing, ctx);
  // A folder-tracked mail takes its folder's Regarding: it is not correlated.
  const correlation: Correlation = ctx.folderTracking
    ? { method: 'None', setsParent: false }
    : correlate(item, ctx.known, ctx.correlation);
  const correlated = correlation.method !== 'None';
  const acceptance = applyFilters(outgoing, parties, correlated, ctx);
  const evaluation = evaluationJson(parties.all, acceptance);
  const correlationFields = correlated
    ? { correlationMethod: correlation.method, correlatedActivityId: correlation.target!.activityid }
    : {};
  const accepted = acceptedBy(item, acceptance, correlation, ctx);
  if (!accepted) return skip(acceptance.reason, undefined, { ...correlationFields, evaluation });
  if (isRejectedInternal(item, outgoing, parties.sender, accepted.by, ctx))
    return skip('InternalEmailReject', undefined, { ...correlationFields, evaluation });

  const { activity, detail } = emailRow(item, ctx, parties, correlation, acceptance, accepted);
  return {
    decision: {
      ...base,
      outcome: 'promoted',
      reason: accepted.reason,
      correlationMethod: accepted.method,
      ...(correlated ? { correlatedActivityId: correlation.target!.activityid } : {}),
      activityid: activity.activityid,
      acceptingEntity: accepted.by,
      evaluation,
      ...(detail ? { detail } : {}),
    },
    activity,
  };
}

/**
 * The start date: tracked folders are measured by the item's modified date, the Inbox by its received
 * date (learn.microsoft.com, "Select the incoming email processing start date"), so mail moved into a
 * tracked folder after the start date is tracked however old it is. Then the folder's watermark: mail
 * received before what the folder already processed (moved in later) is not processed either.
 */
function beforeStartDate(item: MailItem, ctx: PromotionContext, skip: Skip): Promotion | undefined {
  const after = ctx.mailbox.processEmailReceivedAfter;
  const measured = ctx.folderTracking ? (item.lastModifiedDateTime ?? item.receivedDateTime) : item.receivedDateTime;
  if (after && Date.parse(measured) <= Date.parse(after)) {
    return skip(
      'BeforeProcessEmailReceivedAfter',
      ctx.folderTracking ? 'in a tracked folder, last modified before the start date' : undefined,
    );
  }
  if (isBeforeWatermark(item.receivedDateTime, ctx.watermark)) {
    return skip(
      'BeforeProcessEmailReceivedAfter',
      'received before mail this folder already processed (moved in later); lower processemailreceivedafter to process it',
    );
  }
  return undefined;
}

/**
 * A row with this Message-ID and direction exists (not this item's own, replayed): a Duplicate, or, in a
 * folder-tracked folder, the folder's Regarding set again on that row, whoever created it. A queue
 * mailbox with SSSCreateAdditionalQueueItemsForAlreadyTrackedEmail adds its queue item to the row by a
 * plain queue item create; the mail is not delivered again.
 */
function alreadyTracked(
  item: MailItem,
  outgoing: boolean,
  ctx: PromotionContext,
  base: Omit<Decision, 'outcome' | 'reason'>,
  skip: Skip,
): Promotion | undefined {
  const existing = ctx.existing(item.messageKey, outgoing);
  if (!existing || isOwnReplay(existing, item, outgoing, ctx)) return undefined;
  const activityid = existing.activityid;
  if (ctx.folderTracking) {
    const detail = 'Regarding set by folder tracking on an existing email';
    return {
      decision: {
        ...base,
        outcome: 'updated',
        reason: 'FolderTracked',
        correlationMethod: 'FolderTracking',
        activityid,
        detail,
      },
      update: { activityid, regarding: ctx.folderTracking },
    };
  }
  const detail =
    existing.receivingMailboxId === ctx.mailbox.id
      ? 'another item of this mailbox with the same Message-ID and direction was tracked first'
      : 'an email with this Message-ID and direction is already tracked';
  if (ctx.queueItems?.alreadyTracked && ctx.mailbox.owner.type === 'queue') {
    const queueItem = { activityid, queueId: ctx.mailbox.owner.id };
    return { ...skip('Duplicate', `${detail}; a queue item is added for this queue`, { activityid }), queueItem };
  }
  return skip('Duplicate', detail, { activityid });
}

/**
 * The row is this very item's, decided before (a page evaluated again after a crash, a write replayed):
 * decide it the same way again. Another item of the same mailbox with the same Message-ID (a copy, a
 * second delivery) is a duplicate like any other mailbox's. A row of this mailbox whose item is unknown
 * (found in Dataverse only) is taken as its own, as before the index carried the item, when it has the id
 * this product gives the message: SSS's row for the same mailbox (a mailbox taken over from it) is not.
 */
function isOwnReplay(existing: ExistingEmail, item: MailItem, outgoing: boolean, ctx: PromotionContext): boolean {
  if (existing.receivingMailboxId !== ctx.mailbox.id) return false;
  if (existing.graphId !== undefined) return existing.graphId === item.graphId;
  return existing.activityid === emailActivityId(item.messageKey, outgoing);
}

/** The users' and queues' incoming email filters, as SSS asks them (see accept). */
function applyFilters(outgoing: boolean, p: ResolvedParties, correlated: boolean, ctx: PromotionContext): Acceptance {
  return evaluateAcceptance({
    outgoing,
    mailboxOwner: ctx.mailbox.owner,
    recipientPrincipals: p.recipientPrincipals,
    senderMatches: eligible(p.senderCandidates, p.opts).map((c) => c.ref),
    recipientMatches: [...p.to, ...p.cc, ...p.bcc].flatMap((x) => (x.party ? [x.party] : [])),
    correlated,
    onlySyncingMailbox: ctx.onlySyncingMailboxFilter,
    filterOf: ctx.filterOf,
  });
}

/**
 * Who accepts the mail: folder tracking, whatever the filters; else the filters; else the tracking
 * category, whatever the filters. Undefined when nobody does.
 */
function acceptedBy(
  item: MailItem,
  acceptance: Acceptance,
  correlation: Correlation,
  ctx: PromotionContext,
): Accepted | undefined {
  if (ctx.folderTracking) return { by: ctx.mailbox.owner, reason: 'FolderTracked', method: 'FolderTracking' };
  if (acceptance.accepted) return { by: acceptance.by, reason: acceptance.reason, method: correlation.method };
  if (carriesTrackedCategory(item.categories, ctx.trackedCategory)) {
    const method = correlation.method !== 'None' ? correlation.method : 'Category';
    return { by: ctx.mailbox.owner, reason: 'CategoryTracked', method };
  }
  return undefined;
}

/**
 * Mail between Dynamics 365 users is internal. With "track as two activities" off (ignoreinternalemail)
 * the received copy is rejected, unless a queue accepted it and DoNotIgnoreInternalEmailToQueues is on,
 * or IgnoreInternalEmailDetectionEnhancement finds no sent copy tracked yet. Folder tracking and the
 * tracking category track it all the same.
 */
function isRejectedInternal(
  item: MailItem,
  outgoing: boolean,
  sender: EntityRef | undefined,
  acceptedBy: EntityRef,
  ctx: PromotionContext,
): boolean {
  if (outgoing || ctx.folderTracking || carriesTrackedCategory(item.categories, ctx.trackedCategory)) return false;
  if (!ctx.ignoreInternalEmail || !sender) return false;
  const fromUser = sender.type === 'systemuser' || (ctx.internal?.fromQueues === true && sender.type === 'queue');
  if (!fromUser) return false;
  if (ctx.internal?.keepToQueues && acceptedBy.type === 'queue') return false;
  if (ctx.internal?.detectionEnhancement && !ctx.existing(item.messageKey, true)) return false;
  return true;
}
