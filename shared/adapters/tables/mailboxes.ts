// The mailbox registry: PK = 'mailbox' (read whole by the scheduler once a tick; tens of thousands of rows),
// RK = mailbox id. Table entities cannot nest, so owner and health are flattened into columns.
import type { TableClient } from '@azure/data-tables';
import type { MailboxHealth, MailboxRecord, MailboxRegistry } from '../../ports';
import { statusOf, translateTableError } from './errors';
import { safeKey } from './keys';

const PARTITION = 'mailbox';
const TRANSACTION_LIMIT = 100;
/** Errors are for administrators; keep them well under the 32K-character property limit. */
const MAX_ERROR_CHARS = 4000;

type MailboxEntity = Record<string, string | number | boolean> & { partitionKey: string; rowKey: string };

export function toMailboxEntity(r: MailboxRecord): MailboxEntity {
  const e: MailboxEntity = {
    partitionKey: PARTITION,
    rowKey: safeKey(r.mailboxId),
    mailboxId: r.mailboxId,
    address: r.address,
    ownerType: r.owner.type,
    ownerId: r.owner.id,
    enabledForIncoming: r.enabledForIncoming,
    healthState: r.health.state,
    consecutiveFailures: r.health.consecutiveFailures,
  };
  const h = r.health;
  if (h.lastError !== undefined) e.lastError = h.lastError.slice(0, MAX_ERROR_CHARS);
  if (h.lastSyncStartedAt !== undefined) e.lastSyncStartedAt = h.lastSyncStartedAt;
  if (h.lastSyncCompletedAt !== undefined) e.lastSyncCompletedAt = h.lastSyncCompletedAt;
  if (h.nextDueAt !== undefined) e.nextDueAt = h.nextDueAt;
  if (h.lastFailureAt !== undefined) e.lastFailureAt = h.lastFailureAt;
  if (h.disabledAt !== undefined) e.disabledAt = h.disabledAt;
  if (h.unavailableFolders?.length) e.unavailableFolders = h.unavailableFolders.join(',');
  return e;
}

const textOf = (v: unknown): string => (typeof v === 'string' ? v : '');

export function fromMailboxEntity(e: Record<string, unknown>): MailboxRecord {
  const health: MailboxHealth = {
    state: (e.healthState as MailboxHealth['state']) ?? 'healthy',
    consecutiveFailures: Number(e.consecutiveFailures ?? 0),
  };
  for (const k of [
    'lastError',
    'lastSyncStartedAt',
    'lastSyncCompletedAt',
    'nextDueAt',
    'lastFailureAt',
    'disabledAt',
  ] as const) {
    if (typeof e[k] === 'string') health[k] = e[k];
  }
  if (typeof e.unavailableFolders === 'string' && e.unavailableFolders)
    health.unavailableFolders = e.unavailableFolders.split(',');
  const r: MailboxRecord = {
    mailboxId: String(e.mailboxId),
    // Written as text by toMailboxEntity; a column that is absent reads as empty.
    address: textOf(e.address),
    owner: { type: textOf(e.ownerType), id: textOf(e.ownerId) },
    enabledForIncoming: e.enabledForIncoming === true,
    health,
  };
  if (typeof e.etag === 'string') r.etag = e.etag;
  return r;
}

export function createMailboxRegistry(table: TableClient): MailboxRegistry {
  return {
    async list() {
      const out: MailboxRecord[] = [];
      try {
        const filter = `PartitionKey eq '${PARTITION}'`;
        for await (const e of table.listEntities({ queryOptions: { filter } })) out.push(fromMailboxEntity(e));
      } catch (err) {
        throw translateTableError(err, 'mailbox list');
      }
      return out;
    },

    async get(mailboxId) {
      try {
        return fromMailboxEntity(await table.getEntity(PARTITION, safeKey(mailboxId)));
      } catch (err) {
        if (statusOf(err) === 404) return undefined;
        throw translateTableError(err, 'mailbox get');
      }
    },

    // Replace, not merge, so health fields that were cleared (lastError) disappear from the row.
    // The record's etag is informational: the registry is last-writer-wins (health is advisory).
    async upsert(record) {
      try {
        await table.upsertEntity(toMailboxEntity(record), 'Replace');
      } catch (err) {
        throw translateTableError(err, 'mailbox upsert');
      }
    },

    // One partition: entity group transactions of up to 100 (the service's limit per transaction).
    async upsertMany(records) {
      for (let i = 0; i < records.length; i += TRANSACTION_LIMIT) {
        const chunk = records.slice(i, i + TRANSACTION_LIMIT);
        try {
          await table.submitTransaction(chunk.map((r) => ['upsert', toMailboxEntity(r), 'Replace'] as const));
        } catch (err) {
          throw translateTableError(err, 'mailbox upsert');
        }
      }
    },
  };
}
