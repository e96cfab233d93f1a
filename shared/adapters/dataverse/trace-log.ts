// Mailbox alerts as trace logs (tracelog, learn.microsoft.com/power-apps/developer/data-platform/reference/entities/tracelog),
// the rows Dynamics 365 lists under a mailbox's alerts: `regardingobjectid` is the mailbox. One row per mailbox
// and alert code, at an id derived from both. The table has no Update message and `collationlevel` (how many
// times the alert was raised) is create-only, so a repeat replaces the row in one change set (delete, create
// with the count + 1): one row per code whose `createdon` is the last time, never one row per cycle.
import { TRACE_LEVEL, traceLogId } from '../../domain/alerts';
import type { MailboxAlert } from '../../ports';
import type { BatchRequest } from './batch';
import type { WebApi } from './http';
import { bind } from './navigation';
import { translateBatchPart } from './errors';

/** Names this product as the writer of its rows, as SSS names its server. */
const MACHINE_NAME = 'exchange-dataverse-sync';

export async function recordMailboxAlert(api: WebApi, a: MailboxAlert): Promise<void> {
  const id = traceLogId(a.mailboxId, a.code);
  const [row] = await api.getAll(`/tracelogs?$select=tracelogid,collationlevel&$filter=tracelogid eq ${id}`);
  const fields = { level: TRACE_LEVEL[a.level], text: a.message, errortypedisplay: a.code, machinename: MACHINE_NAME };
  const create: BatchRequest = {
    method: 'POST',
    url: '/tracelogs',
    body: {
      tracelogid: id,
      ...fields,
      collationlevel: Number(row?.collationlevel ?? 0) + 1,
      ...bind('regardingobjectid_mailbox', 'mailbox', a.mailboxId),
    },
  };
  const remove: BatchRequest = { method: 'DELETE', url: `/tracelogs(${id})` };
  const [res] = await api.batch([row ? { changeset: [remove, create] } : { request: create }]);
  if (!res?.ok)
    throw translateBatchPart('could not record the alert on the mailbox', res?.parts[0], api.now?.() ?? new Date());
}
