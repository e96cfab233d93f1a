// Sending to a Service Bus queue: messages due now go in as few batches as fit, scheduled ones through
// scheduleMessages, one call per enqueue time. Failures leave translated (errors.ts).
import type { ServiceBusClient, ServiceBusMessage, ServiceBusSender } from '@azure/service-bus';
import type { OutgoingMessage, QueueName } from '../../ports';
import { messageTooLarge, translateServiceBusError } from './errors';
import { toServiceBusMessage } from './mapping';

export type SenderFor = ((queue: QueueName) => ServiceBusSender) & { closeAll(): Promise<void> };

/** One sender per queue for the life of the process: a sender holds an AMQP link, costly to open per send. */
export function senderCache(client: ServiceBusClient): SenderFor {
  const senders = new Map<QueueName, ServiceBusSender>();
  const senderFor = (queue: QueueName) => {
    let s = senders.get(queue);
    if (!s) senders.set(queue, (s = client.createSender(queue)));
    return s;
  };
  return Object.assign(senderFor, {
    async closeAll() {
      await Promise.all([...senders.values()].map((s) => s.close()));
      senders.clear();
    },
  });
}

export async function sendToQueue(sender: ServiceBusSender, queue: QueueName, messages: OutgoingMessage[]) {
  const { now, later } = byEnqueueTime(messages);
  try {
    if (now.length) await sendInBatches(sender, now);
    for (const [at, msgs] of later) await sender.scheduleMessages(msgs, new Date(at));
  } catch (err) {
    throw translateServiceBusError(err, `send to ${queue}`);
  }
}

/** Messages due now, and the scheduled ones grouped by their time (scheduleMessages takes one time per call). */
function byEnqueueTime(messages: OutgoingMessage[]) {
  const now: ServiceBusMessage[] = [];
  const later = new Map<number, ServiceBusMessage[]>();
  for (const m of messages) {
    const msg = toServiceBusMessage(m);
    const at = m.scheduledEnqueueTimeUtc?.getTime();
    if (at === undefined) {
      now.push(msg);
    } else {
      delete msg.scheduledEnqueueTimeUtc;
      later.set(at, [...(later.get(at) ?? []), msg]);
    }
  }
  return { now, later };
}

async function sendInBatches(sender: ServiceBusSender, messages: ServiceBusMessage[]): Promise<void> {
  let batch = await sender.createMessageBatch();
  for (const m of messages) {
    if (batch.tryAddMessage(m)) continue;
    if (batch.count === 0) throw messageTooLarge(String(m.messageId), batch.maxSizeInBytes);
    await sender.sendMessages(batch);
    batch = await sender.createMessageBatch();
    if (!batch.tryAddMessage(m)) throw messageTooLarge(String(m.messageId), batch.maxSizeInBytes);
  }
  if (batch.count > 0) await sender.sendMessages(batch);
}
