// The ACT links (Exchange item ↔ Dataverse row) in the correlation table, one partition per mailbox and workload
// (`a-<mailbox>.<workload>`), the Dataverse id as row key: a job lists its partition once per cycle.
import type { TableClient } from '@azure/data-tables';
import type { ActLinkStore } from '../../ports-act';
import type { ActLink, ActWorkload, Fields } from '../../domain/act/types';
import { statusOf, translateTableError } from './errors';
import { safeKey } from './keys';

const partition = (mailboxId: string, workload: ActWorkload) => `a-${safeKey(mailboxId)}.${workload}`;
const opt = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

function fromEntity(e: Record<string, unknown>): ActLink {
  const link: ActLink = {
    mailboxId: String(e.mailboxId),
    workload: String(e.workload) as ActWorkload,
    dataverseId: String(e.dataverseId),
    hash: opt(e.hash) ?? '',
    base: JSON.parse(opt(e.base) ?? '{}') as Fields,
  };
  for (const k of ['exchangeId', 'changeKey', 'version', 'ownerId'] as const) {
    const v = opt(e[k]);
    if (v) link[k] = v;
  }
  if (e.pending === true) link.pending = true;
  return link;
}

export function createActLinkStore(table: TableClient): ActLinkStore {
  return {
    async list(mailboxId, workload) {
      const out: ActLink[] = [];
      try {
        const pk = partition(mailboxId, workload).replace(/'/g, "''");
        for await (const e of table.listEntities({ queryOptions: { filter: `PartitionKey eq '${pk}'` } }))
          out.push(fromEntity(e));
      } catch (err) {
        throw translateTableError(err, 'list ACT links');
      }
      return out;
    },
    async put(link) {
      const entity: Record<string, unknown> = {
        partitionKey: partition(link.mailboxId, link.workload),
        rowKey: safeKey(link.dataverseId),
        mailboxId: link.mailboxId,
        workload: link.workload,
        dataverseId: link.dataverseId,
        hash: link.hash,
        base: JSON.stringify(link.base),
        pending: !!link.pending,
      };
      for (const k of ['exchangeId', 'changeKey', 'version', 'ownerId'] as const) if (link[k]) entity[k] = link[k];
      try {
        await table.upsertEntity(entity as { partitionKey: string; rowKey: string }, 'Replace');
      } catch (err) {
        throw translateTableError(err, 'save an ACT link');
      }
    },
    async remove(link) {
      try {
        await table.deleteEntity(partition(link.mailboxId, link.workload), safeKey(link.dataverseId));
      } catch (err) {
        if (statusOf(err) !== 404) throw translateTableError(err, 'delete an ACT link');
      }
    },
  };
}
