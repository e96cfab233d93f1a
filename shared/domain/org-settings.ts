// The organization's settings as server-side synchronization reads them from Dataverse: columns of the
// organization row, and the OrgDB switches (the orgdborgsettings XML, changed with Microsoft's OrgDBOrgSettings
// tool: learn.microsoft.com/troubleshoot/dynamics-365/sales/orgdborgsettings-tool-for-microsoft-dynamics-crm).
// Read once at the Dataverse edge; nothing after it sees a raw setting text.
import type { SmartMatching } from './smart-match';
import type { AttachmentLimits } from './attachments';

/** The OrgDB switches the product honours, each named after its OrgDB setting. */
export interface OrgDbSwitches {
  /** Sent Items are synced too. */
  autoTrackSentFolderItems: boolean;
  /** An item with the tracking category is tracked whatever the filters. */
  trackCategorizedItems: boolean;
  /** Correlation skips In-Reply-To and the conversation index. */
  ignoreConversationIndexAndInReplyToForCorrelation: boolean;
  /** Only the syncing mailbox's own filter is asked when a mail correlates. */
  useFilteringMethodOfSyncingMailboxOnlyForCorrelation: boolean;
  /** A sender address that matches several rows stays unresolved. */
  unresolveSenderInCaseOfMultipleMatch: boolean;
  /** Deactivated contacts, accounts and leads are resolved too. */
  resolveForInactiveEntities: boolean;
  /** Mail from a queue counts as internal. */
  ignoreInternalEmailFromQueues: boolean;
  /** Internal mail a queue accepted is kept. */
  doNotIgnoreInternalEmailToQueues: boolean;
  /** Internal mail is rejected only when its sent copy is tracked already. */
  ignoreInternalEmailDetectionEnhancement: boolean;
  /** Each accepting queue recipient gets a queue item. */
  createQueueItemsForAcceptingQueueRecipients: boolean;
  /** The syncing queue gets a queue item. */
  createQueueItemForSynchronizingMailbox: boolean;
  /** A queue mailbox meeting a mail tracked already adds its queue item to the existing row. */
  sssCreateAdditionalQueueItemsForAlreadyTrackedEmail: boolean;
  /** A row that stops matching the sync filters is unlinked from Exchange, not deleted there. */
  distinctPhysicalAndLogicalDeletesForExchangeSync: boolean;
}

/** Each switch's OrgDB setting name and its value when the organization does not set it. */
export const ORGDB_SWITCHES: { readonly [K in keyof OrgDbSwitches]: readonly [name: string, dflt: boolean] } = {
  autoTrackSentFolderItems: ['AutoTrackSentFolderItems', false],
  trackCategorizedItems: ['TrackCategorizedItems', true],
  ignoreConversationIndexAndInReplyToForCorrelation: ['IgnoreConversationIndexAndInReplyToForCorrelation', false],
  useFilteringMethodOfSyncingMailboxOnlyForCorrelation: ['UseFilteringMethodOfSyncingMailboxOnlyForCorrelation', false],
  unresolveSenderInCaseOfMultipleMatch: ['UnresolveSenderInCaseOfMultipleMatch', false],
  resolveForInactiveEntities: ['ResolveForInactiveEntities', false],
  ignoreInternalEmailFromQueues: ['IgnoreInternalEmailFromQueues', false],
  doNotIgnoreInternalEmailToQueues: ['DoNotIgnoreInternalEmailToQueues', false],
  ignoreInternalEmailDetectionEnhancement: ['IgnoreInternalEmailDetectionEnhancement', false],
  createQueueItemsForAcceptingQueueRecipients: ['CreateQueueItemsForAcceptingQueueRecipients', true],
  createQueueItemForSynchronizingMailbox: ['CreateQueueItemForSynchronizingMailbox', true],
  sssCreateAdditionalQueueItemsForAlreadyTrackedEmail: ['SSSCreateAdditionalQueueItemsForAlreadyTrackedEmail', false],
  distinctPhysicalAndLogicalDeletesForExchangeSync: ['DistinctPhysicalAndLogicalDeletesForExchangeSync', false],
};

export interface OrgSettings {
  emailCorrelationEnabled: boolean;
  ignoreInternalEmail: boolean;
  unresolveIfMultipleMatch: boolean;
  tokensEnabled: boolean;
  /** Current tracking-token prefix first, then earlier ones. */
  trackingPrefixes: string[];
  /** Digits after the prefix: designator + user digits + counter digits. */
  tokenDigits: number;
  requireApprovalForUserEmail: boolean;
  requireApprovalForQueueEmail: boolean;
  smartMatching: SmartMatching;
  folderTrackingEnabled: boolean;
  maxTrackingFolders: number;
  /** Per-file size limit and blocked extensions for the attachments kept (maxuploadfilesize, blockedattachments). */
  attachments: AttachmentLimits;
  orgDb: OrgDbSwitches;
}
