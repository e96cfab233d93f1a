// Service Bus adapter: the QueuePort in Azure, and dead-letter listing/replay for the admin surface.
// The only importer of @azure/service-bus.
import { ServiceBusClient, type ServiceBusMessage, type ServiceBusSender } from '@azure/service-bus';
import type { TokenCredential } from '@azure/identity';
import Long from 'long';
import type { OutgoingMessage, QueueName, QueuePort } from '../../ports';
import { QueueSendError, toQueueSendError } from './errors';
import { fromDeadLetter, toReplayMessage, toServiceBusMessage, type DeadLetterInfo } from './mapping';

export { QueueSendError } from './errors';
export { toServiceBusMessage, fromDeadLetter, toReplayMessage, type DeadLetterInfo } from './mapping';

export interface ServiceBusQueueOptions {
  /** <namespace>.servicebus.windows.net, used with credential (managed identity). */
  fullyQualifiedNamespace?: string;
  credential?: TokenCredential;
  /** Alternative to namespace + credential (local experiments, the rhea smoke test). */
  connectionString?: string;
}

export interface ServiceBusQueue extends QueuePort {
  listDeadLetters(queue: QueueName, max?: number): Promise<DeadLetterInfo[]>;
  /** Moves dead letters back to the queue (receive, resend, complete); returns how many. */
  replayDeadLetters(
    queue: QueueName,
    opts?: { max?: number; filter?: (d: DeadLetterInfo) => boolean },
  ): Promise<number>;
  close(): Promise<void>;
}

const PEEK_PAGE = 100;
const RECEIVE_PAGE = 50;

export function createServiceBusQueue(opts: ServiceBusQueueOptions): ServiceBusQueue {
  const client = opts.connectionString
    ? new ServiceBusClient(opts.connectionString)
    : opts.fullyQualifiedNamespace && opts.credential
      ? new ServiceBusClient(opts.fullyQualifiedNamespace, opts.credential)
      : undefined;
  if (!client) throw new Error('service bus needs a connectionString, or a fullyQualifiedNamespace and a credential');
  // One sender per queue for the life of the process: a sender holds an AMQP link, costly to open per send.
  const senders = new Map<QueueName, ServiceBusSender>();
  const senderFor = (queue: QueueName) => {
    let s = senders.get(queue);
    if (!s) senders.set(queue, (s = client.createSender(queue)));
    return s;
  };

  async function sendNow(sender: ServiceBusSender, messages: ServiceBusMessage[]): Promise<void> {
    let batch = await sender.createMessageBatch();
    for (const m of messages) {
      if (batch.tryAddMessage(m)) continue;
      if (batch.count === 0)
        throw new QueueSendError(
          `message ${m.messageId} is larger than a batch may be (${batch.maxSizeInBytes} bytes)`,
          false,
          'MessageSizeExceeded',
        );
      await sender.sendMessages(batch);
      batch = await sender.createMessageBatch();
      if (!batch.tryAddMessage(m))
        throw new QueueSendError(
          `message ${m.messageId} is larger than a batch may be (${batch.maxSizeInBytes} bytes)`,
          false,
          'MessageSizeExceeded',
        );
    }
    if (batch.count > 0) await sender.sendMessages(batch);
  }

  async function send(queue: QueueName, messages: OutgoingMessage[]): Promise<void> {
    const sender = senderFor(queue);
    const now: ServiceBusMessage[] = [];
    const later = new Map<number, ServiceBusMessage[]>(); // scheduleMessages takes one time per call
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
    try {
      if (now.length) await sendNow(sender, now);
      for (const [at, msgs] of later) await sender.scheduleMessages(msgs, new Date(at));
    } catch (err) {
      throw toQueueSendError(err, `send to ${queue}`);
    }
  }

  return {
    send,

    async listDeadLetters(queue, max = 1000) {
      const receiver = client.createReceiver(queue, { subQueueType: 'deadLetter' });
      const out: DeadLetterInfo[] = [];
      try {
        // An explicit cursor from the first sequence number: the SDK keeps its own peek position per client
        // and entity, not per receiver, so a second listing on the same client would start after the first.
        let from = Long.ONE;
        while (out.length < max) {
          const page = await receiver.peekMessages(Math.min(PEEK_PAGE, max - out.length), { fromSequenceNumber: from });
          if (page.length === 0) break;
          out.push(...page.map(fromDeadLetter));
          const last = page[page.length - 1]!.sequenceNumber;
          if (!last) break;
          from = last.add(1);
        }
      } catch (err) {
        throw toQueueSendError(err, `peek dead letters of ${queue}`);
      } finally {
        await receiver.close();
      }
      return out;
    },

    async replayDeadLetters(queue, { max = 1000, filter = () => true } = {}) {
      const receiver = client.createReceiver(queue, { subQueueType: 'deadLetter', receiveMode: 'peekLock' });
      const sender = senderFor(queue);
      let replayed = 0;
      let seen = 0;
      // Skipped messages stay locked until the end, so the loop does not receive them again.
      const skipped: Parameters<typeof receiver.abandonMessage>[0][] = [];
      try {
        while (seen < max) {
          const page = await receiver.receiveMessages(Math.min(RECEIVE_PAGE, max - seen), { maxWaitTimeInMs: 2000 });
          if (page.length === 0) break;
          for (const m of page) {
            seen++;
            if (!filter(fromDeadLetter(m))) {
              skipped.push(m);
              continue;
            }
            // Resend first, complete second: a crash in between duplicates a job, never loses one.
            await sender.sendMessages(toReplayMessage(m));
            await receiver.completeMessage(m);
            replayed++;
          }
        }
      } catch (err) {
        throw toQueueSendError(err, `replay dead letters of ${queue}`);
      } finally {
        for (const m of skipped) await receiver.abandonMessage(m).catch(() => undefined); // back to the DLQ either way
        await receiver.close();
      }
      return replayed;
    },

    async close() {
      await Promise.all([...senders.values()].map((s) => s.close()));
      senders.clear();
      await client.close();
    },
  };
}
