// The ports of the send stage, beside shared/ports.ts: the outbox in Dataverse (emails in Pending Send)
// and sending through Exchange.
import type { EntityRef } from './domain/refs';
import type { TokenFormat } from './domain/tracking-token';
import type { OutgoingFile } from './domain/outgoing-attachments';

export interface OutgoingAddress {
  address: string;
  name?: string;
}
/** An email row waiting to go out, as the send stage needs it. */
export interface PendingEmail {
  activityid: string;
  /** The row's ETag: the claim is conditional on it, so two workers cannot both claim the row. */
  etag: string;
  /** 6 Pending Send, or 7 Sending (claimed before, by a run that may have crashed). */
  statuscode: number;
  subject: string;
  body: { contentType: 'html' | 'text'; content: string };
  to: OutgoingAddress[];
  cc: OutgoingAddress[];
  bcc: OutgoingAddress[];
  /** Set when the row carries a token already (a resend keeps it). */
  trackingtoken?: string;
  /** `delayedemailsendtime`: not sent before it. */
  notBefore?: string;
  /** `deliveryprioritycode`: 0 Low, 1 Normal, 2 High. */
  priority?: number;
  /** `deliveryattempts` so far: the claim counts one more. */
  deliveryattempts: number;
  /** Recipients (To, Cc, Bcc) that resolve to no record: only an address. */
  unresolved: number;
}
export interface SentFacts {
  /** The Message-ID Exchange used: replies correlate by In-Reply-To on it. */
  messageid: string;
  subject: string;
  trackingtoken?: string;
  senton: string;
}
export interface OutboxPort {
  /** Emails in Pending Send or Sending whose sender (from party) is `owner`, oldest first. */
  pending: (owner: EntityRef) => Promise<PendingEmail[]>;
  /** Ids (lower-cased) of the users and queues with emails in Pending Send or Sending: the mailboxes to run. */
  waitingSenders: () => Promise<Set<string>>;
  /** The organization's token format, or undefined when tokens are off. */
  tokenFormat: () => Promise<TokenFormat | undefined>;
  /** The user's number in tokens (before the organization's base is added). */
  userNumber: (userId: string) => Promise<number>;
  /** The queue's position among the organization's queues (1 = the first by createdon): its number in tokens. */
  queuePosition: (queueId: string) => Promise<number>;
  /** The latest token given out with this stem (prefix, designator, user number), if any. */
  lastToken: (stem: string) => Promise<string | undefined>;
  /** Pending Send -> Sending, only if the row is unchanged since it was read; false when someone else claimed it. */
  claim: (email: PendingEmail) => Promise<boolean>;
  markSent: (activityid: string, facts: SentFacts) => Promise<void>;
  /** Back to Pending Send (a quota error: the next cycle tries again). */
  release: (activityid: string) => Promise<void>;
  markFailed: (activityid: string) => Promise<void>;
  /** The email's attachment rows (activitymimeattachment), in their order; absent: the email goes without. */
  attachments?: (activityid: string) => Promise<OutgoingFile[]>;
}

export interface OutgoingMail {
  activityid: string;
  subject: string;
  body: PendingEmail['body'];
  to: OutgoingAddress[];
  cc: OutgoingAddress[];
  bcc: OutgoingAddress[];
  importance?: 'low' | 'normal' | 'high';
  /** Files within the organization's limits (shared/pipeline/send-attachments.ts). */
  attachments?: OutgoingFile[];
}
export interface SentCopy {
  internetMessageId: string;
  subject: string;
  sentDateTime?: string;
}
export interface MailSendPort {
  /** The copy in the mailbox's Sent Items that carries this activity id, if it was sent already. */
  findSent: (mailbox: string, activityid: string) => Promise<SentCopy | undefined>;
  /** Sends from the mailbox, with the activity id on the message; answers the Message-ID Exchange used. */
  send: (mailbox: string, mail: OutgoingMail) => Promise<SentCopy>;
}
