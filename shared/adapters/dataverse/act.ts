// Contacts and tasks in Dataverse for the ACT job: change tracking (`Prefer: odata.track-changes`,
// learn.microsoft.com/power-apps/developer/data-platform/use-change-tracking-synchronize-data-external-systems),
// create-only writes by id, updates and deletes, each one change set (columns, then a state change), and the
// user's sync filters (userquery rows of query type 256).
import type { ActDataversePort, DataverseChangesPage } from '../../ports-act';
import type { DataverseWrite } from '../../domain/act/module';
import type { DataverseChange } from '../../domain/act/types';
import { OUTLOOK_FILTER_QUERY_TYPE, type SyncFilter } from '../../domain/act/sync-filters';
import { isExsyncError, permanent, syncStateExpired } from '../../domain/errors';
import type { BatchRequest } from './batch';
import type { WebApi } from './http';
import { dataverseErrorCode, translateBatchPart } from './errors';

/** The change tracking token is older than the organization keeps changes (ExpiredVersionStamp). */
export const EXPIRED_VERSION_STAMP = '0x80044352';
const PAGE = 500;
type Row = Record<string, unknown>;

function changeOf(row: Row, key: string): DataverseChange | undefined {
  const ctx = typeof row['@odata.context'] === 'string' ? row['@odata.context'] : '';
  if (ctx.includes('$deletedEntity'))
    return typeof row.id === 'string' ? { id: row.id.toLowerCase(), removed: true } : undefined;
  const id = row[key];
  if (typeof id !== 'string') return undefined;
  const v = row.versionnumber;
  const version = typeof v === 'number' || typeof v === 'string' ? String(v) : undefined;
  return { id: id.toLowerCase(), removed: false, row, ...(version ? { version } : {}) };
}

/** The columns first, then the state change; a state that reopens the row goes first so the columns can be written. */
function requests(url: string, w: DataverseWrite, method: 'PATCH' | 'POST', body: Row): BatchRequest[] {
  const main: BatchRequest = { method, url, body, headers: method === 'PATCH' ? { 'If-Match': '*' } : {} };
  if (!w.state) return [main];
  const state: BatchRequest = {
    method: 'PATCH',
    url: method === 'POST' ? '$1' : url,
    body: w.state,
    headers: { 'If-Match': '*' },
  };
  return w.state.statecode === 0 && method === 'PATCH' ? [state, main] : [main, state];
}

export function createDataverseAct(api: WebApi): ActDataversePort {
  const one = async (
    what: string,
    reqs: BatchRequest[],
    ok: (status: number, code?: string) => boolean = () => false,
  ) => {
    const [res] = await api.batch([reqs.length > 1 ? { changeset: reqs } : { request: reqs[0] }]);
    if (res?.ok) return;
    const bad = res?.parts.find((p) => p.status >= 400) ?? res?.parts[0];
    if (bad && ok(bad.status, dataverseErrorCode(bad.body))) return;
    throw translateBatchPart(what, bad, api.now?.() ?? new Date());
  };
  return {
    changes: (entitySet, key, from) => changesPage(api, entitySet, key, from),
    create: (entitySet, key, id, w) =>
      one(
        `create a row in ${entitySet}`,
        requests(`/${entitySet}`, w, 'POST', { [key]: id, ...w.columns }),
        (status, code) => status === 412 || code === '0x80040237',
      ),
    update: (entitySet, id, w) =>
      one(`update a row in ${entitySet}`, requests(`/${entitySet}(${id})`, w, 'PATCH', w.columns)),
    remove: (entitySet, id) =>
      one(
        `delete a row in ${entitySet}`,
        [{ method: 'DELETE', url: `/${entitySet}(${id})` }],
        (status) => status === 404,
      ),
    async syncFilters(userId) {
      const filter = `querytype eq ${OUTLOOK_FILTER_QUERY_TYPE} and _ownerid_value eq ${userId}`;
      const rows = await api.getAll(
        `/userqueries?$select=userqueryid,returnedtypecode,fetchxml,statecode,_ownerid_value&$filter=${encodeURIComponent(filter)}`,
      );
      return rows.flatMap((r): SyncFilter[] =>
        typeof r.userqueryid === 'string' && typeof r.returnedtypecode === 'string' && typeof r.fetchxml === 'string'
          ? [
              {
                id: r.userqueryid,
                table: r.returnedtypecode.toLowerCase(),
                fetchxml: r.fetchxml,
                enabled: r.statecode === 0 || r.statecode === undefined,
              },
            ]
          : [],
      );
    },
  };
}

/** One page of change tracking; an expired token is the sync state gone, as Graph's 410 is. */
async function changesPage(
  api: WebApi,
  entitySet: string,
  key: string,
  from: { token?: string; nextLink?: string },
): Promise<DataverseChangesPage> {
  let path = `/${entitySet}`;
  if (from.nextLink) {
    if (!from.nextLink.startsWith(`${api.apiRoot}/`))
      throw permanent('dataverse', 'change tracking nextLink off the environment');
    path = from.nextLink.slice(api.apiRoot.length);
  } else if (from.token) path = `/${entitySet}?$deltatoken=${encodeURIComponent(from.token)}`;
  let page: Row;
  try {
    page = await api.get(path, { Prefer: `odata.track-changes, odata.maxpagesize=${PAGE}` });
  } catch (e) {
    if (isExsyncError(e) && e.code?.toLowerCase() === EXPIRED_VERSION_STAMP)
      throw syncStateExpired('dataverse', `change tracking of ${entitySet}: the token expired`, { code: e.code });
    throw e;
  }
  const changes = (Array.isArray(page.value) ? (page.value as Row[]) : []).flatMap((r) => changeOf(r, key) ?? []);
  const next = typeof page['@odata.nextLink'] === 'string' ? page['@odata.nextLink'] : undefined;
  const delta = typeof page['@odata.deltaLink'] === 'string' ? page['@odata.deltaLink'] : undefined;
  const token = delta ? (new URL(delta).searchParams.get('$deltatoken') ?? undefined) : undefined;
  if (!next && !token) throw permanent('dataverse', 'change tracking page without nextLink or deltaLink');
  return { changes, ...(next ? { nextLink: next } : { deltaToken: token }) };
}
