// The Microsoft Graph simulator: a loopback HTTP server speaking Graph's mail protocol (users, mail
// folders, messages, per-folder delta with signed state tokens, ImmutableId) closely enough that
// independent clients work against it unchanged.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FixtureMessage } from '../../tenant/fixture';
import { refusalFor } from './mailbox-access';
import { GraphError, badRequest, errorBody } from './errors';
import { requestId } from './ids';
import { parsePrefer } from './prefer';
import type { PimCollection, PimKind } from './pim/store';
import { matchRoute, splitSegments, type RouteResult } from './routes';
import { serviceRoute } from './service-routes';
import { exchangeState, restoreInto, snapshotOf } from './snapshot';
import { MailStore, type SimMessage } from './store';
import { DEFAULT_NOTIFICATIONS, SubscriptionService } from './subscriptions';
import { Throttler, appIdOf, resolveLimits } from './throttle';
import type { GraphSimulator, GraphSimulatorOptions } from './simulator-api';
import { BodyTooLarge, header, joinPref, readBody, send, unwrapOwnLink, type Incoming } from './wire';
import { putRange, uploadMailbox } from './attachment-writes';

export type { GraphSimulator, GraphSimStats, GraphSimulatorOptions, InterceptResponse } from './simulator-api';

export async function startGraphSimulator(opts: GraphSimulatorOptions): Promise<GraphSimulator> {
  const store = new MailStore(opts.clock);
  if (opts.snapshot !== undefined) restoreInto(store, opts.snapshot);
  else if (opts.tenant) store.seed(opts.tenant);
  const limits = resolveLimits(opts.limits);
  const throttler = limits ? new Throttler(limits, opts.clock) : undefined;
  const subs = new SubscriptionService(store, opts.clock, {
    ...DEFAULT_NOTIFICATIONS,
    ...opts.notifications,
    maxLifetimeMinutes: { ...DEFAULT_NOTIFICATIONS.maxLifetimeMinutes, ...opts.notifications?.maxLifetimeMinutes },
  });
  if (opts.snapshot !== undefined) subs.restore((opts.snapshot as { subscriptions?: unknown }).subscriptions);
  const stats = { requests: 0, byRoute: {} as Record<string, number> };
  let baseUrl = '';

  const server = createServer((req, res) => {
    readBody(req)
      .then(async (raw) => {
        const rid = requestId();
        const url = new URL(req.url ?? '/', 'http://sim.invalid');
        url.pathname = unwrapOwnLink(url.pathname, baseUrl);
        const r = await dispatch(
          { method: (req.method ?? 'GET').toUpperCase(), url, headers: req.headers, raw, batched: false },
          rid,
        );
        if (!res.destroyed)
          send(
            res,
            r.status,
            { 'request-id': rid, 'client-request-id': String(req.headers['client-request-id'] ?? rid), ...r.headers },
            r,
          );
      })
      .catch((e: unknown) => {
        const rid = requestId();
        // Graph refuses a request over 4 MB with 413 (public Graph issue threads: "Maximum request length exceeded.").
        const err =
          e instanceof BodyTooLarge
            ? new GraphError(413, 'RequestEntityTooLarge', 'Maximum request length exceeded.')
            : badRequest('Unreadable request body.');
        if (!res.headersSent) send(res, err.status, { 'request-id': rid }, errorJson(err, rid));
      });
  });

  function errorJson(e: GraphError, rid: string): RouteResult {
    return { status: e.status, headers: e.headers, json: errorBody(e.code, e.message, rid, opts.clock.now(), e.inner) };
  }

  /** One request, from the wire or from a $batch: never throws. */
  async function dispatch(inc: Incoming, rid: string): Promise<RouteResult> {
    const { method, url } = inc;
    stats.requests++;
    let release: (() => void) | undefined;
    try {
      const upload = uploadMailbox(store, url.pathname);
      if (upload !== undefined) return await uploadRange(inc, upload);
      if (!url.pathname.startsWith('/v1.0/') && url.pathname !== '/v1.0') {
        bump('unknown');
        throw new GraphError(404, 'NotFound', 'Invalid version: the simulator serves /v1.0.');
      }
      const segs = splitSegments(url.pathname.slice('/v1.0'.length));
      const route = serviceRoute(segs, inc, subs, dispatch) ?? matchRoute(store, segs);
      bump(route ? `${method} ${route.name}` : 'unknown');
      const authorization = header(inc.headers, 'authorization');
      if (!/^Bearer\s+\S+/i.test(authorization)) {
        throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty.', {
          'WWW-Authenticate':
            'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
        });
      }
      const mailbox = route?.mailbox === undefined ? undefined : canonicalMailbox(route.mailbox);
      const injected = opts.intercept?.({ method, path: url.pathname, mailbox, search: url.search });
      if (injected) {
        return { status: injected.status, headers: injected.headers, json: injected.body };
      }
      if (!route) {
        const last = url.pathname.split('/').filter(Boolean).pop() ?? '';
        throw badRequest(`Resource not found for the segment '${decodeURIComponent(last)}'.`);
      }
      if (!route.methods.includes(method))
        throw new GraphError(405, 'BadRequest', `The HTTP method '${method}' is not allowed for this resource.`);
      const refused = mailbox === undefined ? undefined : refusalFor(store.mailboxes.get(mailbox)?.access);
      if (refused) throw refused;
      if (throttler && mailbox !== undefined) release = throttler.acquire(appIdOf(authorization), mailbox);
      if (opts.latencyMs && mailbox !== undefined) await new Promise((r) => setTimeout(r, opts.latencyMs));
      if (opts.hold && mailbox !== undefined)
        await opts.hold({ method, path: url.pathname, mailbox, search: url.search });
      const prefs = parsePrefer(inc.headers as IncomingHttpHeaders);
      const result = await route.run({
        method,
        query: url.searchParams,
        prefs,
        baseUrl,
        raw: inc.raw,
        contentType: header(inc.headers, 'content-type'),
        body: () => {
          try {
            return JSON.parse(inc.raw.toString('utf8') || 'null') as unknown;
          } catch {
            throw badRequest('Invalid JSON in the request body.');
          }
        },
      });
      if (prefs.immutableId)
        result.headers = {
          ...result.headers,
          'Preference-Applied': joinPref(result.headers?.['Preference-Applied'], 'IdType="ImmutableId"'),
        };
      return result;
    } catch (e) {
      if (e instanceof GraphError) return errorJson(e, rid);
      return {
        status: 500,
        json: errorBody('InternalServerError', 'The simulator failed to handle the request.', rid, opts.clock.now()),
      };
    } finally {
      release?.();
    }
  }

  /** PUT to an upload session's URL: no bearer token (the URL has its own), faults and throttling as any mail call. */
  async function uploadRange(inc: Incoming, mailbox: string): Promise<RouteResult> {
    bump(`${inc.method} upload session`);
    if (inc.method !== 'PUT')
      throw new GraphError(405, 'BadRequest', `The HTTP method '${inc.method}' is not allowed for this resource.`);
    const injected = opts.intercept?.({ method: inc.method, path: inc.url.pathname, mailbox, search: inc.url.search });
    if (injected) return { status: injected.status, headers: injected.headers, json: injected.body };
    return putRange(store, inc.url, inc.headers, inc.raw, baseUrl);
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

  const fixtureOf = (m: SimMessage): FixtureMessage => ({
    id: m.immutableId,
    ...structuredClone(m.data),
    parentFolderId: m.folderId,
  });
  const collectionFor = (mailbox: string, kind: PimKind, container?: string): PimCollection => {
    const pim = store.mailbox(mailbox).pim;
    if (kind === 'event') return pim.calendar;
    if (kind === 'contact') return container ? pim.contactFolder(container) : pim.defaultContacts();
    return container
      ? pim.todoList(container)
      : ([...pim.todoLists.values()].find((l) => l.wellKnown === 'defaultList') ?? [...pim.todoLists.values()][0]);
  };

  return {
    baseUrl,
    close: async () => {
      await subs.close();
      await new Promise<void>((resolve) => {
        // Resolve a little after the sockets close, so in-process clients see the FIN before they reuse a pooled socket.
        server.close(() => setTimeout(resolve, 10));
        server.closeAllConnections();
      });
    },
    deliver: (mailbox, folder, message) => fixtureOf(store.deliver(mailbox, folder, message)),
    updateMessage: (mailbox, id, patch) => void store.update(store.mailbox(mailbox), id, patch),
    moveMessage: (mailbox, id, folder) => void store.move(store.mailbox(mailbox), id, folder),
    deleteMessage: (mailbox, id) => store.remove(store.mailbox(mailbox), id),
    exchangeState: () => exchangeState(store),
    snapshot: () => ({ ...(snapshotOf(store) as object), subscriptions: subs.toJSON() }),
    stats: () => ({
      requests: stats.requests,
      byRoute: { ...stats.byRoute },
      throttled: { ...(throttler?.stats ?? { concurrency: 0, window: 0 }) },
      notifications: { ...subs.stats },
    }),
    expireDeltaTokens: (mailbox, how) => {
      const targets = mailbox === undefined ? [...store.mailboxes.values()] : [store.mailbox(mailbox)];
      for (const m of targets)
        store.expireDeltaTokens(m, { code: how?.code ?? 'SyncStateNotFound', location: how?.location });
    },
    addItem: (mailbox, kind, item, container) => {
      const c = collectionFor(mailbox, kind, container);
      const pim = store.mailbox(mailbox).pim;
      return pim.render(c, pim.add(c, item));
    },
    updateItem: (mailbox, kind, id, patch) => {
      const pim = store.mailbox(mailbox).pim;
      const { c } = pim.find(kind, id);
      pim.update(c, id, patch);
    },
    deleteItem: (mailbox, kind, id) => {
      const pim = store.mailbox(mailbox).pim;
      const { c } = pim.find(kind, id);
      pim.remove(c, id);
    },
    subscriptions: () => [...subs.subs.values()].map((s) => subs.json(s)),
    lifecycleNotification: (subscriptionId, event = 'reauthorizationRequired') => subs.lifecycle(subscriptionId, event),
    flushNotifications: () => subs.flush(),
  };
}
