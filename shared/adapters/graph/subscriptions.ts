// Graph subscriptions for change notifications (https://learn.microsoft.com/graph/api/subscription-post-subscriptions):
// create (Graph runs the validation handshake against our endpoint first), renew by PATCH, delete.
import type { GraphSubscriptionsPort } from '../../ports-notify';
import { isKind } from '../../domain/errors';
import { asObject } from './answers';
import { openSession, type GraphClientOptions } from './client';

const path = (id: string) => `/subscriptions/${encodeURIComponent(id)}`;
const gone = (e: unknown) => isKind(e, 'permanent') && (e as { status?: number }).status === 404;

function granted(res: unknown, what: string): { id: string; expirationDateTime: string } {
  const o = asObject(res);
  if (typeof o?.id !== 'string' || typeof o.expirationDateTime !== 'string')
    throw new Error(`Graph ${what}: the answer has no subscription id or expirationDateTime`);
  return { id: o.id, expirationDateTime: o.expirationDateTime };
}

export function createGraphSubscriptions(o: GraphClientOptions): GraphSubscriptionsPort {
  const g = openSession(o);
  return {
    async create(s) {
      // Immutable ids in the notifications, as the delta reads use (the header is honoured only on create).
      const res: unknown = await g.call('subscriptions.create', () =>
        g.client.api('/subscriptions').header('Prefer', 'IdType="ImmutableId"').post(s),
      );
      return granted(res, 'subscriptions.create');
    },
    async renew(id, expirationDateTime) {
      try {
        const res: unknown = await g.call('subscriptions.renew', () =>
          g.client.api(path(id)).patch({ expirationDateTime }),
        );
        return { expirationDateTime: granted(res, 'subscriptions.renew').expirationDateTime };
      } catch (e) {
        if (gone(e)) return undefined;
        throw e;
      }
    },
    async remove(id) {
      try {
        await g.call('subscriptions.delete', () => g.client.api(path(id)).delete());
      } catch (e) {
        if (!gone(e)) throw e;
      }
    },
  };
}
