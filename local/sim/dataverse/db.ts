// The simulated organisation: the entity store plus what the service derives around it (server columns,
// row versions, alternate keys, known columns), loaded from a tenant fixture or a snapshot.
import type { Clock } from '../../../shared/ports';
import type { Json } from '../../tenant/fixture';
import { duplicateEntityKey, keyNotDefined, notFound, propertyNotFound } from './errors';
import type { KeySpec } from './keys';
import { entityDef, isKnownSet, logicalOfSet, setOfLogical, type EntityDef } from './metadata';
import { rowFromFixture, rowToFixture } from './records';
import { EntityStore, newId, type Row } from './store';
import { createHash } from 'node:crypto';
import { scalarText } from '../json-scalar';

export interface DbSnapshot {
  format: 'dataverse-sim/1';
  store: ReturnType<EntityStore['toSnapshot']>;
  alternateKeys: Record<string, string[][]>;
  genericKeys: Record<string, string>;
}

/** Dataverse returns times to the second. */
export const isoSeconds = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export class Db {
  store = new EntityStore();
  private readonly alternateKeys = new Map<string, string[][]>();
  private readonly genericKeys = new Map<string, string>();
  private readonly seenColumns = new Map<string, Set<string>>();
  /** Change-tracking tokens below this version have expired (`expireChangeTracking`). */
  trackingFloor = 0;

  constructor(private readonly clock: Clock) {}

  now(): string {
    return isoSeconds(this.clock.now());
  }

  def(set: string, sample?: Record<string, unknown>): EntityDef {
    if (isKnownSet(set)) return entityDef(set);
    let key = this.genericKeys.get(set);
    if (!key) {
      key = entityDef(set, sample).key;
      this.genericKeys.set(set, key);
    }
    return { ...entityDef(set), key };
  }

  /** Entity sets the service would know: modelled ones, and any set the fixture or writes brought. */
  knowsSet(set: string): boolean {
    return isKnownSet(set) || this.store.hasSet(set);
  }

  setOf(logical: string): string {
    return setOfLogical(logical);
  }
  logicalOf(set: string): string {
    return logicalOfSet(set);
  }

  defineAlternateKey(set: string, columns: string[]): void {
    const keys = this.alternateKeys.get(set) ?? [];
    keys.push([...columns].sort());
    this.alternateKeys.set(set, keys);
  }

  /** Alternate keys defined for a set (sorted column lists). */
  alternateKeysOf(set: string): string[][] {
    return (this.alternateKeys.get(set) ?? []).map((k) => [...k]);
  }

  // ---------------------------------------------------------------- rows
  keyOf(set: string, row: Row): string {
    return String(row.values[this.def(set).key]);
  }

  /** Finds the row a key segment names; alternate keys must be defined for the set. */
  locate(set: string, spec: KeySpec): Row | undefined {
    if (spec.kind === 'id') return this.store.get(set, spec.id);
    const cols = Object.keys(spec.values).sort();
    const d = this.def(set);
    if (cols.length === 1 && cols[0] === d.key) return this.store.get(set, String(spec.values[d.key]));
    const defined = (this.alternateKeys.get(set) ?? []).some(
      (k) => k.length === cols.length && k.every((c, i) => c === cols[i]),
    );
    if (!defined) throw keyNotDefined(d.logical, cols);
    for (const row of this.store.table(set).values()) {
      if (cols.every((c) => sameKeyValue(row.values[c], spec.values[c]))) return row;
    }
    return undefined;
  }

  requireRow(set: string, spec: KeySpec): Row {
    const row = this.locate(set, spec);
    if (!row) throw notFound(this.def(set).logical, spec.kind === 'id' ? spec.id : describeKey(spec.values));
    return row;
  }

  /** Writes a row, enforcing alternate-key uniqueness, and remembers its columns for $filter validation. */
  save(set: string, row: Row): void {
    const d = this.def(set);
    const id = String(row.values[d.key]).toLowerCase();
    for (const key of this.alternateKeys.get(set) ?? []) {
      if (key.some((c) => row.values[c] === undefined || row.values[c] === null)) continue;
      for (const other of this.store.table(set).values()) {
        if (String(other.values[d.key]).toLowerCase() === id) continue;
        if (key.every((c) => sameKeyValue(other.values[c], row.values[c] as string)))
          throw duplicateEntityKey(d.logical, key);
      }
    }
    this.store.put(set, id, row);
    const seen = this.seenColumns.get(set) ?? new Set<string>();
    for (const c of Object.keys(row.values)) seen.add(c);
    this.seenColumns.set(set, seen);
  }

  /** Deletes a row and leaves a tombstone, so change tracking can report the delete. */
  delete(set: string, row: Row): void {
    const key = this.keyOf(set, row);
    this.store.delete(set, key);
    this.store.markDeleted(set, key, this.store.takeVersion());
  }

  /** The newest row version handed out so far (change-tracking watermark). */
  currentVersion(): number {
    return this.store.nextVersion - 1;
  }

  /** Throws "Could not find a property" for names the set does not have (lenient for empty unmodelled sets). */
  checkColumn(set: string, name: string): void {
    const d = this.def(set);
    const seen = this.seenColumns.get(set);
    if (!d.columns && !seen?.size) return;
    if (d.columns?.has(name) || seen?.has(name) || name === d.key) return;
    throw propertyNotFound(name, d.logical);
  }

  /** Stamps server columns on a new or changed row. */
  stamp(set: string, row: Row, created: boolean): void {
    const now = this.now();
    if (created) {
      row.values.createdon ??= now;
      const d = this.def(set);
      if (d.state && row.values.statecode === undefined) {
        const s = row.values.statuscode;
        row.values.statecode =
          typeof s === 'number' && d.state.stateOf[s] !== undefined ? d.state.stateOf[s] : d.state.statecode;
      }
      if (d.state && row.values.statuscode === undefined) row.values.statuscode = d.state.statuscode;
    }
    row.values.modifiedon = now;
    row.values.versionnumber = this.store.takeVersion();
  }

  // ---------------------------------------------------------------- fixture, dump, snapshot
  loadFixture(dataverse: Record<string, Json[]>): void {
    const loaded: [string, Row][] = [];
    let maxVersion = 0;
    for (const [set, records] of Object.entries(dataverse)) {
      this.store.table(set);
      const d = this.def(set, records[0]);
      records.forEach((rec, i) => {
        const row = rowFromFixture(d, rec);
        // A fixture's mailbox without a test result is one SSS had enabled: incoming and outgoing tested, Success.
        if (set === 'mailboxes' && row.values.incomingemailstatus === undefined) row.values.incomingemailstatus = 1;
        if (set === 'mailboxes' && row.values.outgoingemailstatus === undefined) row.values.outgoingemailstatus = 1;
        // Deterministic ids so the same fixture always loads to the same rows.
        row.values[d.key] = (scalarText(row.values[d.key]) ?? stableId(`${set}|${i}`)).toLowerCase();
        const v = Number(row.values.versionnumber);
        if (Number.isFinite(v) && v > 0) maxVersion = Math.max(maxVersion, v);
        loaded.push([set, row]);
      });
    }
    // Versions for rows the fixture wrote without one come after the versions it did carry.
    this.store.nextVersion = Math.max(this.store.nextVersion, maxVersion + 1);
    for (const [set, row] of loaded) {
      if (row.values.versionnumber === undefined) {
        const modified = row.values.modifiedon;
        this.stamp(set, row, true);
        row.values.modifiedon = modified ?? row.values.createdon;
      }
      this.save(set, row);
    }
  }

  dump(): Record<string, Json[]> {
    const out: Record<string, Json[]> = {};
    for (const set of this.store.sets()) {
      const d = this.def(set);
      out[set] = [...this.store.table(set).values()].map((r) => rowToFixture(d, r));
    }
    return out;
  }

  snapshot(): DbSnapshot {
    return {
      format: 'dataverse-sim/1',
      store: this.store.toSnapshot(),
      alternateKeys: Object.fromEntries(this.alternateKeys),
      genericKeys: Object.fromEntries(this.genericKeys),
    };
  }

  restore(s: DbSnapshot): void {
    if (s?.format !== 'dataverse-sim/1') throw new Error('not a Dataverse simulator snapshot');
    for (const [set, key] of Object.entries(s.genericKeys)) this.genericKeys.set(set, key);
    for (const [set, keys] of Object.entries(s.alternateKeys)) this.alternateKeys.set(set, keys);
    this.store = EntityStore.fromSnapshot(s.store, (set, r) =>
      set.startsWith('$') ? String(r.values.id) : this.keyOf(set, r),
    );
    for (const set of this.store.sets()) {
      const seen = new Set<string>();
      for (const r of this.store.table(set).values()) for (const c of Object.keys(r.values)) seen.add(c);
      this.seenColumns.set(set, seen);
    }
  }

  newId(): string {
    return newId();
  }
}

function sameKeyValue(a: unknown, b: string | number | undefined): boolean {
  if (a === undefined || a === null || b === undefined) return false;
  return typeof b === 'string' ? scalarText(a)?.toLowerCase() === b.toLowerCase() : Number(a) === b;
}

function describeKey(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}:${v}`)
    .join(',');
}

function stableId(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
