// The one home of "try this message again later": a throttled or transient failure of Graph, Dataverse,
// Table Storage or Service Bus sends the same message again as a scheduled message, never a sleep inside
// a function and never an instant redelivery (which would use up the delivery count in seconds and
// dead-letter real work). Retry n carries the id `<original>:retry:<n>`, so a second send of one attempt
// (a crash after the send) is dropped by duplicate detection.
import type { OutgoingMessage, QueueName } from '../ports';
import { retryableFailureOf } from '../domain/errors';
import { mayRetry, retryDelayMs } from '../domain/backoff';
import { retryAttemptOf, retryMessageId } from '../domain/queue-message-ids';
import type { InboundMessage, PipelineDeps } from './deps';

export async function withReschedule(
  queue: QueueName,
  msg: InboundMessage,
  deps: Pick<PipelineDeps, 'queue' | 'clock' | 'log'>,
  run: () => Promise<void>,
): Promise<void> {
  try {
    await run();
  } catch (e) {
    const failure = retryableFailureOf(e);
    if (!failure) throw e;
    const attempt = retryAttemptOf(msg.messageId) + 1;
    // Out of scheduled retries: the queue's delivery count, then the dead-letter queue with this error, take over.
    if (!mayRetry(attempt, failure)) {
      deps.log.error('stage.retries-exhausted', {
        queue,
        system: failure.system,
        status: failure.status,
        attempt: attempt - 1,
      });
      throw e;
    }
    const delayMs = retryDelayMs(attempt, failure, msg.messageId);
    const retry: OutgoingMessage = {
      body: msg.body,
      messageId: retryMessageId(msg.messageId, attempt),
      ...(msg.sessionId ? { sessionId: msg.sessionId } : {}),
      ...carriedProperties(msg.applicationProperties),
      scheduledEnqueueTimeUtc: new Date(deps.clock.now().getTime() + delayMs),
    };
    // If this send fails the error goes up: the message is abandoned and delivered again, nothing is lost.
    await deps.queue.send(queue, [retry]);
    const props = {
      queue,
      system: failure.system,
      status: failure.status,
      code: failure.code,
      attempt,
      delayMs,
      retryAfterMs: failure.retryAfterMs,
    };
    if (failure.kind === 'throttled') deps.log.warn('stage.throttled', props);
    else deps.log.warn('stage.retry', props);
  }
}

/** The message's own application properties go along (replayOf, say); the trace context is set anew on send. */
function carriedProperties(props: Record<string, unknown> | undefined): Pick<OutgoingMessage, 'applicationProperties'> {
  const kept = Object.entries(props ?? {}).filter((e): e is [string, string | number | boolean] =>
    ['string', 'number', 'boolean'].includes(typeof e[1]),
  );
  return kept.length ? { applicationProperties: Object.fromEntries(kept) } : {};
}
