// The Dataverse Web API over fetch: one place for headers, auth, and classifying failures.
// Why not dynamics-web-api: it never retries or surfaces 429 Retry-After, resolves failed batches with
// error objects, and does not escape key values in URLs; we need exact control of $batch
// and of throttling, and dynamics-web-api stays useful as the independent client in simulator tests.
import type { Clock } from '../../ports';
import { classifyHttp, retryAfterMs, ThrottledError, TransientError, UnsafeLinkError } from '../../domain/errors';
import { checkServiceLink, serviceRoot } from '../service-link';
import type { BatchItem, ItemResponse } from './batch';
import { decodeBatch, encodeBatch } from './batch';
import { AdaptiveLimit, executionTimeLow } from './concurrency';

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

export function createWebApi(o: WebApiOptions): WebApi {
  const apiRoot = apiRootOf(o.url);
  const apiPath = new URL(apiRoot).pathname;
  const root = serviceRoot(apiRoot);

  const limit = o.limit ?? new AdaptiveLimit();
  // While Dataverse has said "wait", every job of this process waits: a request sent meanwhile only
  // lengthens the block (service protection), so it fails here, at once, with the time left.
  let blockedUntil = 0;
  async function send(route: string, url: string, init: RequestInit): Promise<Response> {
    const wait = blockedUntil - o.clock.now().getTime();
    if (wait > 0) throw new ThrottledError(`Dataverse ${route}: still throttled`, 'dataverse', wait);
    o.onRequest?.(route);
    const token = await o.token();
    let res: Response;
    try {
      res = await limit.run(() =>
        fetch(url, {
          ...init,
          headers: { ...BASE_HEADERS, Authorization: `Bearer ${token}`, ...(init.headers as Record<string, string>) },
        }),
      );
    } catch (e) {
      throw new TransientError(`Dataverse ${route}: ${(e as Error).message}`, 'dataverse');
    }
    if (res.status === 429 || executionTimeLow(res.headers.get('x-ms-ratelimit-time-remaining-xrm-requests')))
      limit.backOff();
    else if (res.ok) limit.succeeded();
    if (res.ok) return res;
    const text = await res.text().catch(() => '');
    let code: string | undefined;
    try {
      code = JSON.parse(text)?.error?.code;
    } catch {
      /* not JSON */
    }
    const retry = retryAfterMs(res.headers.get('Retry-After'), o.clock.now(), res.status === 429 ? 5_000 : 0);
    if (res.status === 429) blockedUntil = Math.max(blockedUntil, o.clock.now().getTime() + retry);
    throw classifyHttp('dataverse', res.status, code, `Dataverse ${route}: ${res.status} ${code ?? ''}`.trim(), retry);
  }

  const api: WebApi = {
    apiRoot,
    async get(pathAndQuery, headers) {
      const res = await send('get', `${apiRoot}${pathAndQuery}`, { method: 'GET', headers: headers ?? {} });
      return (await res.json()) as Record<string, unknown>;
    },
    async getAll(pathAndQuery, headers) {
      const rows: Record<string, unknown>[] = [];
      let url: string | undefined = `${apiRoot}${pathAndQuery}`;
      while (url) {
        const res = await send('get', url, {
          method: 'GET',
          headers: { Prefer: 'odata.maxpagesize=5000', ...headers },
        });
        const page = (await res.json()) as Record<string, unknown>;
        if (Array.isArray(page.value)) rows.push(...(page.value as Record<string, unknown>[]));
        const next = page['@odata.nextLink'];
        if (next === undefined || next === null) break;
        // Followed with our token: only a link on this environment's Web API (service-link.ts).
        const c = checkServiceLink(next, root);
        if (!c.ok) throw new UnsafeLinkError(`Dataverse nextLink rejected: ${c.reason}`, 'dataverse');
        url = c.url.href;
      }
      return rows;
    },
    async batch(items) {
      if (items.length === 0) return [];
      const { boundary, body } = encodeBatch(items, apiPath);
      const res = await send('batch', `${apiRoot}/$batch`, {
        method: 'POST',
        headers: { 'Content-Type': `multipart/mixed; boundary=${boundary}`, Prefer: 'odata.continue-on-error' },
        body,
      });
      return decodeBatch(res.headers.get('content-type') ?? undefined, await res.text(), items);
    },
  };
  return api;
}
