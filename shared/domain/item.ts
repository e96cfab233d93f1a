// The normalized mail item the promotion rules work on, built from Graph JSON by graph-message.ts.

export interface Address {
  /** Lower-cased, trimmed SMTP address. */
  address: string;
  name?: string;
}

/** A well-known folder ('inbox', 'sentitems') or the Graph id of a folder-tracked folder. */
export type FolderKind = string;
export const INBOX = 'inbox';
export const SENT_ITEMS = 'sentitems';

export interface MailItem {
  /** Graph (immutable) item id in the mailbox. */
  graphId: string;
  /** Message-ID exactly as Exchange has it, angle brackets included. */
  internetMessageId: string;
  /** Normalized Message-ID (see message-id.ts): the key for dedup and correlation. */
  messageKey: string;
  folder: FolderKind;
  subject: string;
  from?: Address;
  to: Address[];
  cc: Address[];
  bcc: Address[];
  receivedDateTime: string;
  sentDateTime?: string;
  /** When the item last changed (a move into a folder counts): tracked folders measure the start date by it. */
  lastModifiedDateTime?: string;
  /** Normalized Message-IDs from In-Reply-To (zero or one in practice). */
  inReplyTo: string[];
  /** Normalized Message-IDs from References, oldest first as in the header. */
  references: string[];
  conversationIndex?: string;
  /** Hex of the first 22 bytes of the conversation index (Thread-Index): the thread's root. */
  conversationRoot?: string;
  /** Headers say this is an automatic reply (RFC 3834 Auto-Submitted, Precedence, X-Autoreply). */
  autoReply: boolean;
  categories: string[];
  /** Header names and values kept as SSS keeps them (Auto-Submitted, Reply-To). */
  keptHeaders: Record<string, string>;
  body: { contentType: 'html' | 'text'; content: string };
  importance?: 'low' | 'normal' | 'high';
  /** The item has attachments to read (Graph's hasAttachments, or an HTML body with cid: references). */
  attachments?: true;
}
