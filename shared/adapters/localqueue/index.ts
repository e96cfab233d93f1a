// The embedded queues of the one-machine runtime: 'sync-jobs' (sessions = mailbox) and 'activity-writes',
// behind the same QueuePort the pipeline uses with Service Bus.
import { QUEUES, type Clock, type QueueName, type QueuePort } from '../../ports';
import { LocalQueue, type LocalQueueOptions } from './queue';
import { translateLocalQueueError } from './errors';

export { LocalQueue, type Received, type DeadLetter } from './queue';
export { MessageLockLostError, InvalidMessageError } from './errors';

export type LocalQueueSettings = Partial<
  Pick<LocalQueueOptions, 'maxDeliveryCount' | 'lockDurationMs' | 'duplicateDetectionWindowMs'>
>;

export interface LocalQueues {
  queues: Record<QueueName, LocalQueue>;
  port: QueuePort;
}

export function createLocalQueues(
  clock: Clock,
  opts: LocalQueueSettings & { perQueue?: Partial<Record<QueueName, LocalQueueSettings>> } = {},
): LocalQueues {
  const { perQueue, ...shared } = opts;
  const make = (name: QueueName, requiresSession: boolean) =>
    new LocalQueue({ ...shared, ...perQueue?.[name], name, clock, requiresSession });
  const queues: Record<QueueName, LocalQueue> = {
    [QUEUES.syncJobs]: make(QUEUES.syncJobs, true),
    [QUEUES.activityWrites]: make(QUEUES.activityWrites, false),
  };
  return {
    queues,
    port: {
      // async so a validation error rejects the promise, as a failed Service Bus send would.
      async send(queue, messages) {
        try {
          const q = queues[queue];
          if (!q) throw new Error(`unknown queue ${queue}`);
          q.send(messages);
        } catch (err) {
          throw translateLocalQueueError(err, 'send');
        }
      },
    },
  };
}
