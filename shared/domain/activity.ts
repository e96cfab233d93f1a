// What promotion produces: a decision for every item, and for promoted items the email activity to write.
import type { CorrelationMethod, Outcome, Reason, Workload } from './reasons';
import type { EntityRef, EmailPartyMask } from './refs';
import type { FolderKind } from './item';
import type { AttachmentInfo } from './attachments';

export interface Decision {
  mailboxId: string;
  /** The mailbox's address, as the dump and explain show it. */
  mailbox: string;
  workload: Workload;
  folder: FolderKind;
  internetMessageId: string;
  messageKey: string;
  graphId: string;
  outcome: Outcome;
  reason: Reason;
  correlationMethod: CorrelationMethod;
  activityid?: string;
  correlatedActivityId?: string;
  acceptingEntity?: EntityRef;
  /** One line for an administrator; never an address, subject or body. */
  detail?: string;
  /** How the decision was reached, as JSON (see Evaluation): what explain shows. */
  evaluation?: string;
  decidedAt: string;
  /** Decided in shadow mode: what the product would have done; nothing was written. */
  shadow?: boolean;
}

/** The parties and filters behind a decision, kept in the ledger (customer's own storage) for explain. */
export interface Evaluation {
  parties: { role: 'from' | 'to' | 'cc' | 'bcc'; address: string; resolved: EntityRef[] }[];
  /** Users and queues whose incoming filter was consulted, in order, and what it said. */
  filters: { entity: EntityRef; filter: number | undefined; accepted: boolean }[];
}

export interface ActivityParty {
  mask: EmailPartyMask;
  /** Resolved row, or undefined for an unresolved address (kept in addressused). */
  party?: EntityRef;
  addressused: string;
}

export interface EmailActivity {
  activityid: string;
  subject: string;
  description: string;
  /** true = outgoing (Sent Items), false = incoming. */
  directioncode: boolean;
  /** 3 Sent or 4 Received, under statecode 1 Completed. */
  statuscode: 3 | 4;
  messageid: string;
  trackingtoken?: string;
  /** Received time; Dataverse's senton is read-only, so actualend carries it. */
  actualend: string;
  regarding?: EntityRef;
  correlatedActivityId?: string;
  /** Only for In-Reply-To and ConversationIndex correlation (SSS rule). */
  parentActivityId?: string;
  /** Set on correlated emails: whether the subject differs from the correlated email's (Dataverse column). */
  correlatedsubjectchanged?: boolean;
  acceptingEntity?: EntityRef;
  receivingMailboxId: string;
  owner?: EntityRef;
  /** JSON of the headers SSS keeps (Auto-Submitted, Reply-To), at most 500 characters. */
  internetmessageheaders?: string;
  /** 0 none, 1 attachments not all saved, 2 body truncated (Dataverse email.notifications). */
  notifications?: 0 | 1 | 2;
  /** The write stage reads the Exchange item's attachments and stores those the organization allows. */
  attachments?: true;
  /** Once read: the attachments to store (`attachments` is then gone, so a deferred batch does not read them again). */
  keptAttachments?: AttachmentInfo[];
  parties: ActivityParty[];
  /** Queues that get a queue item for this email (accepting queue recipients, the syncing queue). */
  queueItems?: string[];
  /** The syncing queue, when another mailbox creates the email first: its queue item then (SSSCreateAdditionalQueueItemsForAlreadyTrackedEmail). */
  queueItemIfTracked?: string;
}

/** A queue item for an email row that exists already: its queue and the email it points at. */
export interface QueueItemOnly {
  activityid: string;
  queueId: string;
}

/** A change to a row that already exists: folder tracking re-applies the mapped Regarding. */
export interface RegardingUpdate {
  activityid: string;
  regarding: EntityRef;
}

/** A correlation index row: what the engine knows about an email by its Message-ID. */
export interface IndexedEmail {
  messageKey: string;
  activityid: string;
  outgoing: boolean;
  regarding?: EntityRef;
  trackingtoken?: string;
  /** The mailbox whose decision created the row (rows it finds later are its own, not duplicates). */
  mailboxId?: string;
  ownerId?: string;
  subject?: string;
  conversationRoot?: string;
  conversationIndex?: string;
  /** The Exchange item it was decided from: a page evaluated again after a crash knows its own entries. */
  graphId?: string;
}
