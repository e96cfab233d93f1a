// Message-ID -> activity rows. PK = keyHash(messageKey): one small partition per Message-ID;
// RK = `${'out'|'in'}:${activityid}`. Activity ids are derived from the Message-ID and direction, so a
// lookup is two point reads, never a query. Conversation threads live in the same table, one row per
// root (threads.ts), and so does the smart-matching index (smart-index.ts).
import type { TableClient, TransactionAction } from '@azure/data-tables';
import type { IndexedEmail } from '../../domain/activity';
import { emailActivityId } from '../../domain/message-id';
import type { CorrelationIndex } from '../../ports';
import { forEachBounded } from './bounded';
import { statusOf, translateTableError } from './errors';
import { safeKey } from './keys';
import {
  correlationPartition,
  fromCorrelationEntity,
  toCorrelationEntity,
  type CorrelationEntity,
} from './correlation-entity';
import { createThreads } from './threads';
import { createSmartIndex } from './smart-index';

const IN_FLIGHT = 16;

export function createCorrelationIndex(table: TableClient): CorrelationIndex {
  const threads = createThreads(table);
  /** The two rows a Message-ID can have are known (activity ids are derived from it): point reads. */
  async function pointReads(keys: string[]) {
    const found = new Map<string, IndexedEmail[]>();
    await forEachBounded(
      [...new Set(keys)].flatMap((k) => [
        { k, out: false },
        { k, out: true },
      ]),
      IN_FLIGHT,
      async ({ k, out }) => {
        try {
          const e = await table.getEntity(
            correlationPartition(k),
            safeKey(`${out ? 'out' : 'in'}:${emailActivityId(k, out)}`),
          );
          const x = fromCorrelationEntity(e);
          if (x.messageKey === k) found.set(k, [...(found.get(k) ?? []), x]);
        } catch (err) {
          if (statusOf(err) !== 404) throw translateTableError(err, 'correlation get');
        }
      },
    );
    return found;
  }
  return {
    get: pointReads,
    getConversations: (roots) => threads.get(roots),
    smart: createSmartIndex(table),

    async put(entries) {
      const byPartition = new Map<string, Map<string, CorrelationEntity>>();
      for (const x of entries) {
        const e = toCorrelationEntity(x);
        let rows = byPartition.get(e.partitionKey);
        if (!rows) byPartition.set(e.partitionKey, (rows = new Map<string, CorrelationEntity>()));
        rows.set(e.rowKey, e); // a transaction may not touch a row twice: last entry wins
      }
      const groups = [...byPartition.values()].map((rows) => [...rows.values()]);
      await forEachBounded(groups, IN_FLIGHT, async (rows) => {
        try {
          if (rows.length === 1) await table.upsertEntity(rows[0], 'Replace');
          else {
            for (let i = 0; i < rows.length; i += 100) {
              await table.submitTransaction(
                rows.slice(i, i + 100).map((e): TransactionAction => ['upsert', e, 'Replace']),
              );
            }
          }
        } catch (err) {
          throw translateTableError(err, 'correlation put');
        }
      });
      await threads.put(entries);
    },
  };
}
