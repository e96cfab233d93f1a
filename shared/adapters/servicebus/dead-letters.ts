// The dead-letter queue of a Service Bus queue, for the admin surface: list (peek) and replay (receive,
// resend, complete). Failures leave translated (errors.ts).
import type { ServiceBusClient, ServiceBusReceivedMessage } from '@azure/service-bus';
import Long from 'long';
import type { QueueName } from '../../ports';
import { translateServiceBusError } from './errors';
import { fromDeadLetter, toReplayMessage, type DeadLetterInfo } from './mapping';
import type { SenderFor } from './sender';

const PEEK_PAGE = 100;
const RECEIVE_PAGE = 50;

export async function listDeadLetters(client: ServiceBusClient, queue: QueueName, max: number) {
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
      const last = page[page.length - 1].sequenceNumber;
      if (!last) break;
      from = last.add(1);
    }
  } catch (err) {
    throw translateServiceBusError(err, `peek dead letters of ${queue}`);
  } finally {
    await receiver.close();
  }
  return out;
}

export interface ReplayOptions {
  max?: number;
  filter?: (d: DeadLetterInfo) => boolean;
}

/** Moves dead letters back to the queue; returns how many. Letters the filter leaves out go back to the DLQ. */
export async function replayDeadLetters(
  client: ServiceBusClient,
  senderFor: SenderFor,
  queue: QueueName,
  { max = 1000, filter = () => true }: ReplayOptions,
): Promise<number> {
  const receiver = client.createReceiver(queue, { subQueueType: 'deadLetter', receiveMode: 'peekLock' });
  const sender = senderFor(queue);
  let replayed = 0;
  let seen = 0;
  // Skipped messages stay locked until the end, so the loop does not receive them again.
  const skipped: ServiceBusReceivedMessage[] = [];
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
    throw translateServiceBusError(err, `replay dead letters of ${queue}`);
  } finally {
    for (const m of skipped) await receiver.abandonMessage(m).catch(() => undefined); // back to the DLQ either way
    await receiver.close();
  }
  return replayed;
}
