// The shapes of the simulated Exchange store: mailboxes, folders, messages, their change logs, and the
// changes the store announces.
import type { Json } from '../../tenant/fixture';
import type { PimStore } from './pim/store';
import type { MailboxAccess } from '../../tenant/fixture';

export type ChangeKind = 'add' | 'update' | 'remove';

export interface FolderChange {
  seq: number;
  kind: ChangeKind;
  immutableId: string;
  /** The regular id during this residence in the folder: what a client without ImmutableId knows it by. */
  regularId: string;
  /** Properties an update changed. */
  props?: string[];
}

export interface SimFolder {
  id: string;
  displayName: string;
  wellKnownName?: string;
  parentFolderId: string;
  changes: FolderChange[];
  /** Messages in arrival order (ascending arrivalSeq); entries that have left are pruned lazily. */
  order: SimMessage[];
}

export interface SimMessage {
  immutableId: string;
  regularId: string;
  folderId: string;
  /** Seq of the change that put the message in its current folder: the initial round's paging key. */
  arrivalSeq: number;
  moves: number;
  version: number;
  lastModified: string;
  /** Graph properties other than id and parentFolderId. */
  data: Json;
}

export interface SimMailbox {
  address: string;
  userId: string;
  displayName: string;
  rootId: string;
  folders: Map<string, SimFolder>;
  messages: Map<string, SimMessage>;
  /** Current regular id -> immutable id. */
  byRegularId: Map<string, string>;
  /** Workloads other than mail as the fixture gave them (the live copies are in `pim`). */
  extras: { events?: Json[]; contacts?: Json[]; todoLists?: Json[] };
  /** Calendar, contacts and To Do, with their own change logs. */
  pim: PimStore;
  /** Delta tokens issued under an older generation are expired (expireDeltaTokens). */
  syncGeneration: number;
  /** How an expired token is answered. */
  expiry?: SyncExpiry;
  /** Graph refuses every request for the mailbox this way (the fixture's `access`). */
  access?: MailboxAccess;
}

export interface SyncExpiry {
  code: 'syncStateNotFound' | 'SyncStateNotFound' | 'resyncRequired';
  /** Add a `Location` header with the initial-sync URL (Graph's "synchronization reset"). */
  location?: boolean;
}

/** A change the store made, for change notifications. Ids are immutable ids; `regularId` is the id a client without ImmutableId knows. */
export interface StoreChange {
  mbx: SimMailbox;
  workload: 'message' | 'event' | 'contact' | 'task';
  changeType: 'created' | 'updated' | 'deleted';
  id: string;
  regularId: string;
  /** Folder (messages, contacts) or list (tasks) the item is in, or left. */
  containerId: string;
  etag?: string;
}

export function displayNameFor(address: string): string {
  const local = address.split('@')[0] ?? address;
  return local
    .split(/[._-]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join(' ');
}
