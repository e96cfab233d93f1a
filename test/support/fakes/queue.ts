// The queue port as Service Bus keeps its promises on send: duplicate detection drops a message whose id
// the queue accepted within the window (10 minutes, as the queues are configured), a session queue refuses a
// message without a session id, and bodies travel as JSON (a copy, not the sender's object). It records what
// was sent (with its scheduled time); delivery is the test's, by `delivered`. `failSends`: the namespace is down.
import { QUEUES, type Clock, type OutgoingMessage, type QueueName, type QueuePort } from '../../../shared/ports';
import type { InboundMessage } from '../../../shared/pipeline/deps';

const SESSION_QUEUES: readonly QueueName[] = [QUEUES.syncJobs];

export interface FakeQueue extends QueuePort {
  /** Every message accepted, per queue, in order (duplicates dropped). */
  accepted(queue: QueueName): OutgoingMessage[];
  /** Messages dropped by duplicate detection. */
  duplicates: OutgoingMessage[];
  /** Until cleared (undefined), every send throws this. */
  failSends: Error | undefined;
}

export function fakeQueue(clock: Clock, duplicateWindowMs = 10 * 60_000): FakeQueue {
  const byQueue = new Map<QueueName, OutgoingMessage[]>();
  /** messageId -> when the queue accepted it. */
  const seen = new Map<QueueName, Map<string, number>>();
  const q: FakeQueue = {
    duplicates: [],
    failSends: undefined,
    accepted: (queue) => byQueue.get(queue) ?? [],
    async send(queue, messages) {
      if (q.failSends) throw q.failSends;
      for (const m of messages) {
        if (!m.messageId) throw new Error(`send to ${queue}: a message without a messageId`);
        if (SESSION_QUEUES.includes(queue) && !m.sessionId)
          throw new Error(`send to ${queue}: a session queue needs a sessionId`);
      }
      // A batch is all or nothing; duplicates within it and with earlier sends are dropped.
      const ids = seen.get(queue) ?? new Map<string, number>();
      const list = byQueue.get(queue) ?? [];
      const now = clock.now().getTime();
      for (const m of messages) {
        const at = ids.get(m.messageId);
        if (at !== undefined && now - at < duplicateWindowMs) {
          q.duplicates.push(m);
          continue;
        }
        ids.set(m.messageId, now);
        list.push({ ...m, body: JSON.parse(JSON.stringify(m.body)) as unknown });
      }
      seen.set(queue, ids);
      byQueue.set(queue, list);
    },
  };
  return q;
}

/** A sent message as a trigger hands it over, first delivery. */
export function delivered(m: OutgoingMessage): InboundMessage {
  return {
    body: m.body,
    messageId: m.messageId,
    ...(m.sessionId ? { sessionId: m.sessionId } : {}),
    deliveryCount: 1,
    ...(m.applicationProperties ? { applicationProperties: m.applicationProperties } : {}),
  };
}
