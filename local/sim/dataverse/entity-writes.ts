// Reading and writing one row: its body with $select/$expand, create (POST), and the upsert matrix of PATCH
// (no header = upsert; If-Match: * = update only; If-None-Match: * = create only; a stale etag fails)
// (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/perform-conditional-operations-using-web-api).
import type { Json } from '../../tenant/fixture';
import { duplicateRecord, notFound, versionMismatch } from './errors';
import type { KeySpec } from './keys';
import { addLookupExpansions, parseExpandAll, wantsLookupNames, type Prefer } from './query';
import { present } from './records';
import { cloneRow, type Row } from './store';
import { ok, type RouteContext, type SimRequest, type SimResponse } from './web-api-http';
import { applyBody } from './writes';
import { scalarText } from '../json-scalar';

export const etagOf = (row: Row): string => `W/"${scalarText(row.values.versionnumber) ?? '0'}"`;
/** Clients send `If-None-Match: null` on every request to defeat caches; it means no condition. */
export const condition = (v: string | undefined): string | undefined => (v && v !== 'null' ? v.trim() : undefined);

function entityUrl(ctx: RouteContext, set: string, id: string): string {
  return `${ctx.baseUrl}/${set}(${id})`;
}

export function entityBody(ctx: RouteContext, set: string, row: Row, req: SimRequest, prefer: Prefer): Json {
  const select = req.query
    .get('$select')
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const c of select ?? []) ctx.db.checkColumn(set, c);
  // PATCH ignores $expand (update-delete-entities-using-web-api.md).
  const expand = req.method === 'PATCH' ? { lookups: [] } : parseExpandAll(ctx.db, set, req.query.get('$expand'));
  const annotate = wantsLookupNames(prefer);
  const body = present(ctx.db.def(set), row, { select, annotate, expandParties: expand.parties });
  if (expand.lookups.length) addLookupExpansions(ctx.db, body, row, expand.lookups, annotate);
  return { '@odata.context': `${ctx.baseUrl}/$metadata#${set}/$entity`, ...body };
}

function written(
  ctx: RouteContext,
  set: string,
  row: Row,
  created: boolean,
  req: SimRequest,
  prefer: Prefer,
): SimResponse {
  const id = ctx.db.keyOf(set, row);
  const headers = { 'OData-EntityId': entityUrl(ctx, set, id) };
  if (!prefer.returnRepresentation) return { status: 204, headers: { 'OData-Version': '4.0', ...headers } };
  return ok(created ? 201 : 200, entityBody(ctx, set, row, req, prefer), {
    ...headers,
    'Preference-Applied': 'return=representation',
  });
}

function newRow(ctx: RouteContext, set: string, id: string): Row {
  const d = ctx.db.def(set);
  return { values: { [d.key]: id }, lookupTypes: {}, ...(d.parties ? { parties: [] } : {}) };
}

export function create(ctx: RouteContext, set: string, body: Json, req: SimRequest, prefer: Prefer): SimResponse {
  const { db } = ctx;
  const d = db.def(set, body);
  const given = body[d.key];
  const id = typeof given === 'string' && given ? given.toLowerCase() : db.newId();
  if (db.store.get(set, id)) throw duplicateRecord();
  const row = newRow(ctx, set, id);
  applyBody(db, set, row, body, 'create', ctx.basePath, ctx.contentIds);
  db.stamp(set, row, true);
  db.save(set, row);
  return written(ctx, set, row, true, req, prefer);
}

/** PATCH: the upsert matrix (no header = upsert; If-Match: * = update only; If-None-Match: * = create only). */
export function upsert(
  ctx: RouteContext,
  set: string,
  spec: KeySpec,
  body: Json,
  req: SimRequest,
  prefer: Prefer,
): SimResponse {
  const { db } = ctx;
  const d = db.def(set, body);
  const existing = db.locate(set, spec);
  const ifMatch = condition(req.headers['if-match']);
  const ifNoneMatch = condition(req.headers['if-none-match']);
  if (ifNoneMatch === '*' && existing) throw duplicateRecord();
  if (ifMatch && !existing) throw notFound(d.logical, spec.kind === 'id' ? spec.id : JSON.stringify(spec.values));
  if (existing) {
    if (ifMatch && ifMatch !== '*' && ifMatch !== etagOf(existing)) throw versionMismatch();
    const row = cloneRow(existing);
    const update = { ...body };
    // Key values in the URL win; key columns in the body are stripped on update (use-upsert-insert-update-record.md).
    if (spec.kind === 'alt') for (const c of Object.keys(spec.values)) delete update[c];
    applyBody(db, set, row, update, 'update', ctx.basePath, ctx.contentIds);
    db.stamp(set, row, false);
    db.save(set, row);
    return written(ctx, set, row, false, req, prefer);
  }
  const bodyId = typeof body[d.key] === 'string' ? (body[d.key] as string).toLowerCase() : undefined;
  const id = spec.kind === 'id' ? spec.id : (bodyId ?? db.newId());
  const row = newRow(ctx, set, id);
  if (spec.kind === 'alt') Object.assign(row.values, spec.values);
  const { [d.key]: _ignored, ...rest } = body;
  applyBody(db, set, row, rest, 'create', ctx.basePath, ctx.contentIds);
  db.stamp(set, row, true);
  db.save(set, row);
  return written(ctx, set, row, true, req, prefer);
}
