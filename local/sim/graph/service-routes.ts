// The routes outside /users: JSON batching ($batch, each part dispatched like a request of its own) and
// change-notification subscriptions.
import { nestedBatch, runBatch } from './batch';
import { requestId } from './ids';
import type { Route, RouteResult } from './routes';
import type { SubscriptionService } from './subscriptions';
import { appIdOf } from './throttle';
import { header, type Incoming } from './wire';

/** Routes outside /users: $batch and subscriptions. */
export function serviceRoute(
  segs: string[],
  inc: Incoming,
  subs: SubscriptionService,
  dispatch: (inc: Incoming, rid: string) => Promise<RouteResult>,
): Route | undefined {
  if (segs[0] === '$batch' && segs.length === 1) {
    return {
      name: '$batch',
      methods: ['POST'],
      run: () => {
        if (inc.batched) throw nestedBatch();
        const outer: Record<string, string> = {};
        for (const k of ['authorization', 'client-request-id']) if (inc.headers[k]) outer[k] = header(inc.headers, k);
        return runBatch(inc.raw, outer, (item) => {
          const url = new URL(item.url.startsWith('/v1.0/') ? item.url : `/v1.0${item.url}`, 'http://sim.invalid');
          return dispatch(
            { method: item.method, url, headers: item.headers, raw: item.raw, batched: true },
            requestId(),
          );
        });
      },
    };
  }
  if (segs[0] !== 'subscriptions') return undefined;
  if (segs.length === 1) {
    return {
      name: 'subscriptions',
      methods: ['GET', 'POST'],
      run: (c) =>
        c.method === 'GET'
          ? subs.list(c.baseUrl)
          : subs.create(c.body(), c.prefs, appIdOf(header(inc.headers, 'authorization')), c.baseUrl),
    };
  }
  const id = segs[1];
  if (segs.length === 2) {
    return {
      name: 'subscription',
      methods: ['GET', 'PATCH', 'DELETE'],
      run: (c) => {
        if (c.method === 'GET') return { status: 200, json: subs.json(subs.get(id)) };
        if (c.method === 'PATCH') return subs.patch(id, c.body());
        subs.remove(id);
        return { status: 204 };
      },
    };
  }
  if (segs.length === 3 && segs[2] === 'reauthorize') {
    return { name: 'subscription/reauthorize', methods: ['POST'], run: () => (subs.get(id), { status: 204 }) };
  }
  return undefined;
}
