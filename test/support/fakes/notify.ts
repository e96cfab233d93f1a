// The change-notification ports in memory: our subscription store (rows as copies) and Graph's subscriptions,
// which keeps Graph's promises: an expiry beyond the maximum lifetime is refused, a renewal of a subscription
// Graph no longer has answers "gone", a delete of one already gone is fine.
import { permanent } from '../../../shared/domain/errors';
import type {
  GraphSubscriptionsPort,
  NewSubscription,
  StoredSubscription,
  SubscriptionStore,
} from '../../../shared/ports-notify';
import type { FakePipeline } from './index';

export interface FakeGraphSubscriptions extends GraphSubscriptionsPort {
  /** Graph's live subscriptions, by id. */
  live: Map<string, NewSubscription>;
  created: NewSubscription[];
  renewed: string[];
  removed: string[];
  /** Graph forgets a subscription (as after subscriptionRemoved). */
  forget(id: string): void;
}

export function fakeGraphSubscriptions(now: () => Date, maxLifetimeMinutes = 10080): FakeGraphSubscriptions {
  let next = 0;
  const live = new Map<string, NewSubscription>();
  const checked = (at: string) => {
    if (Date.parse(at) > now().getTime() + maxLifetimeMinutes * 60_000)
      throw permanent('graph', 'Subscription expiration can only be so far in the future', { status: 400 });
    return at;
  };
  const g: FakeGraphSubscriptions = {
    live,
    created: [],
    renewed: [],
    removed: [],
    forget: (id) => void live.delete(id),
    async create(s) {
      const id = `sub-${++next}`;
      live.set(id, { ...s, expirationDateTime: checked(s.expirationDateTime) });
      g.created.push(s);
      return { id, expirationDateTime: s.expirationDateTime };
    },
    async renew(id, at) {
      const s = live.get(id);
      if (!s) return undefined;
      s.expirationDateTime = checked(at);
      g.renewed.push(id);
      return { expirationDateTime: at };
    },
    async remove(id) {
      live.delete(id);
      g.removed.push(id);
    },
  };
  return g;
}

export function fakeSubscriptionStore(): SubscriptionStore & { rows: Map<string, StoredSubscription> } {
  const rows = new Map<string, StoredSubscription>();
  return {
    rows,
    list: async () => [...rows.values()].map((s) => structuredClone(s)),
    get: async (id) => structuredClone(rows.get(id)),
    put: async (s) => void rows.set(s.id, structuredClone(s)),
    remove: async (id) => void rows.delete(id),
  };
}

/** The pipeline with notifications on: both ports, and NOTIFY_URL set. */
export function withNotifications(p: FakePipeline) {
  const store = fakeSubscriptionStore();
  const graphSubs = fakeGraphSubscriptions(() => p.clock.now());
  p.deps.subscriptions = store;
  p.deps.graphSubscriptions = graphSubs;
  p.deps.settings = { ...p.deps.settings, notifyUrl: 'https://exsync.example/api/notify', notifyEnabled: true };
  return { ...p, store, graphSubs };
}
