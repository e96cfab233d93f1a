// What a workload plugs into the ACT job: its table, its mapped fields both ways, and its delete rules. The
// planner (plan.ts), the conflict rule (conflict.ts) and the link store are the same for every workload.
import type { ActLink, ActWorkload, Fields } from './types';

export type Json = Record<string, unknown>;

/** What the rules may look at besides the item. */
export interface ActContext {
  mailboxId: string;
  /** The mailbox's user (systemuserid, lower-cased). */
  ownerId: string;
  now: Date;
}

export interface DataverseWrite {
  /** Columns to write (create or update). */
  columns: Json;
  /** A state change (statecode/statuscode) to apply after the columns, or before them when it reopens the row. */
  state?: { statecode: number; statuscode: number };
}

export interface ActModule {
  workload: ActWorkload;
  /** Dataverse entity set and key. */
  entitySet: string;
  key: string;
  /** The logical name sync filters name as `returnedtypecode`. */
  logicalName: string;
  /** The mapped fields, the same names on both sides. */
  fields: readonly string[];
  fromExchange(item: Json, ctx: ActContext): Fields;
  fromDataverse(row: Json, ctx: ActContext): Fields;
  /** The Graph body that sets `names` (all fields on create). */
  toExchange(f: Fields, names: readonly string[], ctx: ActContext): Json;
  /** The Dataverse write that sets `names`; `create` adds what a new row needs (owner, start). */
  toDataverse(f: Fields, names: readonly string[], ctx: ActContext, create: boolean): DataverseWrite;
  /** A row deleted in Dynamics 365 (or that stopped matching the filters): delete the Exchange item, or unlink. */
  dataverseDelete(link: ActLink, exchangeNow: Fields, ctx: ActContext): 'delete' | 'unlink';
  /** A linked item deleted in Exchange: delete the row, or unlink. */
  exchangeDelete(link: ActLink, ctx: ActContext): 'delete' | 'unlink';
}
