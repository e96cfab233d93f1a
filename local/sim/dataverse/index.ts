// The Dataverse Web API simulator: a loopback HTTP server speaking the OData v4 subset of
// /api/data/v9.2 that the product and common clients (dynamics-web-api, fetch) use.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../../shared/ports';
import type { Json, TenantFixture } from '../../tenant/fixture';
import { executeBatch } from './batch';
import { Db, type DbSnapshot } from './db';
import { ensureDataverseError } from './errors';
import { handle, routeOf, type RouteContext } from './routes';
import { rowFromFixture } from './records';
import { resolveLimits, ServiceProtection, userOfToken, type DataverseLimits, type LimitsOption } from './limits';
import { DEFAULT_TRACKED_SETS } from './tracking';
import { scalarText } from '../json-scalar';

export { REAL_LIMITS, type LimitsOption } from './limits';

export interface DataverseSimulator {
  /** http://127.0.0.1:PORT/api/data/v9.2 — absolute OData-EntityId and nextLink use it. */
  baseUrl: string;
  close(): Promise<void>;
  /** Every entity set -> records in the fixture convention, re-readable as a fixture. */
  dump(): Record<string, Json[]>;
  /** JSON-serialisable state for a restart (`startDataverseSimulator({ snapshot })`). */
  snapshot(): unknown;
  /**
   * `requests` counts HTTP requests; `batchParts` the requests inside $batch; byRoute counts both; `throttled`
   * counts the 429s service protection answered, by limit.
   */
  stats(): {
    requests: number;
    batchParts: number;
    byRoute: Record<string, number>;
    throttled: { requests: number; executionTime: number; concurrency: number };
  };
  /** The service protection limits in force, or undefined when they are off. */
  limits(): DataverseLimits | undefined;
  /** A user's use of the current window (the user is a JWT's oid/sub, else the bearer token text). */
  usage(user: string): { requests: number; executionMs: number; inFlight: number; strikes: number } | undefined;
  /** Writes a record directly (tests, timeline), in the fixture convention; replaces a row with the same key. */
  upsertRecord(entitySet: string, record: Json): void;
  /** Declares an alternate key, so `/set(col='v')` URLs and binds may use it. */
  defineAlternateKey(entitySet: string, columns: string[]): void;
  /** Every change-tracking token handed out so far expires (the organization no longer keeps those changes). */
  expireChangeTracking(): void;
}

export interface InterceptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface DataverseSimulatorOptions {
  tenant?: TenantFixture;
  snapshot?: unknown;
  clock: Clock;
  port?: number;
  host?: string;
  /** Fault injection: a response to send instead of handling the request (429, 5xx, latency is the caller's). */
  intercept?: (req: { method: string; path: string }) => InterceptedResponse | undefined;
  /** Alternate keys by entity set, e.g. `{ emails: [['exsync_messagekey']] }`. None by default. */
  alternateKeys?: Record<string, string[][]>;
  /**
   * Service protection limits per user (bearer token), on `clock`. Off by default; `'real'` = the documented
   * defaults (6,000 requests and 1,200,000 ms of execution per 300 s, 52 concurrent); an object overrides them.
   */
  limits?: LimitsOption;
  /** Entity sets with change tracking enabled (default: contacts, accounts, leads, systemusers, queues). */
  changeTracking?: string[];
  /**
   * Real milliseconds each authenticated request takes before it is handled (network and service time; a
   * `$batch` counts once). Admitted requests hold their concurrency slot meanwhile, added to `limits.holdMs`.
   */
  latencyMs?: number;
  /**
   * Tests: awaited by every admitted request while it holds its concurrency slot, before it is handled. A
   * test that holds requests until it has seen them all makes overlap certain on any machine, where a
   * real-time hold (`holdMs`, `latencyMs`) only makes it likely.
   */
  hold?: (req: { method: string; path: string }) => Promise<void> | undefined;
}

export const BASE_PATH = '/api/data/v9.2';

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const h: Record<string, string | number> = { ...headers };
  if (text && !Object.keys(h).some((k) => k.toLowerCase() === 'content-type'))
    h['Content-Type'] = 'application/json; odata.metadata=minimal';
  res.writeHead(status, h);
  res.end(text);
}

