// Mailbox alerts (SSS raises Error/Warning/Information alerts per mailbox): PK = mailbox, RK = inverted
// time so a partition reads newest first. The same alerts also go to logs and telemetry as events.
import { odata, type TableClient } from '@azure/data-tables';
import type { AlertLog, MailboxAlert } from '../../ports';
import { translateTableError } from './errors';
import { safeKey } from './keys';

const MAX_MESSAGE_CHARS = 2000;
const inverted = (iso: string) => String(9_999_999_999_999 - Date.parse(iso)).padStart(13, '0');

export function createAlertLog(table: TableClient): AlertLog {
  const read = async (filter: string | undefined, max: number) => {
    const out: MailboxAlert[] = [];
    try {
      for await (const e of table.listEntities(filter ? { queryOptions: { filter } } : {})) {
        out.push({
          mailboxId: String(e.mailboxId),
          level: e.level as MailboxAlert['level'],
          code: String(e.code),
          message: typeof e.message === 'string' ? e.message : '', // written as text; absent reads as none
          at: String(e.at),
        });
        if (out.length >= max) break;
      }
    } catch (err) {
      throw translateTableError(err, 'alerts read');
    }
    return out;
  };
  return {
    async record(a) {
      try {
        await table.upsertEntity(
          {
            partitionKey: safeKey(a.mailboxId),
            rowKey: `${inverted(a.at)}-${a.code}`.slice(0, 200),
            mailboxId: a.mailboxId,
            level: a.level,
            code: a.code,
            message: a.message.slice(0, MAX_MESSAGE_CHARS),
            at: a.at,
          },
          'Replace',
        );
      } catch (err) {
        throw translateTableError(err, 'alerts record');
      }
    },
    forMailbox: (mailboxId, max = 50) => read(odata`PartitionKey eq ${safeKey(mailboxId)}`, max),
    all: (max = 10_000) => read(undefined, max),
  };
}
