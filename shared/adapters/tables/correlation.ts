// Message-ID -> activity rows. PK = keyHash(messageKey): one small partition per Message-ID, so a lookup is
// a single-partition query (we know the Message-ID, not the activity id); RK = `${'out'|'in'}:${activityid}`.
// A page of ~100 Message-IDs is ~100 queries run 16 at a time.
import { odata, type TableClient, type TransactionAction } from '@azure/data-tables';
import type { IndexedEmail } from '../../domain/activity';
import { emailActivityId, keyHash } from '../../domain/message-id';
import type { CorrelationIndex } from '../../ports';
import { forEachBounded } from './bounded';
import { statusOf, toTableStoreError } from './errors';
import { safeKey } from './keys';

const IN_FLIGHT = 16;

type CorrelationEntity = Record<string, string | boolean> & { partitionKey: string; rowKey: string };

export const correlationPartition = (messageKey: string) => keyHash(messageKey);
/** A second row per email under its conversation root, so ConversationIndex correlation is a point query too. */
export const conversationPartition = (root: string) => `c-${keyHash(root)}`;

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
  if (x.ownerId !== undefined) e.ownerId = x.ownerId;
  if (x.subject !== undefined) e.subject = x.subject.slice(0, 1000);
  if (x.conversationRoot !== undefined) e.conversationRoot = x.conversationRoot;
  if (x.conversationIndex !== undefined) e.conversationIndex = x.conversationIndex.slice(0, 2048);
  if (x.graphId !== undefined) e.graphId = x.graphId;
  return e;
}

export function fromCorrelationEntity(e: Record<string, unknown>): IndexedEmail {
  const x: IndexedEmail = { messageKey: String(e.messageKey), activityid: String(e.activityid), outgoing: e.outgoing === true };
  if (typeof e.regardingType === 'string' && typeof e.regardingId === 'string') x.regarding = { type: e.regardingType, id: e.regardingId };
  if (typeof e.trackingtoken === 'string') x.trackingtoken = e.trackingtoken;
  if (typeof e.mailboxId === 'string') x.mailboxId = e.mailboxId;
  if (typeof e.ownerId === 'string') x.ownerId = e.ownerId;
  if (typeof e.subject === 'string') x.subject = e.subject;
  if (typeof e.conversationRoot === 'string') x.conversationRoot = e.conversationRoot;
  if (typeof e.conversationIndex === 'string') x.conversationIndex = e.conversationIndex;
  if (typeof e.graphId === 'string') x.graphId = e.graphId;
  return x;
}

export function createCorrelationIndex(table: TableClient): CorrelationIndex {
  /** One partition query per key; `matches` guards against a (theoretical) hash collision. */
  async function queryPartitions(keys: string[], partition: (k: string) => string, matches: (x: IndexedEmail, k: string) => boolean) {
    const found = new Map<string, IndexedEmail[]>();
    await forEachBounded([...new Set(keys)], IN_FLIGHT, async (key) => {
      const rows: IndexedEmail[] = [];
      try {
        const filter = odata`PartitionKey eq ${partition(key)}`;
        for await (const e of table.listEntities({ queryOptions: { filter } })) {
          const x = fromCorrelationEntity(e);
          if (matches(x, key)) rows.push(x);
        }
      } catch (err) {
        throw toTableStoreError(err, 'correlation get');
      }
      if (rows.length) found.set(key, rows);
    });
    return found;
  }
  /** The two rows a Message-ID can have are known (activity ids are derived from it): point reads, the
   *  cheapest Table operation there is, instead of a partition query per key. */
  async function pointReads(keys: string[]) {
    const found = new Map<string, IndexedEmail[]>();
    await forEachBounded([...new Set(keys)].flatMap((k) => [{ k, out: false }, { k, out: true }]), IN_FLIGHT, async ({ k, out }) => {
      try {
        const e = await table.getEntity(correlationPartition(k), safeKey(`${out ? 'out' : 'in'}:${emailActivityId(k, out)}`));
        const x = fromCorrelationEntity(e);
        if (x.messageKey === k) found.set(k, [...(found.get(k) ?? []), x]);
      } catch (err) {
        if (statusOf(err) !== 404) throw toTableStoreError(err, 'correlation get');
      }
    });
    return found;
  }
  return {
    get: pointReads,
    getConversations: (roots) => queryPartitions(roots, conversationPartition, (x, k) => x.conversationRoot === k),

    async put(entries) {
      const byPartition = new Map<string, Map<string, CorrelationEntity>>();
      for (const x of entries) {
        const main = toCorrelationEntity(x);
        const all = x.conversationRoot ? [main, { ...main, partitionKey: conversationPartition(x.conversationRoot) }] : [main];
        for (const e of all) {
          let rows = byPartition.get(e.partitionKey);
          if (!rows) byPartition.set(e.partitionKey, (rows = new Map()));
          rows.set(e.rowKey, e); // a transaction may not touch a row twice: last entry wins
        }
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
