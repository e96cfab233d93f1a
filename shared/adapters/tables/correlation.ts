// Message-ID -> activity rows. PK = keyHash(messageKey): one small partition per Message-ID, so a lookup is
// a single-partition query (we know the Message-ID, not the activity id); RK = `${'out'|'in'}:${activityid}`.
// A page of ~100 Message-IDs is ~100 queries run 16 at a time.
import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { IndexedEmail } from '../../domain/activity';
import { keyHash } from '../../domain/message-id';
import type { CorrelationIndex } from '../../ports';
import { forEachBounded } from './bounded';
import { toTableStoreError } from './errors';
import { safeKey } from './keys';

const IN_FLIGHT = 16;

type CorrelationEntity = Record<string, string | boolean> & { partitionKey: string; rowKey: string };

export const correlationPartition = (messageKey: string) => keyHash(messageKey);

export function toCorrelationEntity(x: IndexedEmail): CorrelationEntity {
  const e: CorrelationEntity = {
    partitionKey: correlationPartition(x.messageKey),
    rowKey: safeKey(`${x.outgoing ? 'out' : 'in'}:${x.activityid}`),
    messageKey: x.messageKey,
    activityid: x.activityid,
    outgoing: x.outgoing,
  };
  if (x.regarding) {
    e.regardingType = x.regarding.type;
    e.regardingId = x.regarding.id;
  }
  if (x.trackingtoken !== undefined) e.trackingtoken = x.trackingtoken;
  if (x.mailboxId !== undefined) e.mailboxId = x.mailboxId;
  return e;
}

export function fromCorrelationEntity(e: Record<string, unknown>): IndexedEmail {
  const x: IndexedEmail = { messageKey: String(e.messageKey), activityid: String(e.activityid), outgoing: e.outgoing === true };
  if (typeof e.regardingType === 'string' && typeof e.regardingId === 'string') x.regarding = { type: e.regardingType, id: e.regardingId };
  if (typeof e.trackingtoken === 'string') x.trackingtoken = e.trackingtoken;
  if (typeof e.mailboxId === 'string') x.mailboxId = e.mailboxId;
  return x;
}

export function createCorrelationIndex(table: TableClient): CorrelationIndex {
  return {
    async get(messageKeys) {
      const found = new Map<string, IndexedEmail[]>();
      await forEachBounded([...new Set(messageKeys)], IN_FLIGHT, async (key) => {
        const rows: IndexedEmail[] = [];
        try {
          const filter = odata`PartitionKey eq ${correlationPartition(key)}`;
          for await (const e of table.listEntities({ queryOptions: { filter } })) {
            const x = fromCorrelationEntity(e);
            if (x.messageKey === key) rows.push(x); // guards against a (theoretical) hash collision
          }
        } catch (err) {
          throw toTableStoreError(err, 'correlation get');
        }
        if (rows.length) found.set(key, rows);
      });
      return found;
    },

    async put(entries) {
      const byPartition = new Map<string, Map<string, CorrelationEntity>>();
      for (const x of entries) {
        const e = toCorrelationEntity(x);
        let rows = byPartition.get(e.partitionKey);
        if (!rows) byPartition.set(e.partitionKey, (rows = new Map()));
        rows.set(e.rowKey, e); // a transaction may not touch a row twice: last entry wins
      }
      const groups = [...byPartition.values()].map((rows) => [...rows.values()]);
      await forEachBounded(groups, IN_FLIGHT, async (rows) => {
        try {
          if (rows.length === 1) await table.upsertEntity(rows[0]!, 'Replace');
          else {
            for (let i = 0; i < rows.length; i += 100) {
              await table.submitTransaction(rows.slice(i, i + 100).map((e): TransactionAction => ['upsert', e, 'Replace']));
            }
          }
        } catch (err) {
          throw toTableStoreError(err, 'correlation put');
        }
      });
    },
  };
}
