// SSS's delivery-method and enable columns of a mailbox row (mailbox entity reference,
// learn.microsoft.com/power-apps/developer/data-platform/reference/entities/mailbox): read and written only by
// `exsync mailbox takeover` and `release`, and for an owned mailbox by `exsync mailbox enable`.
import type { MailboxColumnsPort, SssColumns } from '../../ports-cutover';
import type { WebApi } from './http';
import { translateBatchPart } from './errors';

const COLUMNS = [
  'incomingemaildeliverymethod',
  'outgoingemaildeliverymethod',
  'actdeliverymethod',
  'enabledforincomingemail',
  'enabledforoutgoingemail',
] as const;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function columnsOf(row: Record<string, unknown>): SssColumns {
  const n = (k: string, dflt: number) => (typeof row[k] === 'number' ? row[k] : dflt);
  return {
    // Dataverse's defaults when a column is empty: SSS for email, ACT by SSS, every workload enabled.
    incomingemaildeliverymethod: n('incomingemaildeliverymethod', 2),
    outgoingemaildeliverymethod: n('outgoingemaildeliverymethod', 2),
    actdeliverymethod: n('actdeliverymethod', 1),
    enabledforincomingemail: row.enabledforincomingemail !== false,
    enabledforoutgoingemail: row.enabledforoutgoingemail !== false,
  };
}

export function createMailboxColumns(api: WebApi): MailboxColumnsPort {
  return {
    async read(mailboxId) {
      if (!GUID.test(mailboxId)) return undefined;
      try {
        return columnsOf(await api.get(`/mailboxes(${mailboxId})?$select=${COLUMNS.join(',')}`));
      } catch (e) {
        if ((e as { status?: number }).status === 404) return undefined;
        throw e;
      }
    },
    async write(mailboxId, columns) {
      if (!GUID.test(mailboxId)) throw new Error(`not a mailbox id: ${mailboxId}`);
      const [res] = await api.batch([
        { request: { method: 'PATCH', url: `/mailboxes(${mailboxId})`, headers: { 'If-Match': '*' }, body: columns } },
      ]);
      if (!res?.ok)
        throw translateBatchPart('could not write the mailbox columns', res?.parts[0], api.now?.() ?? new Date());
    },
  };
}
