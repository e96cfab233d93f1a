// `--once` runs mailboxes strictly one after another, so that a run is reproducible with or without
// faults. SSS's outcome depends on which mailbox meets a message first: shared mail takes the accepting
// entity and receiving mailbox of the first mailbox that promotes it, and a reply correlates only with
// mail already tracked. So the next mailbox starts only when the previous one has finished: its sync,
// its continuations, every write it queued (throttled ones included), and its 5-minute retries after a
// transient failure. Faults then only delay a mailbox; they cannot reorder mailboxes.
import type { OutgoingMessage, QueuePort } from '../shared/ports';
import { QUEUES } from '../shared/ports';
import type { PipelineDeps } from '../shared/pipeline/deps';
import type { SyncJob } from '../shared/domain/jobs';
import { syncJobMessageId } from '../shared/domain/queue-message-ids';
import { MAX_TRANSIENT_FAILURES } from '../shared/pipeline/health';
import type { ScaledClock } from './clock';

/**
 * A queue port that keeps the schedule's sync jobs back, to be released one mailbox at a time. It sits
 * under the traced port, so the held messages already carry the schedule's trace context.
 */
export function holdSyncJobs(port: QueuePort): { port: QueuePort; held: OutgoingMessage[] } {
  const held: OutgoingMessage[] = [];
  return {
    held,
    port: {
      async send(queue, messages) {
        if (queue === QUEUES.syncJobs) held.push(...messages);
        else await port.send(queue, messages);
      },
    },
  };
}

export interface InOrderDeps {
  port: QueuePort;
  deps: Pick<PipelineDeps, 'mailboxes' | 'log'>;
  clock: ScaledClock;
  /** Runs every queue until nothing is left, moving the clock over waits. */
  drain: () => Promise<void>;
}

/**
 * Releases each held job and drains the queues before the next. A mailbox whose sync failed transiently
 * is retried when due (SSS: 5 minutes later) until it completes or is disabled, before the next one starts.
 */
export async function syncInOrder(held: OutgoingMessage[], o: InOrderDeps): Promise<void> {
  for (const job of held) {
    const mailboxId = job.sessionId!;
    const since = o.clock.now().toISOString();
    await o.port.send(QUEUES.syncJobs, [job]);
    await o.drain();
    for (let attempt = 1; attempt <= 2 * MAX_TRANSIENT_FAILURES; attempt++) {
      const record = await o.deps.mailboxes.get(mailboxId);
      // Only a transient failure leaves a mailbox 'failing' with a retry due; synced or disabled, it is done.
      if (!record || record.health.state !== 'failing' || !record.health.nextDueAt) break;
      if (record.health.lastSyncCompletedAt && record.health.lastSyncCompletedAt >= since) break;
      const wait = Date.parse(record.health.nextDueAt) - o.clock.now().getTime();
      if (wait > 0) o.clock.advance(wait);
      const retry: SyncJob = {
        kind: 'sync',
        mailboxId,
        workload: 'email',
        trigger: 'schedule',
        slot: `retry-${o.clock.now().getTime()}`,
      };
      o.deps.log.info('schedule.retry-mailbox', { mailboxId, attempt });
      await o.port.send(QUEUES.syncJobs, [{ body: retry, messageId: syncJobMessageId(retry), sessionId: mailboxId }]);
      await o.drain();
    }
  }
}
