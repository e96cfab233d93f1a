// The ports of the ACT job (appointments, contacts and tasks), beside shared/ports.ts: Exchange items through
// Graph, Dataverse rows through the Web API with change tracking, and the links between them in Table Storage.
import type { ActLink, ActWorkload, DataverseChange } from './domain/act/types';
import type { DataverseWrite, Json } from './domain/act/module';
import type { SyncFilter } from './domain/act/sync-filters';
import type { DeltaPage } from './ports';

export interface ActExchangePort {
  /** One delta page of the workload's collection (`Prefer: IdType="ImmutableId"`); the stored link is replayed as it is. */
  delta(mailbox: string, workload: ActWorkload, cursor: string | undefined): Promise<DeltaPage>;
  create(mailbox: string, workload: ActWorkload, body: Json): Promise<{ id: string; changeKey?: string }>;
  update(mailbox: string, workload: ActWorkload, id: string, body: Json): Promise<{ changeKey?: string }>;
  /** A delete of an item already gone (404) counts as done. */
  remove(mailbox: string, workload: ActWorkload, id: string): Promise<void>;
}

export interface DataverseChangesPage {
  changes: DataverseChange[];
  /** Set on the last page: the token of the next round. */
  deltaToken?: string;
  nextLink?: string;
}
export interface ActDataversePort {
  /** One page of change tracking (`Prefer: odata.track-changes`): a new round without a token or link. */
  changes(entitySet: string, key: string, from: { token?: string; nextLink?: string }): Promise<DataverseChangesPage>;
  /** Create-only by id: a row that exists already counts as created. */
  create(entitySet: string, key: string, id: string, write: DataverseWrite): Promise<void>;
  update(entitySet: string, id: string, write: DataverseWrite): Promise<void>;
  /** A delete of a row already gone (404) counts as done. */
  remove(entitySet: string, id: string): Promise<void>;
  /** The user's sync filters (userquery rows of the Outlook filter type), enabled or not. */
  syncFilters(userId: string): Promise<SyncFilter[]>;
}

export interface ActLinkStore {
  list(mailboxId: string, workload: ActWorkload): Promise<ActLink[]>;
  put(link: ActLink): Promise<void>;
  remove(link: ActLink): Promise<void>;
}

// The mailbox row's ACT columns, beside the email ones in shared/ports.ts (DvMailbox).
declare module './ports' {
  interface DvMailbox {
    /** enabledforact; absent = not read. */
    enabledForAct?: boolean;
    /** Test & Enable's ACT result (actstatus): ACT syncs only after 1 (Success). */
    actStatus?: number;
  }
}
