// What promotion is given for one mail item (the mailbox, the organization's rules, the page's lookups)
// and what it answers: the decision, and the row, update or queue item to write.
import type { Decision, EmailActivity, QueueItemOnly, RegardingUpdate } from './activity';
import type { EntityRef } from './refs';
import type { Candidate, ResolutionOptions } from './party';
import type { CorrelationSettings, KnownEmail, KnownEmails } from './correlate';

export interface PromotionMailbox {
  id: string;
  address: string;
  owner: EntityRef;
  /** The later of the mailbox's and the server profile's start dates. */
  processEmailReceivedAfter?: string;
}

/** A row already stored or decided for a Message-ID and direction, with the mailbox that created it. */
export type ExistingEmail = KnownEmail & { receivingMailboxId?: string };

export interface PromotionContext {
  mailbox: PromotionMailbox;
  now: string;
  correlation: CorrelationSettings;
  ignoreInternalEmail: boolean;
  onlySyncingMailboxFilter: boolean;
  resolution: Omit<ResolutionOptions, 'mailboxOwnerId'>;
  filterOf: (ref: EntityRef) => number | undefined;
  candidates(address: string): Candidate[];
  known: KnownEmails;
  /** An email already decided or stored for this Message-ID and direction, with who created it. */
  existing(messageKey: string, outgoing: boolean): ExistingEmail | undefined;
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

/** Who accepted the mail, by which rule, and the correlation method the decision names. */
export interface Accepted {
  by: EntityRef;
  reason: Decision['reason'];
  method: Decision['correlationMethod'];
}
