// The Microsoft Graph simulator: a loopback HTTP server speaking Graph's mail protocol (users, mail
// folders, messages, per-folder delta with signed state tokens, ImmutableId) closely enough that
// independent clients work against it unchanged.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../../shared/ports';
import type { FixtureMailbox, FixtureMessage, TenantFixture } from '../../tenant/fixture';
import { GraphError, badRequest, errorBody } from './errors';
import { requestId } from './ids';
import { parsePrefer } from './prefer';
import { matchRoute, splitSegments, type RouteResult } from './routes';
import { exchangeState, restoreInto, snapshotOf } from './snapshot';
import { MailStore, type SimMessage } from './store';

export interface GraphSimulator {
  /** e.g. http://127.0.0.1:PORT/v1.0; absolute links in responses use it. */
  baseUrl: string;
  close(): Promise<void>;
  /** `folder` is a wellKnownName or folder id; returns the stored message with its (immutable) id. */
  deliver(mailbox: string, folder: string, message: FixtureMessage): FixtureMessage;
  updateMessage(mailbox: string, id: string, patch: Record<string, unknown>): void;
  moveMessage(mailbox: string, id: string, folder: string): void;
  deleteMessage(mailbox: string, id: string): void;
  /** Current contents in fixture shape, for the state dump. */
  exchangeState(): Record<string, FixtureMailbox>;
  /** JSON-serialisable full state (messages, change log, token key) so a later process can resume. */
  snapshot(): unknown;
  stats(): { requests: number; byRoute: Record<string, number> };
}

export interface InterceptRequest {
  method: string;
  path: string;
  mailbox?: string;
}
export type InterceptResponse = { status: number; headers?: Record<string, string>; body?: unknown } | undefined;

export interface GraphSimulatorOptions {
  tenant?: TenantFixture;
  snapshot?: unknown;
  clock: Clock;
  port?: number;
  host?: string;
  /** Fault injection: when it returns a response, that is sent instead of the real answer. */
  intercept?: (req: InterceptRequest) => InterceptResponse;
}

const JSON_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const MAX_BODY = 4 * 1024 * 1024;

