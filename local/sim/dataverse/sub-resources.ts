// Below one row: its activity parties collection (GET, PUT replaces it), a single-valued navigation's $ref
// (PUT, DELETE), and a single property (GET, PUT, DELETE).
import { DataverseError, badPayload, invalidArgument, segmentNotFound } from './errors';
import type { KeySpec } from './keys';
import { wantsLookupNames, type Prefer } from './query';
import { presentParty } from './records';
import { cloneRow } from './store';
import { ok, parseBody, type RouteContext, type SimRequest, type SimResponse } from './web-api-http';
import { applyBody, guardClosed, parseParties } from './writes';

/** `/set(id)/email_activity_parties`, `/set(id)/column`, `/set(id)/nav/$ref`. */
export function subResource(
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
