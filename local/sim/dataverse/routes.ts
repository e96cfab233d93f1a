// One Web API request against the simulated organisation: routing, the create/upsert/update/delete
// matrix of protocols E.1-E.3, and the error body. Used for plain HTTP requests and for $batch parts.
import type { Json } from '../../tenant/fixture';
import type { Db } from './db';
import {
  DataverseError,
  badPayload,
  duplicateRecord,
  ensureDataverseError,
  invalidArgument,
  notFound,
  segmentNotFound,
  versionMismatch,
} from './errors';
import { parseKeySpec, splitEntityPath, type KeySpec } from './keys';
import { ACTIVITY_PARTY, csdl, entityDefinitions } from './csdl';
import { activityDefs } from './metadata';
import {
  addLookupExpansions,
  parseExpandAll,
  parsePrefer,
  queryCollection,
  wantsLookupNames,
  type Prefer,
} from './query';
import { present, presentParty } from './records';
import { trackedQuery } from './tracking';
import { cloneRow, type Row } from './store';
import { applyBody, guardClosed, parseParties } from './writes';

export interface SimRequest {
  method: string;
  /** Path below the service root, without query, percent-decoded: `emails(…)/email_activity_parties`. */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON, or text already serialised (the $metadata XML). */
  body?: Json | string;
}

export interface RouteContext {
  db: Db;
  /** Absolute service root, e.g. http://127.0.0.1:1234/api/data/v9.2 */
  baseUrl: string;
  /** `/api/data/v9.2` */
  basePath: string;
  /** `$n` -> entity path, inside one $batch change set. */
  contentIds?: Map<string, string>;
  count(route: string): void;
  /** Entity sets with change tracking enabled. */
  tracked: ReadonlySet<string>;
}

const JSON_HEADERS = { 'Content-Type': 'application/json; odata.metadata=minimal', 'OData-Version': '4.0' };

export function errorResponse(e: unknown): SimResponse {
  const err = ensureDataverseError(e);
  return { status: err.status, headers: { ...JSON_HEADERS }, body: err.toBody() };
}

