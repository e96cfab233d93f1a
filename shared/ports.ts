// The ports the pipeline stages are written against. Adapters in shared/adapters/ implement them for
// Azure; the local runtime wires the same adapters (or the embedded queue) on one machine.
import type { EntityRef } from './domain/refs';
import type { Decision, EmailActivity, IndexedEmail, QueueItemOnly, RegardingUpdate } from './domain/activity';
import type { FolderKind } from './domain/item';
import type { SmartEntry } from './domain/smart-match';
import type { KnownEmail } from './domain/correlate';
import type { Checkpoint } from './domain/checkpoint';
import type { OrgSettings } from './domain/org-settings';
import type { MailboxTestResult, MailboxTestRetry, TestRetryColumns } from './ports-test-enable';
import type { AttachmentRow } from './domain/attachments';

export interface Clock {
  now(): Date;
  /** A short wait inside a step (a batch item's Retry-After); whole-job waits are scheduled messages instead. */
  sleep?(ms: number): Promise<void>;
}
export type LogProps = Record<string, string | number | boolean | undefined>;
/** Structured events only: callers pass ids and counts, never addresses, subjects or bodies. */
export interface Log {
  info: (event: string, props?: LogProps) => void;
  warn: (event: string, props?: LogProps) => void;
  error: (event: string, props?: LogProps) => void;
}

// ---------------------------------------------------------------- Graph
export type GraphJson = Record<string, unknown>;
export interface DeltaPage {
  value: GraphJson[];
  nextLink?: string;
  deltaLink?: string;
}
export interface BatchItemResult {
  status: number;
  body?: GraphJson;
  /** Set on 429/503: how long the service asked to wait for this item. */
  retryAfterMs?: number;
}
export interface GraphPort {
  /** Starts a round when `cursor` is undefined, otherwise replays the stored nextLink/deltaLink unchanged. */
  messagesDelta(mailbox: string, folder: FolderKind, cursor: string | undefined): Promise<DeltaPage>;
  /** Child folders of a folder (folder-tracked folders given by name are resolved under the Inbox). */
  childFolders(mailbox: string, parent: string): Promise<{ id: string; displayName: string }[]>;
  /**
   * One message with the given properties: headers missing from delta, or the full item behind a partial update.
   * `extended`: ids of single-value extended properties to expand in the same request (in
   * `singleValueExtendedProperties`, only those the item has).
   */
  getMessage(
    mailbox: string,
    graphId: string,
    select: readonly string[],
    extended?: readonly string[],
  ): Promise<GraphJson>;
  /** Several messages in JSON $batch requests (20 a request): one result per id, 404s and per-item 429s included. */
  getMessages(
    mailbox: string,
    graphIds: string[],
    select: readonly string[],
    extended?: readonly string[],
  ): Promise<Map<string, BatchItemResult>>;
  /** Test & Enable: one access check of a mailbox; throws the translated error when Graph refuses it. */
  checkAccess(mailbox: string, check: AccessCheck): Promise<void>;
  /** Messages' attachment lists, without content, in JSON $batch requests (20 a request): one result per id. */
  listAttachments(mailbox: string, graphIds: string[]): Promise<Map<string, BatchItemResult>>;
  /** One attachment with its content (a file's contentBytes and contentId); undefined when it is gone (404). */
  getAttachment(mailbox: string, graphId: string, attachmentId: string): Promise<GraphJson | undefined>;
}
/** incoming: read the Inbox; outgoing: send the test mail to the mailbox itself; the rest: read that workload. */
export type AccessCheck = 'incoming' | 'outgoing' | 'calendar' | 'contacts' | 'tasks';

