// Service Bus adapter: the QueuePort in Azure, and dead-letter listing/replay for the admin surface.
// This folder is the only importer of @azure/service-bus.
import { ServiceBusClient } from '@azure/service-bus';
import type { TokenCredential } from '@azure/identity';
import type { QueueName, QueuePort } from '../../ports';
import type { DeadLetterInfo } from './mapping';
import { listDeadLetters, replayDeadLetters, type ReplayOptions } from './dead-letters';
import { senderCache, sendToQueue } from './sender';

export { toServiceBusMessage, fromDeadLetter, toReplayMessage } from './mapping';

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
  replayDeadLetters(queue: QueueName, opts?: ReplayOptions): Promise<number>;
  close(): Promise<void>;
}

export function createServiceBusQueue(opts: ServiceBusQueueOptions): ServiceBusQueue {
  const client = clientFor(opts);
  const senderFor = senderCache(client);
  return {
    send: (queue, messages) => sendToQueue(senderFor(queue), queue, messages),
    listDeadLetters: (queue, max = 1000) => listDeadLetters(client, queue, max),
    replayDeadLetters: (queue, o = {}) => replayDeadLetters(client, senderFor, queue, o),
    async close() {
      await senderFor.closeAll();
      await client.close();
    },
  };
}

function clientFor(opts: ServiceBusQueueOptions): ServiceBusClient {
  if (opts.connectionString) return new ServiceBusClient(opts.connectionString);
  if (opts.fullyQualifiedNamespace && opts.credential)
    return new ServiceBusClient(opts.fullyQualifiedNamespace, opts.credential);
  throw new Error('service bus needs a connectionString, or a fullyQualifiedNamespace and a credential');
}
