// Our Graph subscriptions, kept in the mailbox registry's table under their own partition (PK = 'subscription',
// RK = subscription id): a few per mailbox, read whole by the timer and the schedule, a point read per
// notification. The clientState secret is stored here and nowhere else (the table is reached by managed identity).
import type { TableClient } from '@azure/data-tables';
import type { StoredSubscription, SubscriptionStore } from '../../ports-notify';
import { statusOf, translateTableError } from './errors';
import { safeKey } from './keys';

const PARTITION = 'subscription';

type Entity = Record<string, string | boolean> & { partitionKey: string; rowKey: string };

function toEntity(s: StoredSubscription): Entity {
  return {
    partitionKey: PARTITION,
    rowKey: safeKey(s.id),
    subscriptionId: s.id,
    mailboxId: s.mailboxId,
    folder: s.folder,
    clientState: s.clientState,
    expiresAt: s.expiresAt,
    ...(s.renewNow ? { renewNow: true } : {}),
  };
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

function fromEntity(e: Record<string, unknown>): StoredSubscription {
  return {
    id: text(e.subscriptionId),
    mailboxId: text(e.mailboxId),
    folder: e.folder === 'sentitems' ? 'sentitems' : 'inbox',
    clientState: text(e.clientState),
    expiresAt: text(e.expiresAt),
    ...(e.renewNow === true ? { renewNow: true } : {}),
  };
}

export function createSubscriptionStore(table: TableClient): SubscriptionStore {
  return {
    async list() {
      const out: StoredSubscription[] = [];
      try {
        const filter = `PartitionKey eq '${PARTITION}'`;
        for await (const e of table.listEntities({ queryOptions: { filter } })) out.push(fromEntity(e));
      } catch (err) {
        throw translateTableError(err, 'subscription list');
      }
      return out;
    },
    async get(id) {
      try {
        return fromEntity(await table.getEntity(PARTITION, safeKey(id)));
      } catch (err) {
        if (statusOf(err) === 404) return undefined;
        throw translateTableError(err, 'subscription get');
      }
    },
    async put(s) {
      try {
        await table.upsertEntity(toEntity(s), 'Replace');
      } catch (err) {
        throw translateTableError(err, 'subscription put');
      }
    },
    async remove(id) {
      try {
        await table.deleteEntity(PARTITION, safeKey(id));
      } catch (err) {
        if (statusOf(err) !== 404) throw translateTableError(err, 'subscription remove');
      }
    },
  };
}
