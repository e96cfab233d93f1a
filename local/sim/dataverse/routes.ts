// One Web API request against the simulated organisation: routing to the service document, $metadata,
// EntityDefinitions, collections, rows and what lies below a row. Used for plain HTTP requests and for $batch
// parts; each request runs atomically against the store.
import { activityParties } from './activity-parties';
import { ACTIVITY_PARTY, csdl, entityDefinitions } from './csdl';
import { DataverseError, segmentNotFound, versionMismatch } from './errors';
import { condition, create, entityBody, etagOf, upsert } from './entity-writes';
import { parseKeySpec, splitEntityPath } from './keys';
import { parsePrefer, queryCollection, type Prefer } from './query';
import { subResource } from './sub-resources';
import { trackedQuery } from './tracking';
import {
  annotationsApplied,
  errorResponse,
  ok,
  parseBody,
  type RouteContext,
  type SimRequest,
  type SimResponse,
} from './web-api-http';
import { scalarText } from '../json-scalar';

export { errorResponse, type RouteContext, type SimRequest, type SimResponse } from './web-api-http';

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

const present304Allowed = (req: SimRequest, prefer: Prefer): boolean =>
  !req.query.get('$expand') && prefer.annotations.length === 0;
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

function whoAmI(ctx: RouteContext): SimResponse {
  const first = (set: string, key: string): string =>
    scalarText([...ctx.db.store.table(set).values()][0]?.values[key]) ?? '00000000-0000-0000-0000-000000000000';
  return ok(200, {
    '@odata.context': `${ctx.baseUrl}/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
    BusinessUnitId: first('businessunits', 'businessunitid'),
    UserId: first('systemusers', 'systemuserid'),
    OrganizationId: first('organizations', 'organizationid'),
  });
}
