// Stable identifiers shared by code, ledger, telemetry, the dump and the docs (docs/sss-parity.md#reasons).

/** `sent` and `pending` are the send stage's: an outgoing email went out, or waits for the next cycle. */
export const OUTCOMES = ['promoted', 'updated', 'skipped', 'failed', 'sent', 'pending'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const REASONS = [
  // SSS's own CheckIncomingEmail reason codes
  'Duplicate',
  'NoCorrelationMatch',
  'CorrelationMatch',
  'NoRecipientMatch',
  'InternalEmailReject',
  'SenderMatch',
  'AcceptAll',
  'InvalidSender',
  // what SSS lacks
  'BeforeProcessEmailReceivedAfter',
  'NotInTrackedFolder',
  'MailboxNotApproved',
  'MailboxDisabled',
  'AutoReply',
  'FolderTracked',
  'CategoryTracked',
  'Deleted',
  // item-level failures (outcome "failed" or "skipped" with a field problem)
  'InvalidItem',
  'WriteFailed',
  // the send stage (outgoing email)
  'Sent',
  'SentBefore',
  'QuotaExceeded',
  'SendRetry',
  'SendFailed',
  'SubmissionQuotaExceeded',
  'OutgoingDisabled',
  'OutgoingNotTested',
  'SendLater',
  'SendBacklog',
  'UnresolvedRecipients',
  // appointments, contacts and tasks (docs/sss-parity.md#appointments-contacts-and-tasks)
  'SyncedToExchange',
  'SyncedToDynamics',
  'Synced',
  'DeletedInExchange',
  'DeletedInDynamics',
  'Unlinked',
  'NotTracked',
  'NotInSyncFilter',
  'NoSyncFilter',
  'UnsupportedSyncFilter',
] as const;
export type Reason = (typeof REASONS)[number];

export const CORRELATION_METHODS = [
  'None',
  'InReplyTo',
  'References',
  'TrackingToken',
  'ConversationIndex',
  'SmartMatching',
  'FolderTracking',
  'Category',
] as const;
export type CorrelationMethod = (typeof CORRELATION_METHODS)[number];

export const WORKLOADS = ['email', 'appointment', 'contact', 'task'] as const;
export type Workload = (typeof WORKLOADS)[number];