export async function startDataverseSimulator(opts: DataverseSimulatorOptions): Promise<DataverseSimulator> {
  const db = new Db(opts.clock);
  if (opts.snapshot) db.restore(opts.snapshot as DbSnapshot);
  else if (opts.tenant) db.loadFixture(opts.tenant.dataverse ?? {});
  for (const [set, keys] of Object.entries(opts.alternateKeys ?? {}))
    for (const k of keys) db.defineAlternateKey(set, k);

  const counters = { requests: 0, batchParts: 0, byRoute: {} as Record<string, number> };
  const count = (route: string): void => {
    counters.byRoute[route] = (counters.byRoute[route] ?? 0) + 1;
  };
  let ctx: RouteContext | undefined;

  const limits = resolveLimits(opts.limits);
  const protection = limits ? new ServiceProtection(limits, opts.clock) : undefined;
  const tracked = new Set(opts.changeTracking ?? DEFAULT_TRACKED_SETS);

  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      counters.requests++;
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = (req.method ?? 'GET').toUpperCase();
      const injected = opts.intercept?.({ method, path: url.pathname + url.search });
      if (injected) return send(res, injected.status, injected.headers ?? {}, injected.body);
      if (!/^Bearer\s+\S+/i.test(req.headers.authorization ?? '')) {
        return send(
          res,
          401,
          {
            'WWW-Authenticate': `Bearer authorization_uri=https://login.microsoftonline.com/common/oauth2/authorize, resource_id=${ctx!.baseUrl.replace(BASE_PATH, '')}`,
          },
          undefined,
        );
      }
      const ticket = protection?.admit(userOfToken(req.headers.authorization));
      if (ticket && !ticket.ok) return send(res, ticket.status, ticket.headers, ticket.body);
      const partsBefore = counters.batchParts;
      let out: Served | undefined;
      try {
        const holdMs = (limits?.holdMs ?? 0) + (opts.latencyMs ?? 0);
        if (holdMs > 0) await new Promise((r) => setTimeout(r, holdMs));
        await opts.hold?.({ method, path: url.pathname + url.search });
        out = serve(url, method, body, req.headers);
      } finally {
        // A $batch is one request for the count, but each of its operations costs execution time.
        const rate = ticket?.release(counters.batchParts - partsBefore);
        if (rate && out) out = { ...out, headers: { ...out.headers, ...rate } };
      }
      return send(res, out.status, out.headers, out.body);
    })().catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, {}, ensureDataverseError(e).toBody());
    });
  });

  type Served = { status: number; headers: Record<string, string>; body?: unknown };
  function serve(url: URL, method: string, body: string, rawHeaders: IncomingMessage['headers']): Served {
    if (url.pathname !== BASE_PATH && !url.pathname.startsWith(`${BASE_PATH}/`)) {
      return {
        status: 404,
        headers: {},
        body: { error: { code: '0x8006088a', message: `Resource not found for the segment '${url.pathname}'.` } },
      };
    }
    const path = decodeURIComponent(url.pathname.slice(BASE_PATH.length).replace(/^\/+/, ''));
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(rawHeaders)) if (typeof v === 'string') headers[k.toLowerCase()] = v;
    if (path === '$batch' && method === 'POST') {
      count(routeOf(method, path));
      try {
        return executeBatch(ctx!, headers['content-type'], body, headers.prefer, () => counters.batchParts++);
      } catch (e) {
        const err = ensureDataverseError(e);
        return { status: err.status, headers: {}, body: err.toBody() };
      }
    }
    return handle(ctx!, { method, path, query: url.searchParams, headers, body });
  }
  // Keep-alive sockets would hold close() open; the clients reconnect cheaply on loopback.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1';
  const baseUrl = `http://${host}:${port}${BASE_PATH}`;
  ctx = { db, baseUrl, basePath: BASE_PATH, count, tracked };

  return {
    baseUrl,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
    dump: () => db.dump(),
    expireChangeTracking: () => void (db.trackingFloor = db.currentVersion() + 1),
    snapshot: () => structuredClone(db.snapshot()),
    stats: () => ({
      requests: counters.requests,
      batchParts: counters.batchParts,
      byRoute: { ...counters.byRoute },
      throttled: { requests: 0, executionTime: 0, concurrency: 0, ...protection?.throttled },
    }),
    limits: () => (limits ? { ...limits } : undefined),
    usage: (user) => protection?.usage(user),
    upsertRecord: (entitySet, record) => {
      const d = db.def(entitySet, record);
      const row = rowFromFixture(d, record);
      row.values[d.key] = (scalarText(row.values[d.key]) ?? db.newId()).toLowerCase();
      const existing = db.store.get(entitySet, String(row.values[d.key]));
      if (existing?.values.createdon && row.values.createdon === undefined)
        row.values.createdon = existing.values.createdon;
      db.stamp(entitySet, row, true);
      db.save(entitySet, row);
    },
    defineAlternateKey: (entitySet, columns) => db.defineAlternateKey(entitySet, columns),
  };
}
