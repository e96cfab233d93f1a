// Applies a create/update body to a row the way the Web API does: `nav@odata.bind` to lookups, deep-inserted
// activity parties, read-only columns refused, `_x_value` refused (it is a read-only projection).
import type { Json } from '../../tenant/fixture';
import type { Db } from './db';
import { badPayload, closedActivity, maskNotAllowed, notFound, partyTypeNotAllowed } from './errors';
import { parseKeySpec, splitEntityPath } from './keys';
import { isClosedActivity, ORGANIZER_MASK, PARTY_TYPES, resolveNav, type EntityDef } from './metadata';
import { partyId } from './records';
import type { PartyRow, Row } from './store';
import { scalarText } from '../json-scalar';

export type WriteMode = 'create' | 'update';

/** Turns a bind value ("/contacts(<id>)", an absolute URL, or a key-syntax reference) into set and row id. */
export function resolveReference(db: Db, ref: string, basePath: string): { set: string; logical: string; id: string } {
  let path = ref.trim();
  const at = path.indexOf(basePath);
  if (at >= 0) path = path.slice(at + basePath.length);
  path = path.replace(/^\/+/, '');
  const parts = splitEntityPath(path);
  if (!parts?.key || parts.rest) throw badPayload(`The bind reference '${ref}' is not an entity URL.`);
  const logical = db.logicalOf(parts.set);
  const spec = parseKeySpec(decodeURIComponent(parts.key));
  const row = db.knowsSet(parts.set) ? db.locate(parts.set, spec) : undefined;
  if (!row) throw notFound(logical, spec.kind === 'id' ? spec.id : parts.key);
  return { set: parts.set, logical, id: db.keyOf(parts.set, row).toLowerCase() };
}

/** A bind value as text; an object or array is shown as JSON, so the refusal of it names what was sent. */
const bindText = (v: unknown): string => scalarText(v) ?? JSON.stringify(v);

/** The column a body key writes (`regardingobjectid_contact_email@odata.bind` -> regardingobjectid). */
function columnOfBodyKey(d: EntityDef, k: string): string | undefined {
  const bind = /^(.+)@odata\.bind$/.exec(k);
  if (bind) return resolveNav(d, bind[1], '')?.column ?? bind[1];
  if (k.includes('@')) return undefined;
  if (k === d.key) return undefined;
  return k;
}

/** Refuses writes to a Completed/Canceled activity except its `closedWritable` columns. */
export function guardClosed(d: EntityDef, row: Row, columns: (string | undefined)[]): void {
  if (!isClosedActivity(d, row.values)) return;
  for (const c of columns) {
    if (c !== undefined && !d.closedWritable!.has(c)) throw closedActivity(d.logical, String(row.values[d.key]), c);
  }
}

function checkWritable(d: EntityDef, column: string, mode: WriteMode): void {
  const ro = d.readOnly[column];
  if (ro === 'always' || (ro === 'create' && mode === 'create')) {
    throw badPayload(
      `The '${column}' attribute of the '${d.logical}' entity is read-only and cannot be set on ${mode}.`,
    );
  }
}

export function parseParties(db: Db, d: EntityDef, activityid: string, items: unknown, basePath: string): PartyRow[] {
  if (!Array.isArray(items)) throw badPayload(`'${d.parties!.nav}' must be an array of activity parties.`);
  return items.map((raw, index) => {
    if (!raw || typeof raw !== 'object') throw badPayload('An activity party must be an object.');
    const p = raw as Json;
    const mask = p.participationtypemask;
    if (typeof mask !== 'number' || !d.parties!.masks.includes(mask)) throw maskNotAllowed(mask, d.logical);
    const party: PartyRow = { activitypartyid: partyId(activityid, index), participationtypemask: mask, extra: {} };
    for (const [k, v] of Object.entries(p)) {
      const bind = /^partyid(?:_(\w+))?@odata\.bind$/i.exec(k);
      if (bind) {
        if (v === null) continue;
        const target = resolveReference(db, bindText(v), basePath);
        if (bind[1] && bind[1].toLowerCase() !== target.logical) {
          throw badPayload(`The navigation property '${k}' does not point to a ${target.logical}.`);
        }
        // Custom tables (publisher prefix, e.g. new_vendor) are taken as enabled for email, as a maker would set them up.
        const allowed = PARTY_TYPES.includes(target.logical) || /^[a-z0-9]+_\w+$/.test(target.logical);
        if (!allowed || (mask === ORGANIZER_MASK && target.logical !== 'systemuser')) {
          throw partyTypeNotAllowed(target.logical, mask, d.logical);
        }
        party.partyid = { id: target.id, logical: target.logical };
      } else if (k === 'addressused') {
        const address = scalarText(v);
        if (address !== undefined) party.addressused = address;
      } else if (k === 'participationtypemask' || k.startsWith('@')) {
        continue;
      } else if (k === '_partyid_value' || k === 'activitypartyid') {
        throw badPayload(`Set a party with 'partyid_<entity>@odata.bind', not '${k}'.`);
      } else {
        party.extra[k] = v;
      }
    }
    if (!party.partyid && party.addressused === undefined) {
      throw badPayload('An activity party needs partyid_<entity>@odata.bind or addressused.');
    }
    return party;
  });
}

