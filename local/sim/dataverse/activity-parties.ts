// The activityparties entity set, read-only: every party of every activity as a row, queried like any set.
import { ACTIVITY_PARTY } from './csdl';
import { DataverseError, notFound, segmentNotFound } from './errors';
import { parseKeySpec } from './keys';
import { activityDefs } from './metadata';
import { queryCollection, wantsLookupNames, type Prefer } from './query';
import { present, presentParty } from './records';
import type { Row } from './store';
import { annotationsApplied, ok, type RouteContext, type SimRequest, type SimResponse } from './web-api-http';

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
export function activityParties(
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
