// The Dataverse Web API over fetch: one place for headers, auth, and translating failures (errors.ts).
// Why not dynamics-web-api: it neither retries nor surfaces a 429's Retry-After, resolves failed batches
// with error objects, and does not escape key values; we need exact control of $batch and of throttling,
// and dynamics-web-api stays useful as the independent client in simulator tests.
import type { Clock } from '../../ports';
import { unsafeLink } from '../../domain/errors';
import { checkServiceLink, serviceRoot, type ServiceRoot } from '../service-link';
import type { BatchItem, ItemResponse } from './batch';
import { decodeBatch, encodeBatch } from './batch';
import { AdaptiveLimit, executionTimeLow } from './concurrency';
import { stillThrottled, translateDataverseResponse, translateFetchFailure } from './errors';

export interface WebApiOptions {
  /** Environment URL, with or without /api/data/v9.2. */
  url: string;
  token: () => Promise<string>;
  clock: Clock;
  onRequest?: (route: string) => void;
  /** Shared by every request of the process (see concurrency.ts). */
  limit?: AdaptiveLimit;
}

export interface WebApi {
  apiRoot: string;
  get(pathAndQuery: string, headers?: Record<string, string>): Promise<Record<string, unknown>>;
  /** Follows @odata.nextLink until the collection is complete. */
  getAll(pathAndQuery: string, headers?: Record<string, string>): Promise<Record<string, unknown>[]>;
  batch(items: BatchItem[]): Promise<ItemResponse[]>;
  /** The clock a $batch part's Retry-After date is read against (the process clock when absent). */
  now?(): Date;
}

export function apiRootOf(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return /\/api\/data\/v\d+(\.\d+)?$/i.test(trimmed) ? trimmed : `${trimmed}/api/data/v9.2`;
}

const BASE_HEADERS = {
  Accept: 'application/json',
  'OData-MaxVersion': '4.0',
  'OData-Version': '4.0',
  'If-None-Match': 'null',
};

type Send = (route: string, url: string, init: RequestInit) => Promise<Response>;

export function createWebApi(o: WebApiOptions): WebApi {
  const apiRoot = apiRootOf(o.url);
  const send = createSender(o);
  return {
    apiRoot,
    async get(pathAndQuery, headers) {
      const res = await send('get', `${apiRoot}${pathAndQuery}`, { method: 'GET', headers: headers ?? {} });
      return (await res.json()) as Record<string, unknown>;
    },
    getAll: (pathAndQuery, headers) => getAllPages(send, serviceRoot(apiRoot), `${apiRoot}${pathAndQuery}`, headers),
    batch: (items) => postBatch(send, apiRoot, items),
    now: () => o.clock.now(),
  };
}

/**
 * Sends one request with the token and the base headers, through the shared concurrency limit; answers
 * 2xx or throws the failure translated. While Dataverse has said "wait", every job of this process waits:
 * a request sent meanwhile only lengthens the block (service protection), so it fails here, at once,
 * with the time left.
 */
function createSender(o: WebApiOptions): Send {
  const limit = o.limit ?? new AdaptiveLimit();
  let blockedUntil = 0;
  return async (route, url, init) => {
    const wait = blockedUntil - o.clock.now().getTime();
    if (wait > 0) throw stillThrottled(route, wait);
    o.onRequest?.(route);
    const token = await o.token();
    const headers = { ...BASE_HEADERS, Authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) };
    let res: Response;
    try {
      res = await limit.run(() => fetch(url, { ...init, headers }));
    } catch (e) {
      throw translateFetchFailure(route, e);
    }
    if (res.status === 429 || executionTimeLow(res.headers.get('x-ms-ratelimit-time-remaining-xrm-requests')))
      limit.backOff();
    else if (res.ok) limit.succeeded();
    if (res.ok) return res;
    const text = await res.text().catch(() => '');
    const failure = translateDataverseResponse(route, res.status, res.headers.get('Retry-After'), text, o.clock.now());
    if (res.status === 429) blockedUntil = Math.max(blockedUntil, o.clock.now().getTime() + failure.retryAfterMs);
    throw failure;
  };
}

/** A collection with its @odata.nextLink pages, each link followed with our token only on this Web API. */
async function getAllPages(
  send: Send,
  root: ServiceRoot,
  first: string,
  headers: Record<string, string> | undefined,
): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  let url: string | undefined = first;
  while (url) {
    const res = await send('get', url, { method: 'GET', headers: { Prefer: 'odata.maxpagesize=5000', ...headers } });
    const page = (await res.json()) as Record<string, unknown>;
    if (Array.isArray(page.value)) rows.push(...(page.value as Record<string, unknown>[]));
    const next = page['@odata.nextLink'];
    if (next === undefined || next === null) break;
    const c = checkServiceLink(next, root);
    if (!c.ok) throw unsafeLink('dataverse', `Dataverse nextLink rejected: ${c.reason}`);
    url = c.url.href;
  }
  return rows;
}

/** One $batch, continuing past a failed part: every item gets its own answer (batch.ts). */
async function postBatch(send: Send, apiRoot: string, items: BatchItem[]): Promise<ItemResponse[]> {
  if (items.length === 0) return [];
  const { boundary, body } = encodeBatch(items, new URL(apiRoot).pathname);
  const res = await send('batch', `${apiRoot}/$batch`, {
    method: 'POST',
    headers: { 'Content-Type': `multipart/mixed; boundary=${boundary}`, Prefer: 'odata.continue-on-error' },
    body,
  });
  return decodeBatch(res.headers.get('content-type') ?? undefined, await res.text(), items);
}
