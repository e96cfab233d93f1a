// Throttling is answered by sending the same work again for later (a scheduled message), never by
// sleeping inside a function: the lock, the instance and the Graph/Dataverse budget stay free meanwhile.
import type { QueueName } from '../ports';
import { ThrottledError } from '../domain/errors';
import { keyHash } from '../domain/message-id';
import type { InboundMessage, PipelineDeps } from './deps';

export async function withReschedule(queue: QueueName, msg: InboundMessage, deps: PipelineDeps, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (e) {
    if (!(e instanceof ThrottledError)) throw e;
    // A little spread per message, so jobs throttled together do not all come back in the same instant.
    const spread = (parseInt(keyHash(msg.messageId ?? 'msg').slice(0, 6), 16) % 1000) / 1000;
    const at = new Date(deps.clock.now().getTime() + Math.max(1000, e.retryAfterMs) * (1 + 0.2 * spread));
    await deps.queue.send(queue, [
      {
        body: msg.body,
        // One retry suffix, replaced each time: the id stays under Service Bus's 128 characters.
        messageId: `${(msg.messageId ?? 'msg').replace(/:retry:\d+$/, '')}:retry:${at.getTime()}`,
        ...(msg.sessionId ? { sessionId: msg.sessionId } : {}),
        scheduledEnqueueTimeUtc: at,
      },
    ]);
    deps.log.warn('stage.throttled', { queue, system: e.system, status: e.status, retryAfterMs: e.retryAfterMs });
  }
}
