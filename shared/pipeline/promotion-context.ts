// The promotion context for one mailbox and page: the organization's settings (Dataverse and OrgDB,
// as SSS reads them), the app settings for enhanced behaviours, and the page's lookups.
import type { DvMailbox, OrgContext, PageLookup } from '../ports';
import type { EntityRef } from '../domain/refs';
import type { CorrelationSettings } from '../domain/correlate';
import type { PromotionContext } from '../domain/promotion';
import type { StageSettings } from './deps';
import type { PageKnowledge } from './known-emails';
import { trackedCategory } from '../domain/tracked-category';

export function correlationSettings(ctx: OrgContext, st: StageSettings = {} as StageSettings): CorrelationSettings {
  return {
    headerCorrelation: ctx.org.emailCorrelationEnabled,
    ignoreHeaderCorrelation: ctx.org.orgDb.ignoreConversationIndexAndInReplyToForCorrelation,
    tokensEnabled: ctx.org.tokensEnabled,
    tokenPrefixes: ctx.org.trackingPrefixes,
    tokenDigits: ctx.org.tokenDigits,
    smartMatching: ctx.org.smartMatching,
    references: st.enhancedReferences === true,
    sameSubjectGuard: st.enhancedSameSubjectGuard === true,
  };
}

/** TrackCategorizedItems (default on): the category name that tracks an item, or undefined when off. */
export function trackedCategoryOf(ctx: OrgContext, st: StageSettings): string | undefined {
  return trackedCategory(ctx.org.orgDb.trackCategorizedItems, st.trackedCategoryName);
}

/** Users without a usersettings row filter as SSS documents (1, responses); queues default to 0 (all). */
export function filterOf(ctx: OrgContext) {
  return (ref: EntityRef) =>
    ref.type === 'systemuser'
      ? (ctx.userFilters.get(ref.id) ?? 1)
      : ref.type === 'queue'
        ? (ctx.queues.get(ref.id)?.filter ?? 0)
        : undefined;
}

export function promotionContext(
  mb: DvMailbox,
  ctx: OrgContext,
  st: StageSettings,
  lookup: PageLookup,
  known: PageKnowledge,
  now: string,
  tracking?: EntityRef,
): PromotionContext {
  const trackedCategory = trackedCategoryOf(ctx, st);
  return {
    mailbox: {
      id: mb.mailboxid,
      address: mb.address,
      owner: mb.owner,
      ...(mb.processEmailReceivedAfter ? { processEmailReceivedAfter: mb.processEmailReceivedAfter } : {}),
    },
    now,
    correlation: correlationSettings(ctx, st),
    ignoreInternalEmail: ctx.org.ignoreInternalEmail,
    onlySyncingMailboxFilter: ctx.org.orgDb.useFilteringMethodOfSyncingMailboxOnlyForCorrelation,
    resolution: {
      unresolveSenderIfMultiple: ctx.org.orgDb.unresolveSenderInCaseOfMultipleMatch,
      unresolveRecipientIfMultiple: ctx.org.unresolveIfMultipleMatch,
      resolveInactive: ctx.org.orgDb.resolveForInactiveEntities,
    },
    filterOf: filterOf(ctx),
    candidates: (address) => lookup.parties.get(address) ?? [],
    known,
    existing: (key, outgoing) => known.existing(key, outgoing),
    ...(tracking ? { folderTracking: tracking } : {}),
    ...(trackedCategory ? { trackedCategory } : {}),
    autoReplyPolicy: st.enhancedAutoReplyPolicy === true,
    internal: {
      fromQueues: ctx.org.orgDb.ignoreInternalEmailFromQueues,
      keepToQueues: ctx.org.orgDb.doNotIgnoreInternalEmailToQueues,
      detectionEnhancement: ctx.org.orgDb.ignoreInternalEmailDetectionEnhancement,
    },
    queueItems: {
      acceptingQueues: ctx.org.orgDb.createQueueItemsForAcceptingQueueRecipients,
      syncingQueue: ctx.org.orgDb.createQueueItemForSynchronizingMailbox,
      alreadyTracked: ctx.org.orgDb.sssCreateAdditionalQueueItemsForAlreadyTrackedEmail,
    },
    queueOwnerOf: (queueId) => ctx.queues.get(queueId)?.ownerId,
  };
}
