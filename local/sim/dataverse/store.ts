// The entity store: rows per entity set, keyed by lower-cased primary key, with an undo journal so a $batch
// change set (or any single failed write) rolls back to exactly what was there before.
import { randomUUID } from 'node:crypto';
import { SetIndex } from './filter-index';

/** A party of an activity (email_activity_parties / appointment_activity_parties). */
export interface PartyRow {
  activitypartyid: string;
  participationtypemask: number;
  partyid?: { id: string; logical: string };
  addressused?: string;
  /** Other columns the client sent (unresolvedpartyname, …), kept as given. */
  extra: Record<string, unknown>;
}

export interface Row {
  /** Columns as the Web API returns them: lookups as `_x_value`. */
  values: Record<string, unknown>;
  /** Lookup column (without `_…_value`) -> logical name of the row it points to. */
  lookupTypes: Record<string, string>;
  parties?: PartyRow[];
}

interface JournalEntry {
  set: string;
  key: string;
  before: Row | undefined;
}

export const cloneRow = (r: Row): Row => structuredClone(r);

export class EntityStore {
  private readonly tables = new Map<string, Map<string, Row>>();
  /** $filter indexes, per set, made on the first indexed query and kept in step by every write below. */
  private readonly indexes = new Map<string, SetIndex>();
  private journal: JournalEntry[] | undefined;
  private depth = 0;
  nextVersion = 1;

  table(set: string): Map<string, Row> {
    let t = this.tables.get(set);
    if (!t) this.tables.set(set, (t = new Map<string, Row>()));
    return t;
  }
  /** Entity sets (hidden bookkeeping tables such as tombstones, named `$…`, are left out). */
  sets(): string[] {
    return [...this.tables.keys()].filter((s) => !s.startsWith('$'));
  }
  hasSet(set: string): boolean {
    return this.tables.has(set);
  }
  get(set: string, key: string): Row | undefined {
    return this.tables.get(set)?.get(key.toLowerCase());
  }
  put(set: string, key: string, row: Row): void {
    const k = key.toLowerCase();
    this.journal?.push({ set, key: k, before: this.table(set).get(k) });
    this.write(set, k, row);
  }
  delete(set: string, key: string): boolean {
    const k = key.toLowerCase();
    const before = this.table(set).get(k);
    if (!before) return false;
    this.journal?.push({ set, key: k, before });
    this.write(set, k, undefined);
    return true;
  }
  /** The set's $filter index (see filter-index.ts). */
  index(set: string): SetIndex {
    let i = this.indexes.get(set);
    if (!i) this.indexes.set(set, (i = new SetIndex(this.table(set))));
    return i;
  }
  /** Every change to a live table goes through here, so the set's index sees it (fromSnapshot fills a new store). */
  private write(set: string, key: string, row: Row | undefined): void {
    const t = this.table(set);
    const before = t.get(key);
    if (row) t.set(key, row);
    else t.delete(key);
    this.indexes.get(set)?.changed(key, before, row);
  }
  /** Deleted rows of a set, for change tracking: key -> the version the delete took. Journaled like rows. */
  tombstones(set: string): Map<string, Row> {
    return this.table(tombstoneTable(set));
  }
  /** Records a delete (or clears the tombstone when a row with the same key is written again). */
  markDeleted(set: string, key: string, version: number): void {
    this.put(tombstoneTable(set), key, { values: { id: key.toLowerCase(), versionnumber: version }, lookupTypes: {} });
  }
  /** Row version (rowversion is database-wide in Dataverse, hence one counter for all sets). */
  takeVersion(): number {
    return this.nextVersion++;
  }

  /** Runs `work` atomically: every write it made is undone if it throws. Nests. */
  atomically<T>(work: () => T): T {
    if (this.depth === 0) this.journal = [];
    const mark = this.journal!.length;
    this.depth++;
    try {
      return work();
    } catch (e) {
      this.rollbackTo(mark);
      throw e;
    } finally {
      this.depth--;
      if (this.depth === 0) this.journal = undefined;
    }
  }
  private rollbackTo(mark: number): void {
    const j = this.journal!;
    while (j.length > mark) {
      const { set, key, before } = j.pop()!;
      // A rolled-back delete re-appears at the end of the insertion order; nothing relies on that order.
      this.write(set, key, before);
    }
  }

  toSnapshot(): { nextVersion: number; tables: Record<string, Row[]> } {
    const tables: Record<string, Row[]> = {};
    for (const [set, t] of this.tables) tables[set] = [...t.values()].map(cloneRow);
    return { nextVersion: this.nextVersion, tables };
  }
  static fromSnapshot(
    s: { nextVersion: number; tables: Record<string, Row[]> },
    keyOf: (set: string, r: Row) => string,
  ): EntityStore {
    const store = new EntityStore();
    store.nextVersion = s.nextVersion;
    for (const [set, rows] of Object.entries(s.tables)) {
      const t = store.table(set);
      for (const r of rows) t.set(keyOf(set, r).toLowerCase(), cloneRow(r));
    }
    return store;
  }
}

export const tombstoneTable = (set: string): string => `$deleted:${set}`;

export const newId = (): string => randomUUID();
