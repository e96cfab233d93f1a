// The ports of the cut-over from server-side synchronization: the product's own registry of which mailboxes
// it owns, shadows or has handed back, and SSS's delivery-method columns on a Dataverse mailbox row. The
// values themselves live in the domain (domain/ownership.ts).
import type { OwnershipRecord, SssColumns } from './domain/ownership';

export type { MailboxMode, OwnershipRecord, SssColumns } from './domain/ownership';

export interface OwnershipRegistry {
  list(): Promise<OwnershipRecord[]>;
  get(mailboxId: string): Promise<OwnershipRecord | undefined>;
  put(record: OwnershipRecord): Promise<void>;
}

export interface MailboxColumnsPort {
  /** SSS's columns of one mailbox; undefined when Dataverse has no such mailbox. */
  read(mailboxId: string): Promise<SssColumns | undefined>;
  write(mailboxId: string, columns: Partial<SssColumns>): Promise<void>;
}