export async function startGraphSimulator(opts: GraphSimulatorOptions): Promise<GraphSimulator> {
  const store = new MailStore(opts.clock);
  if (opts.snapshot !== undefined) restoreInto(store, opts.snapshot);
  else if (opts.tenant) store.seed(opts.tenant);
  const stats = { requests: 0, byRoute: {} as Record<string, number> };
  let baseUrl = '';

  const server = createServer((req, res) => {
    readBody(req)
      .then((raw) => handle(req, res, raw))
      .catch(() => {
        const rid = requestId();
        if (!res.headersSent) send(res, 400, { 'request-id': rid }, errorJson(badRequest('Unreadable or oversized request body.'), rid));
      });
  });

  function errorJson(e: GraphError, rid: string): RouteResult {
    return { status: e.status, headers: e.headers, json: errorBody(e.code, e.message, rid, opts.clock.now()) };
  }

  function handle(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
    const rid = requestId();
    const base = { 'request-id': rid, 'client-request-id': String(req.headers['client-request-id'] ?? rid) };
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    url.pathname = unwrapOwnLink(url.pathname, baseUrl);
    stats.requests++;
    const respond = (r: RouteResult) => send(res, r.status, { ...base, ...r.headers }, r);
    try {
      if (!url.pathname.startsWith('/v1.0/') && url.pathname !== '/v1.0') {
        bump('unknown');
        throw new GraphError(404, 'NotFound', 'Invalid version: the simulator serves /v1.0.');
      }
      const route = matchRoute(store, splitSegments(url.pathname.slice('/v1.0'.length)));
      bump(route ? `${method} ${route.name}` : 'unknown');
      if (!/^Bearer\s+\S+/i.test(String(req.headers.authorization ?? ''))) {
        throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty.', {
          'WWW-Authenticate': 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
        });
      }
      const mailbox = route?.mailbox === undefined ? undefined : canonicalMailbox(route.mailbox);
      const injected = opts.intercept?.({ method, path: url.pathname, mailbox });
      if (injected) {
        return respond({ status: injected.status, headers: injected.headers, json: injected.body });
      }
      if (!route) {
        const last = url.pathname.split('/').filter(Boolean).pop() ?? '';
        throw badRequest(`Resource not found for the segment '${decodeURIComponent(last)}'.`);
      }
      if (!route.methods.includes(method)) throw new GraphError(405, 'BadRequest', `The HTTP method '${method}' is not allowed for this resource.`);
      const prefs = parsePrefer(req.headers);
      const result = route.run({
        method,
        query: url.searchParams,
        prefs,
        baseUrl,
        body: () => {
          try {
            return JSON.parse(raw.toString('utf8') || 'null');
          } catch {
            throw badRequest('Invalid JSON in the request body.');
          }
        },
      });
      if (prefs.immutableId) result.headers = { ...result.headers, 'Preference-Applied': joinPref(result.headers?.['Preference-Applied'], 'IdType="ImmutableId"') };
      respond(result);
    } catch (e) {
      if (e instanceof GraphError) return respond(errorJson(e, rid));
      respond({ status: 500, json: errorBody('InternalServerError', 'The simulator failed to handle the request.', rid, opts.clock.now()) });
    }
  }

  function bump(route: string): void {
    stats.byRoute[route] = (stats.byRoute[route] ?? 0) + 1;
  }

  function canonicalMailbox(segment: string): string {
    try {
      return store.mailbox(segment).address.toLowerCase();
    } catch {
      return segment.toLowerCase();
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  baseUrl = `http://${host}:${addr.port}/v1.0`;

  const fixtureOf = (m: SimMessage): FixtureMessage => ({ id: m.immutableId, ...structuredClone(m.data), parentFolderId: m.folderId });

  return {
    baseUrl,
    close: () =>
      new Promise<void>((resolve) => {
        // Resolve a little after the sockets close, so in-process clients see the FIN before they reuse a pooled socket.
        server.close(() => setTimeout(resolve, 10));
        server.closeAllConnections();
      }),
    deliver: (mailbox, folder, message) => fixtureOf(store.deliver(mailbox, folder, message)),
    updateMessage: (mailbox, id, patch) => void store.update(store.mailbox(mailbox), id, patch),
    moveMessage: (mailbox, id, folder) => void store.move(store.mailbox(mailbox), id, folder),
    deleteMessage: (mailbox, id) => store.remove(store.mailbox(mailbox), id),
    exchangeState: () => exchangeState(store),
    snapshot: () => snapshotOf(store),
    stats: () => ({ requests: stats.requests, byRoute: { ...stats.byRoute } }),
  };
}

/**
 * The Graph JS SDK recognises absolute links only when they start with https://, so on loopback http it
 * requests `/v1.0/http://host:port/v1.0/…` for a nextLink; accept that form for links on our own origin.
 */
function unwrapOwnLink(pathname: string, baseUrl: string): string {
  const origin = baseUrl.slice(0, -'/v1.0'.length).replace(/^https?:\/\//, '');
  const m = /^\/v1\.0\/https?:\/\/?([^/]+)(\/v1\.0(?:\/.*)?)$/.exec(pathname);
  return m && m[1].toLowerCase() === origin.toLowerCase() ? m[2] : pathname;
}

function joinPref(existing: string | undefined, value: string): string {
  return existing ? `${existing}, ${value}` : value;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, r: RouteResult): void {
  let payload = '';
  const h: Record<string, string> = { ...headers, Date: new Date().toUTCString() };
  if (r.text) {
    payload = r.text.content;
    h['Content-Type'] = r.text.contentType;
  } else if (r.json !== undefined) {
    payload = JSON.stringify(r.json);
    h['Content-Type'] = JSON_TYPE;
  }
  h['Content-Length'] = String(Buffer.byteLength(payload));
  res.writeHead(status, h);
  res.end(payload);
}