/**
 * Applies `body` to `row` (mutating it). `contentIds` resolves `$n` bind values inside a $batch change set.
 */
export function applyBody(
  db: Db,
  set: string,
  row: Row,
  body: Json,
  mode: WriteMode,
  basePath: string,
  contentIds?: Map<string, string>,
): void {
  const d = db.def(set);
  // Decided on the row as it was before this update: a PATCH that reopens (statecode 0) is itself allowed.
  if (mode === 'update')
    guardClosed(
      d,
      row,
      Object.keys(body).map((k) => columnOfBodyKey(d, k)),
    );
  for (const [k, raw] of Object.entries(body)) {
    const bind = /^(.+)@odata\.bind$/.exec(k);
    if (bind) {
      const nav = bind[1];
      if (raw === null) {
        const r = resolveNav(d, nav, '');
        if (!r) throw badPayload(`An undeclared navigation property '${nav}' was found on '${d.logical}'.`);
        checkWritable(d, r.column, mode);
        row.values[`_${r.column}_value`] = null;
        delete row.lookupTypes[r.column];
        continue;
      }
      let ref = bindText(raw);
      const cid = /^\$(\w+)$/.exec(ref);
      if (cid) {
        const resolved = contentIds?.get(cid[1]);
        if (!resolved) throw badPayload(`Content-ID Reference: '${ref}' does not exist in the batch context.`);
        ref = resolved;
      }
      const target = resolveReference(db, ref, basePath);
      const r = resolveNav(d, nav, target.logical);
      if (!r) throw badPayload(`An undeclared navigation property '${nav}' was found on '${d.logical}'.`);
      if (r.logical !== target.logical)
        throw badPayload(`The navigation property '${nav}' does not point to a ${target.logical}.`);
      const allowed = d.lookups[r.column]?.targets;
      if (Array.isArray(allowed) && !allowed.includes(target.logical)) {
        throw badPayload(`The lookup '${r.column}' of '${d.logical}' cannot point to a ${target.logical}.`);
      }
      checkWritable(d, r.column, mode);
      row.values[`_${r.column}_value`] = target.id;
      row.lookupTypes[r.column] = target.logical;
      continue;
    }
    if (k.startsWith('@') || k.includes('@')) continue; // @odata.type, @odata.etag and other annotations
    if (d.parties && k === d.parties.nav) {
      row.parties = parseParties(db, d, String(row.values[d.key]), raw, basePath);
      continue;
    }
    if (/^_.+_value$/.test(k))
      throw badPayload(
        `Invalid property '${k}' was found in entity 'Microsoft.Dynamics.CRM.${d.logical}'. Use '<navigation>@odata.bind'.`,
      );
    if (raw !== null && typeof raw === 'object')
      throw badPayload(`Deep insert of '${k}' is not supported by the simulator.`);
    if (k === d.key) {
      if (mode === 'update') continue; // the URL's key wins (upsert doc)
      row.values[k] = String(raw).toLowerCase();
      continue;
    }
    if (k === 'overriddencreatedon' && mode === 'create' && typeof raw === 'string') {
      row.values.createdon = raw;
      row.values.overriddencreatedon = raw;
      continue;
    }
    checkWritable(d, k, mode);
    row.values[k] = raw;
  }
}