// ---------------------------------------------------------------- Dataverse
/** An email row found in Dataverse: what correlation knows of any email, plus how Dataverse stores it. */
export interface ExistingEmail extends KnownEmail {
  messageid: string;
  messageKey: string;
  receivingMailboxId?: string;
}
export interface PartyCandidate {
  ref: EntityRef;
  /** The column the address matched in, e.g. emailaddress1. */
  column: string;
  ownerId?: string;
  createdon?: string;
  active: boolean;
}
export interface PageLookup {
  /** Emails already in Dataverse, by normalized Message-ID. */
  emails: Map<string, ExistingEmail[]>;
  /** Emails already in Dataverse, by upper-cased tracking token. */
  tokens: Map<string, ExistingEmail[]>;
  /** Emails already in Dataverse, by conversation root (hex of the first 22 bytes of conversationindex). */
  conversations: Map<string, ExistingEmail[]>;
  /** Rows whose email-format columns hold the address, by lower-cased address. */
  parties: Map<string, PartyCandidate[]>;
}
export interface OrgContext {
  org: OrgSettings;
  /** usersettings.incomingemailfilteringmethod by systemuserid. */
  userFilters: Map<string, number>;
  users: Map<string, { address?: string; disabled: boolean }>;
  queues: Map<string, { address?: string; filter: number; ownerId?: string }>;
  mailboxes: DvMailbox[];
  /** Folder-level tracking mappings (mailboxtrackingfolders), by mailbox id. */
  trackingFolders: Map<string, TrackingFolder[]>;
}
export interface TrackingFolder {
  id: string;
  mailboxId: string;
  /** Exchange folder id (we read it as the Graph folder id) and/or its name. */
  folderId?: string;
  folderName?: string;
  regarding: EntityRef;
  createdon?: string;
}
export interface DvMailbox extends TestRetryColumns {
  mailboxid: string;
  address: string;
  owner: EntityRef;
  incomingDeliveryMethod: number;
  enabledForIncoming: boolean;
  approval: number;
  processEmailReceivedAfter?: string;
  active: boolean;
  modifiedon?: string;
  /** Test & Enable: `incomingemailstatus`, `outgoingemailstatus` (0 Not Run, 1 Success, 2 Failure): each works after 1. */
  incomingStatus: number;
  outgoingStatus?: number;
  /** Test & Enable was requested (`testemailconfigurationscheduled`). */
  testRequested?: boolean;
  /** outgoingemaildeliverymethod (2 = server-side synchronization); absent = not read. */
  outgoingDeliveryMethod?: number;
  enabledForOutgoing?: boolean;
  actDeliveryMethod?: number;
}
/** `waiting`: an email it points at (correlated, parent) is not in Dataverse yet. */
export type EmailWriteStatus = 'created' | 'updated' | 'exists' | 'failed' | 'retry' | 'waiting';
export interface EmailWriteResult {
  activityid: string;
  status: EmailWriteStatus;
  /** When status is 'exists': the mailbox that created the existing row, if recorded. */
  existingReceivingMailboxId?: string;
  error?: string;
  /** When status is 'retry' because Dataverse throttled this write: the wait its part asked for (Retry-After). */
  retryAfterMs?: number;
}
export interface LookupRequest {
  messageIds: string[];
  trackingTokens: string[];
  addresses: string[];
  /** Conversation roots (hex) to find rows by conversationindex. */
  conversationRoots?: string[];
}
export interface RegardingState {
  activityid: string;
  regarding?: EntityRef;
}
export interface DataversePort {
  loadOrgContext(): Promise<OrgContext>;
  /** One round trip for a page: existing emails by Message-ID and party candidates by address. */
  lookup(req: LookupRequest): Promise<PageLookup>;
  /**
   * Completed emails changed at or after `since` (modifiedon), oldest change first, at most `max`, with their
   * parties' addresses: the smart-matching index learns other writers' emails from it. `complete` when fewer were left.
   */
  emailsChangedSince(
    since: string,
    max: number,
  ): Promise<{ rows: (ExistingEmail & { modifiedon?: string })[]; complete: boolean }>;
  /** Creates the emails (create-only by activity id) in $batch requests; one result per write, in order. */
  createEmails(activities: EmailActivity[]): Promise<EmailWriteResult[]>;
  /** Sets Regarding on existing emails (folder tracking re-applies it); one result per update. */
  updateRegarding(updates: RegardingUpdate[]): Promise<EmailWriteResult[]>;
  /** Queue items for emails that exist, unless the queue has one for the email; results carry the queue item id. */
  createQueueItems(items: QueueItemOnly[]): Promise<EmailWriteResult[]>;
  /** Current Regarding of the given emails (missing rows are left out). */
  regardingOf(activityIds: string[]): Promise<RegardingState[]>;
  /** As SSS does on a permanent failure: clear enabledforincomingemail and mark incoming Failure. */
  disableIncoming(mailboxId: string): Promise<void>;
  /** Test & Enable's result: the status columns, the completion time, and the request cleared. */
  recordMailboxTest(mailboxId: string, result: MailboxTestResult): Promise<void>;
  /** A requested test Graph asked to retry: the count and the time before which it is not run again. */
  postponeMailboxTest(mailboxId: string, retry: MailboxTestRetry): Promise<void>;
  /** Attachment rows of emails, create-only by id; one result per row (`activityid` is the row's id). */
  createAttachments(rows: AttachmentRow[]): Promise<EmailWriteResult[]>;
  /** The alert as a trace log on the mailbox, where Dynamics 365 shows it; a repeat of its code folds into one row. */
  recordMailboxAlert?(alert: MailboxAlert): Promise<void>;
}
// ---------------------------------------------------------------- Table Storage
/** A folder's sync position and watermark: the value and its transitions live in the domain. */
export type { Checkpoint };
export interface CheckpointStore {
  get(mailboxId: string, folder: FolderKind): Promise<Checkpoint | undefined>;
  /** Writes with an ETag check (insert-only when no etag); returns the checkpoint with its new etag. */
  save(checkpoint: Checkpoint): Promise<Checkpoint>;
  list(): Promise<Checkpoint[]>;
}