/** The route name stats are kept under: method plus the first path segment's name. */
export function routeOf(method: string, path: string): string {
  const seg = /^[^(/?]*/.exec(path)?.[0] ?? '';
  return `${method} ${seg || '/'}`;
}

export function handle(ctx: RouteContext, req: SimRequest): SimResponse {
  ctx.count(routeOf(req.method, req.path));
  try {
    return ctx.db.store.atomically(() => route(ctx, req));
  } catch (e) {
    return errorResponse(e);
  }
}

function parseBody(req: SimRequest): Json {
  if (!req.body.trim()) return {};
  let v: unknown;
  try {
    v = JSON.parse(req.body);
  } catch {
    throw badPayload('The request body is not valid JSON.');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw badPayload('The request body must be a JSON object.');
  return v as Json;
}

const etagOf = (row: Row): string => `W/"${String(row.values.versionnumber ?? 0)}"`;
const present304Allowed = (req: SimRequest, prefer: Prefer): boolean =>
  !req.query.get('$expand') && prefer.annotations.length === 0;
/** Clients send `If-None-Match: null` on every request to defeat caches; it means no condition. */
const condition = (v: string | undefined): string | undefined => (v && v !== 'null' ? v.trim() : undefined);

function route(ctx: RouteContext, req: SimRequest): SimResponse {
  const { db } = ctx;
  const path = req.path.replace(/^\/+/, '');
  const prefer = parsePrefer(req.headers.prefer);
  if (path === '' && req.method === 'GET') {
    const value = db.store.sets().map((name) => ({ name, kind: 'EntitySet', url: name }));
    return ok(200, { '@odata.context': `${ctx.baseUrl}/$metadata`, value });
  }
  if (/^WhoAmI(\(\))?$/.test(path) && req.method === 'GET') return whoAmI(ctx);
  if (path === '$metadata' && req.method === 'GET') {
    return {
      status: 200,
      headers: { 'Content-Type': 'application/xml', 'OData-Version': '4.0' },
      body: csdl(db, ctx.tracked),
    };
  }
  const parts = splitEntityPath(path);
  if (!parts) throw segmentNotFound(path);
  const { set } = parts;
  if (set === 'EntityDefinitions') {
    if (req.method !== 'GET')
      throw new DataverseError(405, '0x80060888', 'The simulator serves EntityDefinitions read-only.');
    if (parts.rest) throw segmentNotFound(path);
    return ok(
      200,
      entityDefinitions(
        db,
        ctx.tracked,
        parts.key === undefined ? undefined : parseKeySpec(parts.key),
        req.query,
        ctx.baseUrl,
      ),
    );
  }
  if (set === ACTIVITY_PARTY.set) return activityParties(ctx, parts.key, parts.rest, req, prefer);
  if (!db.knowsSet(set) && req.method === 'GET') throw segmentNotFound(set);
  if (parts.key === undefined) {
    if (parts.rest) throw segmentNotFound(path);
    if (req.method === 'GET') {
      const { body, headers } =
        trackedQuery(db, set, req.query, prefer, ctx.baseUrl, ctx.tracked) ??
        queryCollection(db, set, req.query, prefer, ctx.baseUrl);
      return ok(200, body, { ...headers, ...annotationsApplied(prefer) });
    }
    if (req.method === 'POST') return create(ctx, set, parseBody(req), req, prefer);
    throw new DataverseError(405, '0x80060888', `The HTTP method '${req.method}' is not allowed on a collection.`);
  }
  const spec = parseKeySpec(parts.key);
  if (parts.rest) return subResource(ctx, set, spec, parts.rest, req, prefer);
  switch (req.method) {
    case 'GET': {
      const row = db.requireRow(set, spec);
      const cond = condition(req.headers['if-none-match']);
      if (cond && cond === etagOf(row) && present304Allowed(req, prefer))
        return { status: 304, headers: { 'OData-Version': '4.0' } };
      return ok(200, entityBody(ctx, set, row, req, prefer), annotationsApplied(prefer));
    }
    case 'PATCH':
      return upsert(ctx, set, spec, parseBody(req), req, prefer);
    case 'DELETE': {
      const row = db.requireRow(set, spec);
      const ifMatch = condition(req.headers['if-match']);
      if (ifMatch && ifMatch !== '*' && ifMatch !== etagOf(row)) throw versionMismatch();
      db.delete(set, row);
      return { status: 204, headers: { 'OData-Version': '4.0' } };
    }
    default:
      throw new DataverseError(405, '0x80060888', `The HTTP method '${req.method}' is not allowed on an entity.`);
  }
}

function ok(status: number, body: Json, headers: Record<string, string> = {}): SimResponse {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body };
}

function annotationsApplied(prefer: Prefer): Record<string, string> {
  return prefer.annotations.length
    ? { 'Preference-Applied': `odata.include-annotations="${prefer.annotations.join(',')}"` }
    : {};
}

function entityUrl(ctx: RouteContext, set: string, id: string): string {
  return `${ctx.baseUrl}/${set}(${id})`;
}

function entityBody(ctx: RouteContext, set: string, row: Row, req: SimRequest, prefer: Prefer): Json {
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

function create(ctx: RouteContext, set: string, body: Json, req: SimRequest, prefer: Prefer): SimResponse {
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
function upsert(
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

/** `/set(id)/email_activity_parties`, `/set(id)/column`, `/set(id)/nav/$ref`. */
function subResource(
  ctx: RouteContext,
  set: string,
  spec: KeySpec,
  rest: string,
  req: SimRequest,
  prefer: Prefer,
): SimResponse {
  const { db } = ctx;
  const d = db.def(set);
  const existing = db.requireRow(set, spec);
  const id = db.keyOf(set, existing);
  if (d.parties && rest === d.parties.nav) {
    if (req.method === 'GET') {
      const value = (existing.parties ?? []).map((p) => presentParty(p, id, undefined, wantsLookupNames(prefer)));
      return ok(200, { '@odata.context': `${ctx.baseUrl}/$metadata#activityparties`, value });
    }
    if (req.method === 'PUT') {
      // Replacing the collection is special to activity parties (associate-disassociate-entities-using-web-api.md).
      const body = parseBody(req);
      if (!Array.isArray(body.value)) throw badPayload('PUT of activity parties needs a body {"value": [ … ]}.');
      guardClosed(d, existing, [d.parties.nav]);
      const row = cloneRow(existing);
      row.parties = parseParties(db, d, id, body.value, ctx.basePath);
      db.stamp(set, row, false);
      db.save(set, row);
      return { status: 204, headers: { 'OData-Version': '4.0' } };
    }
    throw new DataverseError(405, '0x80060888', `The HTTP method '${req.method}' is not allowed on ${rest}.`);
  }
  const ref = /^(\w+)\/\$ref$/.exec(rest);
  if (ref) {
    const row = cloneRow(existing);
    if (req.method === 'DELETE') applyBody(db, set, row, { [`${ref[1]}@odata.bind`]: null }, 'update', ctx.basePath);
    else if (req.method === 'PUT') {
      const target = parseBody(req)['@odata.id'];
      if (typeof target !== 'string') throw badPayload('PUT …/$ref needs {"@odata.id": "<entity URL>"}.');
      applyBody(db, set, row, { [`${ref[1]}@odata.bind`]: target }, 'update', ctx.basePath, ctx.contentIds);
    } else throw new DataverseError(405, '0x80060888', `The HTTP method '${req.method}' is not allowed on $ref.`);
    db.stamp(set, row, false);
    db.save(set, row);
    return { status: 204, headers: { 'OData-Version': '4.0' } };
  }
  if (!/^\w+$/.test(rest)) throw segmentNotFound(rest);
  db.checkColumn(set, rest);
  if (req.method === 'GET') {
    return ok(200, {
      '@odata.context': `${ctx.baseUrl}/$metadata#${set}(${id})/${rest}`,
      value: existing.values[rest] ?? null,
    });
  }
  if (req.method === 'PUT' || req.method === 'DELETE') {
    const row = cloneRow(existing);
    const value = req.method === 'PUT' ? parseBody(req).value : null;
    if (value === undefined) throw badPayload('PUT of a single property needs a body {"value": …}.');
    applyBody(db, set, row, { [rest]: value }, 'update', ctx.basePath);
    db.stamp(set, row, false);
    db.save(set, row);
    return { status: 204, headers: { 'OData-Version': '4.0' } };
  }
  throw invalidArgument(`The HTTP method '${req.method}' is not allowed on a property.`);
}

/** Every party of every activity, as rows of the `activityparties` entity set. */
function activityPartyRows(ctx: RouteContext): Row[] {
  const rows: Row[] = [];
  for (const d of activityDefs()) {
    for (const activity of ctx.db.store.table(d.set).values()) {
      const id = String(activity.values[d.key]);
      for (const p of activity.parties ?? []) {
        rows.push({
          values: { ...presentParty(p, id, undefined, false) },
          lookupTypes: { ...(p.partyid ? { partyid: p.partyid.logical } : {}), activityid: d.logical },
        });
      }
    }
  }
  return rows;
}

/** `GET activityparties?$filter=…` and `GET activityparties(<id>)`: read-only; parties are written through their activity. */
function activityParties(
  ctx: RouteContext,
  key: string | undefined,
  rest: string | undefined,
  req: SimRequest,
  prefer: Prefer,
): SimResponse {
  if (req.method !== 'GET') {
    throw new DataverseError(
      405,
      '0x80060888',
      'The simulator serves activityparties read-only: write parties through email_activity_parties / appointment_activity_parties.',
    );
  }
  if (rest) throw segmentNotFound(rest);
  const source = { def: ACTIVITY_PARTY, rows: activityPartyRows(ctx) };
  if (key === undefined) {
    const { body, headers } = queryCollection(ctx.db, ACTIVITY_PARTY.set, req.query, prefer, ctx.baseUrl, source);
    return ok(200, body, { ...headers, ...annotationsApplied(prefer) });
  }
  const spec = parseKeySpec(key);
  const row = spec.kind === 'id' ? source.rows.find((r) => r.values.activitypartyid === spec.id) : undefined;
  if (!row) throw notFound('activityparty', spec.kind === 'id' ? spec.id : key);
  const select = req.query
    .get('$select')
    ?.split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  const body = present(ACTIVITY_PARTY, row, { select, annotate: wantsLookupNames(prefer) });
  return ok(
    200,
    { '@odata.context': `${ctx.baseUrl}/$metadata#activityparties/$entity`, ...body },
    annotationsApplied(prefer),
  );
}

function whoAmI(ctx: RouteContext): SimResponse {
  const first = (set: string, key: string): string =>
    String([...ctx.db.store.table(set).values()][0]?.values[key] ?? '00000000-0000-0000-0000-000000000000');
  return ok(200, {
    '@odata.context': `${ctx.baseUrl}/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
    BusinessUnitId: first('businessunits', 'businessunitid'),
    UserId: first('systemusers', 'systemuserid'),
    OrganizationId: first('organizations', 'organizationid'),
  });
}
