// The status page's sources on a deployment: the Table Storage stores (ledger, mailbox registry and health,
// alerts), the dead-letter queues of Service Bus and, for the shadow report, Dataverse's email rows, each read
// with the Function App's managed identity (or, from a terminal, the signed-in developer). Throttling and queue depth are not kept in these stores: the page
// points at Application Insights and the Service Bus metrics for them.
import type { Settings } from './config';
import type { Clock, QueueName } from './ports';
import { QUEUES } from './ports';
import type { DeadLetterRow, StatusSources } from './pipeline/status';
import { tablesFor } from './compose';
import { createServiceBusQueue, type ServiceBusQueue } from './adapters/servicebus';
import { azureResourceCredential, createCredential, scopeFor, tokenSource } from './adapters/identity';
import { createDataverseAdapter } from './adapters/dataverse';
import { shadowSource } from './pipeline/status-shadow';

/** Dead letters listed per queue at most (a peek); the page is a glance, `exsync dlq list` has them all. */
const DEAD_LETTERS_SHOWN = 200;

export async function deadLetterRows(sb: ServiceBusQueue, max = DEAD_LETTERS_SHOWN): Promise<DeadLetterRow[]> {
  const rows: DeadLetterRow[] = [];
  for (const queue of Object.values(QUEUES) as QueueName[])
    for (const d of await sb.listDeadLetters(queue, max)) {
      const mailboxId = (d.body as { mailboxId?: unknown } | undefined)?.mailboxId;
      rows.push({
        queue,
        messageId: d.messageId,
        reason: d.reason,
        description: d.description,
        deadLetteredAt: d.enqueuedTimeUtc?.toISOString() ?? '',
        ...(typeof mailboxId === 'string' ? { mailboxId } : {}),
      });
    }
  return rows;
}

/** Built once per process; the Service Bus client stays open for the next request. */
export async function deploymentStatusSources(s: Settings, clock: Clock): Promise<StatusSources> {
  const tables = await tablesFor(s);
  const sb = s.serviceBusNamespace
    ? createServiceBusQueue({ fullyQualifiedNamespace: s.serviceBusNamespace, credential: azureResourceCredential(s) })
    : undefined;
  // The shadow report compares with the rows SSS wrote: only where this host can read Dataverse.
  const dataverse = s.dataverseUrl
    ? createDataverseAdapter({
        url: s.dataverseUrl,
        token: tokenSource(createCredential(s), scopeFor(s.dataverseUrl)),
        clock,
        batchSize: s.dataverseBatchSize,
      })
    : undefined;
  return {
    mailboxes: tables.mailboxes,
    ledger: tables.ledger,
    alerts: tables.alerts,
    ...(dataverse ? { shadow: shadowSource({ ledger: tables.ledger, dataverse, clock }, s.logPersonalData) } : {}),
    clock,
    showPersonal: s.logPersonalData,
    deadLetters: async () => (sb ? await deadLetterRows(sb) : []),
  };
}
