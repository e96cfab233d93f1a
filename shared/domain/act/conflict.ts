// The rule for an item changed on both sides between two cycles. Server-side synchronization documents none, so
// ours is written down (docs/sss-parity.md#conflicts): field by field against what both sides held after the
// last sync (the link's base). A field changed on one side only takes that side's value; a field changed on
// both sides to different values takes Dynamics 365's (the system of record), and the conflict is reported.
// Generic over a workload's mapped fields, so appointments use it as contacts and tasks do.
import { sameValue, type Fields } from './types';

export type Side = 'exchange' | 'dataverse';
/** Who wins a field both sides changed differently. */
export const TIE_BREAK: Side = 'dataverse';

export interface FieldConflict {
  field: string;
  kept: Side;
}
export interface Merge {
  /** The agreed fields after the merge: the next base. */
  fields: Fields;
  /** Fields Exchange must be told (its value differs from the merge). */
  toExchange: string[];
  /** Fields Dataverse must be told. */
  toDataverse: string[];
  conflicts: FieldConflict[];
}

/**
 * Merges the two sides' current fields against the base. A side that did not change since the last cycle is
 * passed as undefined and counts as holding the base.
 */
export function mergeFields(names: readonly string[], base: Fields, ex?: Fields, dv?: Fields): Merge {
  const fields: Fields = {};
  const toExchange: string[] = [];
  const toDataverse: string[] = [];
  const conflicts: FieldConflict[] = [];
  for (const f of names) {
    const b = base[f] ?? null;
    const e = ex ? (ex[f] ?? null) : b;
    const d = dv ? (dv[f] ?? null) : b;
    const eChanged = !sameValue(e, b);
    const dChanged = !sameValue(d, b);
    let v = b;
    if (eChanged && dChanged && !sameValue(e, d)) {
      v = TIE_BREAK === 'dataverse' ? d : e;
      conflicts.push({ field: f, kept: TIE_BREAK });
    } else if (dChanged) v = d;
    else if (eChanged) v = e;
    fields[f] = v;
    if (!sameValue(v, e)) toExchange.push(f);
    if (!sameValue(v, d)) toDataverse.push(f);
  }
  return { fields, toExchange, toDataverse, conflicts };
}

/** The conflict as a decision's detail: field names and who won, never the values. */
export const conflictDetail = (c: readonly FieldConflict[]): string =>
  c.length ? `changed on both sides: ${c.map((x) => `${x.field} (kept ${x.kept})`).join(', ')}` : '';
