// The product's own registry of the mailboxes it owns, shadows or has released: PK = 'mailbox' (one row per
// mailbox, read whole by the timer), RK = mailbox id. Apart from the health registry, whose rows the stages
// replace on every sync, so an operator's takeover is never overwritten by a sync that read the row before it.
import type { TableClient } from '@azure/data-tables';
import type { OwnershipRegistry } from '../../ports-cutover';
import { MAILBOX_MODES, type MailboxMode, type OwnershipRecord } from '../../domain/ownership';
import { statusOf, translateTableError } from './errors';
import { safeKey } from './keys';

const PARTITION = 'mailbox';

function toEntity(r: OwnershipRecord): Record<string, string | boolean> & { partitionKey: string; rowKey: string } {
  return {
    partitionKey: PARTITION,
    rowKey: safeKey(r.mailboxId),
    mailboxId: r.mailboxId,
    mode: r.mode,
    disabled: r.disabled === true,
    changedAt: r.changedAt,
    ...(r.previous ? { previous: JSON.stringify(r.previous) } : {}),
  };
}

function fromEntity(e: Record<string, unknown>): OwnershipRecord {
  const mode = MAILBOX_MODES.includes(e.mode as MailboxMode) ? (e.mode as MailboxMode) : 'shadow';
  const r: OwnershipRecord = {
    mailboxId: String(e.mailboxId),
    mode,
    changedAt: typeof e.changedAt === 'string' ? e.changedAt : '',
  };
  if (e.disabled === true) r.disabled = true;
  if (typeof e.previous === 'string') r.previous = JSON.parse(e.previous) as OwnershipRecord['previous'];
  if (typeof e.etag === 'string') r.etag = e.etag;
  return r;
}

export function createOwnershipRegistry(table: TableClient): OwnershipRegistry {
  return {
    async list() {
      const out: OwnershipRecord[] = [];
      try {
        const filter = `PartitionKey eq '${PARTITION}'`;
        for await (const e of table.listEntities({ queryOptions: { filter } })) out.push(fromEntity(e));
      } catch (err) {
        throw translateTableError(err, 'ownership list');
      }
      return out;
    },
    async get(mailboxId) {
      try {
        return fromEntity(await table.getEntity(PARTITION, safeKey(mailboxId)));
      } catch (err) {
        if (statusOf(err) === 404) return undefined;
        throw translateTableError(err, 'ownership get');
      }
    },
    async put(record) {
      try {
        await table.upsertEntity(toEntity(record), 'Replace');
      } catch (err) {
        throw translateTableError(err, 'ownership put');
      }
    },
  };
}
