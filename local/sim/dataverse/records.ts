// Rows in and out: the fixture convention (`_x_value` + `"x@odata.type": "<logical>"`, parties embedded) and
// the Web API's response shape (`@odata.etag`, `_x_value`, optional lookuplogicalname annotations).
import { createHash } from 'node:crypto';
import type { Json } from '../../tenant/fixture';
import type { EntityDef } from './metadata';
import type { PartyRow, Row } from './store';
import { scalarText } from '../json-scalar';

const LOOKUP_VALUE = /^_(.+)_value$/;
const LOOKUP_NAME_ANNOTATION = '@Microsoft.Dynamics.CRM.lookuplogicalname';

/** A stable party id, so a fixture without ids loads to the same rows every time. */
export function partyId(activityid: string, index: number): string {
  const h = createHash('sha1').update(`${activityid.toLowerCase()}|party|${index}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Default target of a lookup when a fixture leaves out `x@odata.type` (ownerid -> systemuser). */
function defaultTarget(d: EntityDef, column: string): string | undefined {
  const t = d.lookups[column]?.targets;
  return Array.isArray(t) ? t[0] : undefined;
}

export function partyFromFixture(p: Json, activityid: string, index: number): PartyRow {
  const extra: Record<string, unknown> = {};
  let partyType: string | undefined;
  let partyIdValue: string | undefined;
  for (const [k, v] of Object.entries(p)) {
    if (k === '_partyid_value') partyIdValue = typeof v === 'string' ? v.toLowerCase() : undefined;
    else if (k === 'partyid@odata.type' || k === `_partyid_value${LOOKUP_NAME_ANNOTATION}`) partyType = String(v);
    else if (
      ['participationtypemask', 'addressused', 'activitypartyid', '_activityid_value'].includes(k) ||
      k.startsWith('@')
    )
      continue;
    else extra[k] = v;
  }
  return {
    activitypartyid:
      typeof p.activitypartyid === 'string' ? p.activitypartyid.toLowerCase() : partyId(activityid, index),
    participationtypemask: Number(p.participationtypemask),
    ...(partyIdValue ? { partyid: { id: partyIdValue, logical: partyType ?? 'unknown' } } : {}),
    ...(typeof p.addressused === 'string' ? { addressused: p.addressused } : {}),
    extra,
  };
}

export function partyToFixture(p: PartyRow): Json {
  const out: Json = { participationtypemask: p.participationtypemask };
  if (p.partyid) {
    out._partyid_value = p.partyid.id;
    out['partyid@odata.type'] = p.partyid.logical;
  }
  if (p.addressused !== undefined) out.addressused = p.addressused;
  return { ...out, ...p.extra };
}

/** A fixture record (or a dump entry) -> a row; server columns are filled in by the caller. */
export function rowFromFixture(d: EntityDef, rec: Json): Row {
  const values: Record<string, unknown> = {};
  const lookupTypes: Record<string, string> = {};
  let parties: Json[] | undefined;
  for (const [k, v] of Object.entries(rec)) {
    const typeOf = /^(.+)@odata\.type$/.exec(k);
    if (typeOf) {
      lookupTypes[typeOf[1]] = String(v);
      continue;
    }
    const annotated = /^_(.+)_value@Microsoft\.Dynamics\.CRM\.lookuplogicalname$/.exec(k);
    if (annotated) {
      lookupTypes[annotated[1]] = String(v);
      continue;
    }
    if (k.includes('@')) continue;
    if (d.parties && k === d.parties.nav) {
      parties = Array.isArray(v) ? (v as Json[]) : [];
      continue;
    }
    values[k] = v;
  }
  const id = scalarText(values[d.key]) ?? '';
  const row: Row = { values, lookupTypes };
  if (d.parties) row.parties = (parties ?? []).map((p, i) => partyFromFixture(p, id, i));
  for (const k of Object.keys(values)) {
    const m = LOOKUP_VALUE.exec(k);
    if (!m || values[k] === null || values[k] === undefined) continue;
    if (typeof values[k] === 'string') values[k] = values[k].toLowerCase();
    if (!lookupTypes[m[1]]) {
      const t = defaultTarget(d, m[1]);
      if (t) lookupTypes[m[1]] = t;
    }
  }
  return row;
}

export function rowToFixture(d: EntityDef, row: Row): Json {
  const out: Json = { ...row.values };
  for (const [col, logical] of Object.entries(row.lookupTypes)) {
    if (row.values[`_${col}_value`] !== undefined && row.values[`_${col}_value`] !== null)
      out[`${col}@odata.type`] = logical;
  }
  if (d.parties) out[d.parties.nav] = (row.parties ?? []).map(partyToFixture);
  return out;
}

export interface PresentOptions {
  select?: string[];
  /** Add `_x_value@Microsoft.Dynamics.CRM.lookuplogicalname` (Prefer: odata.include-annotations). */
  annotate: boolean;
  /** Expand the parties collection, with an optional $select of party columns. */
  expandParties?: { select?: string[] };
}

function withLookupNames(
  out: Json,
  values: Record<string, unknown>,
  types: Record<string, string>,
  cols: string[],
  annotate: boolean,
): void {
  for (const c of cols) {
    out[c] = values[c] ?? null;
    const m = annotate ? LOOKUP_VALUE.exec(c) : null;
    if (m && out[c] !== null && types[m[1]]) out[`${c}${LOOKUP_NAME_ANNOTATION}`] = types[m[1]];
  }
}

export function presentParty(p: PartyRow, activityid: string, select: string[] | undefined, annotate: boolean): Json {
  const values: Record<string, unknown> = {
    activitypartyid: p.activitypartyid,
    participationtypemask: p.participationtypemask,
    _partyid_value: p.partyid?.id ?? null,
    addressused: p.addressused ?? null,
    _activityid_value: activityid,
    ...p.extra,
  };
  const types: Record<string, string> = p.partyid ? { partyid: p.partyid.logical } : {};
  const out: Json = {};
  const cols = select ? ['activitypartyid', ...select.filter((c) => c !== 'activitypartyid')] : Object.keys(values);
  withLookupNames(out, values, types, cols, annotate);
  return out;
}

export function present(d: EntityDef, row: Row, opts: PresentOptions): Json {
  const out: Json = { '@odata.etag': `W/"${scalarText(row.values.versionnumber) ?? '0'}"` };
  const cols = opts.select
    ? [...opts.select, ...(opts.select.includes(d.key) ? [] : [d.key])]
    : Object.keys(row.values);
  withLookupNames(out, row.values, row.lookupTypes, cols, opts.annotate);
  if (opts.expandParties && d.parties) {
    const id = String(row.values[d.key]);
    out[d.parties.nav] = (row.parties ?? []).map((p) => presentParty(p, id, opts.expandParties!.select, opts.annotate));
  }
  return out;
}
