// The decision ledger: the latest decision per (mailbox, workload, Exchange item). PK = the mailbox plus
// one of 16 buckets (the first hex digit of the item's hash): a page's decisions still go in a few
// 100-entity transactions, while no partition grows with the mailbox. (One partition per mailbox made a
// 50,000-message folder quadratic on Azurite, which scans a partition for every insert; on Table Storage a
// partition is also the unit of throughput, about 2,000 entities a second.) RK hashes the Graph immutable
// id, which may hold `/`. The folder is not in the key: an immutable id survives a move, and the latest
// decision wins.
import type { TableClient, TransactionAction } from '@azure/data-tables';
import { odata } from '@azure/data-tables';
import type { Decision } from '../../domain/activity';
import type { CorrelationMethod, Outcome, Reason, Workload } from '../../domain/reasons';
import { keyHash } from '../../domain/message-id';
import type { Ledger } from '../../ports';
import { forEachBounded } from './bounded';
import { statusOf, translateTableError } from './errors';
import { safeKey } from './keys';

/** The entity-group transaction cap: 100 operations, one partition. */
export const MAX_TRANSACTION = 100;
const PARTITIONS_IN_FLIGHT = 8;
/** Point reads of one getMany in flight at once. */
const LEDGER_READS_AT_ONCE = 8;

type LedgerEntity = Record<string, string> & { partitionKey: string; rowKey: string };

export function ledgerRowKey(workload: string, graphId: string): string {
  return `${workload}:${keyHash(graphId)}`;
}

/** `~` then a hex digit: a mailbox's partitions sort together, between `<mailbox>~0` and `<mailbox>~f`. */
export function ledgerPartition(mailboxId: string, graphId: string): string {
  return `${safeKey(mailboxId)}~${keyHash(graphId).charAt(0)}`;
}

const OPTIONAL = ['activityid', 'correlatedActivityId', 'detail', 'evaluation'] as const;

export function toLedgerEntity(d: Decision): LedgerEntity {
  const e: LedgerEntity = {
    partitionKey: ledgerPartition(d.mailboxId, d.graphId),
    rowKey: ledgerRowKey(d.workload, d.graphId),
    mailboxId: d.mailboxId,
    mailbox: d.mailbox,
    workload: d.workload,
    folder: d.folder,
    internetMessageId: d.internetMessageId,
    messageKey: d.messageKey,
    graphId: d.graphId,
    outcome: d.outcome,
    reason: d.reason,
    correlationMethod: d.correlationMethod,
    decidedAt: d.decidedAt,
  };
  for (const k of OPTIONAL) if (d[k] !== undefined) e[k] = d[k]!;
  if (d.shadow) e.shadow = 'true';
  if (d.acceptingEntity) {
    e.acceptingEntityType = d.acceptingEntity.type;
    e.acceptingEntityId = d.acceptingEntity.id;
  }
  return e;
}

export function fromLedgerEntity(e: Record<string, unknown>): Decision {
  const s = (k: string) => (typeof e[k] === 'string' ? e[k] : '');
  const d: Decision = {
    mailboxId: s('mailboxId'),
    mailbox: s('mailbox'),
    workload: s('workload') as Workload,
    folder: s('folder'),
    internetMessageId: s('internetMessageId'),
    messageKey: s('messageKey'),
    graphId: s('graphId'),
    outcome: s('outcome') as Outcome,
    reason: s('reason') as Reason,
    correlationMethod: s('correlationMethod') as CorrelationMethod,
    decidedAt: s('decidedAt'),
  };
  for (const k of OPTIONAL) if (typeof e[k] === 'string') d[k] = e[k];
  if (e.shadow === 'true') d.shadow = true;
  if (typeof e.acceptingEntityType === 'string' && typeof e.acceptingEntityId === 'string') {
    d.acceptingEntity = { type: e.acceptingEntityType, id: e.acceptingEntityId };
  }
  return d;
}

/** Groups upserts by partition, last decision per row wins (a transaction may not touch a row twice), in chunks of 100. */
export function ledgerTransactions(decisions: readonly Decision[]): TransactionAction[][] {
  const byPartition = new Map<string, Map<string, LedgerEntity>>();
  for (const d of decisions) {
    const e = toLedgerEntity(d);
    let rows = byPartition.get(e.partitionKey);
    if (!rows) byPartition.set(e.partitionKey, (rows = new Map<string, LedgerEntity>()));
    rows.delete(e.rowKey); // keep insertion order = latest position
    rows.set(e.rowKey, e);
  }
  const out: TransactionAction[][] = [];
  for (const rows of byPartition.values()) {
    const entities = [...rows.values()];
    for (let i = 0; i < entities.length; i += MAX_TRANSACTION) {
      out.push(entities.slice(i, i + MAX_TRANSACTION).map((e): TransactionAction => ['upsert', e, 'Replace']));
    }
  }
  return out;
}

export function createLedger(table: TableClient): Ledger {
  const get: Ledger['get'] = async (mailboxId, workload, graphId) => {
    try {
      return fromLedgerEntity(
        await table.getEntity(ledgerPartition(mailboxId, graphId), ledgerRowKey(workload, graphId)),
      );
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw translateTableError(err, 'ledger get');
    }
  };
  const list = async (filter: string | undefined, what: string) => {
    const out: Decision[] = [];
    try {
      const entities = table.listEntities(filter ? { queryOptions: { filter } } : {});
      for await (const e of entities) out.push(fromLedgerEntity(e));
    } catch (err) {
      throw translateTableError(err, what);
    }
    return out;
  };
  return {
    async record(decisions) {
      await forEachBounded(ledgerTransactions(decisions), PARTITIONS_IN_FLIGHT, async (actions) => {
        try {
          await table.submitTransaction(actions);
        } catch (err) {
          throw translateTableError(err, 'ledger record');
        }
      });
    },
    get,
    // Point reads side by side (Table Storage has no batch read), a few at a time.
    async getMany(mailboxId, workload, graphIds) {
      const found = new Map<string, Decision>();
      const ids = [...new Set(graphIds)];
      for (let i = 0; i < ids.length; i += LEDGER_READS_AT_ONCE) {
        const chunk = ids.slice(i, i + LEDGER_READS_AT_ONCE);
        const got = await Promise.all(chunk.map((id) => get(mailboxId, workload, id)));
        got.forEach((d, n) => d && found.set(chunk[n], d));
      }
      return found;
    },
    // A range over the mailbox's 16 partitions; the property check keeps out a mailbox whose id extends this one's.
    forMailbox: async (mailboxId) =>
      (
        await list(
          odata`PartitionKey ge ${`${safeKey(mailboxId)}~0`} and PartitionKey le ${`${safeKey(mailboxId)}~f`}`,
          'ledger forMailbox',
        )
      ).filter((d) => d.mailboxId === mailboxId),
    all: () => list(undefined, 'ledger all'),
    // A scan with a filter: explain is an administrator's occasional question, not a hot path.
    byMessage: (messageKey) => list(odata`messageKey eq ${messageKey}`, 'ledger byMessage'),
  };
}