export interface MailboxHealth {
  state: 'healthy' | 'failing' | 'disabled';
  consecutiveFailures: number;
  lastError?: string;
  lastSyncStartedAt?: string;
  lastSyncCompletedAt?: string;
  nextDueAt?: string;
  lastFailureAt?: string;
  /** When we disabled incoming (Dataverse's later modifiedon then means an admin re-enabled it). */
  disabledAt?: string;
  /** Folder-tracking mappings (mailboxtrackingfolder ids) whose folder is gone or unreadable, alerted once. */
  unavailableFolders?: string[];
}
export interface MailboxRecord {
  mailboxId: string;
  address: string;
  owner: EntityRef;
  enabledForIncoming: boolean;
  health: MailboxHealth;
  etag?: string;
}
export interface MailboxRegistry {
  list(): Promise<MailboxRecord[]>;
  get(mailboxId: string): Promise<MailboxRecord | undefined>;
  upsert(record: MailboxRecord): Promise<void>;
  upsertMany(records: MailboxRecord[]): Promise<void>; // in as few round trips as the store allows
}

export interface Ledger {
  /** Upserts the latest decision per (mailbox, workload, Exchange item id). */
  record(decisions: Decision[]): Promise<void>;
  /** The latest decision for one item, by its Graph (immutable) id; getMany for several (a page's) at once. */
  get(mailboxId: string, workload: string, graphId: string): Promise<Decision | undefined>;
  getMany(mailboxId: string, workload: string, graphIds: string[]): Promise<Map<string, Decision>>;
  forMailbox(mailboxId: string): Promise<Decision[]>;
  all(): Promise<Decision[]>;
  /** Every mailbox's decision on one message, by normalized Message-ID. */
  byMessage(messageKey: string): Promise<Decision[]>;
}

export interface MailboxAlert {
  mailboxId: string;
  /** SSS's alert levels. */
  level: 'Error' | 'Warning' | 'Information';
  /** Stable identifier: MailboxDisabled, TransientFailure, PermanentFailure, NotApproved, PlatformOutage, Recovered, … */
  code: string;
  message: string;
  at: string;
}
export interface AlertLog {
  record(alert: MailboxAlert): Promise<void>;
  /** Newest first. */
  forMailbox(mailboxId: string, max?: number): Promise<MailboxAlert[]>;
  all(max?: number): Promise<MailboxAlert[]>;
}

/** Message-ID -> activity the engine decided on, kept in Table Storage because Dataverse cannot store In-Reply-To for us. */
export interface CorrelationIndex {
  /** Rows carry the deterministic email ids (emailActivityId of the Message-ID and direction). */
  get(messageKeys: string[]): Promise<Map<string, IndexedEmail[]>>;
  /** Emails the engine decided on, by conversation root (hex of the first 22 bytes of the index). */
  getConversations(roots: string[]): Promise<Map<string, IndexedEmail[]>>;
  put(entries: IndexedEmail[]): Promise<void>;
  /** The smart-matching index beside it. */
  smart: SmartMatchIndex;
}

/** Smart-matching entries filed by key (domain/smart-match.ts entryKeys), and the feed of Dataverse emails. */
export interface SmartMatchIndex {
  /** Every entry filed under one of the keys (a point read per key). */
  get(keys: string[]): Promise<SmartEntry[]>;
  /** Files each entry under each of its keys; an entry already filed (same activity id) is kept as it is. */
  put(entries: { entry: SmartEntry; keys: string[] }[]): Promise<void>;
  /** How far the feed of Dataverse emails has come: the modifiedon of the last email indexed. */
  feed(): Promise<{ since?: string; etag?: string }>;
  /** Moves the feed on; false when someone else moved it meanwhile (their work stands). */
  saveFeed(since: string, etag: string | undefined): Promise<boolean>;
}

// ---------------------------------------------------------------- queues
export const QUEUES = { syncJobs: 'sync-jobs', activityWrites: 'activity-writes' } as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface OutgoingMessage {
  body: unknown;
  /** Duplicate detection key. */
  messageId: string;
  /** Required on session queues (sync-jobs): the mailbox id. */
  sessionId?: string;
  scheduledEnqueueTimeUtc?: Date;
  applicationProperties?: Record<string, string | number | boolean>;
}
export interface QueuePort {
  send(queue: QueueName, messages: OutgoingMessage[]): Promise<void>;
}
