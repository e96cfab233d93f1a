// Service Bus trigger metadata -> the InboundMessage the stage handlers take.
import type { InvocationContext } from '@azure/functions';
import type { InboundMessage } from '../shared/pipeline/deps';
import { isKind } from '../shared/domain/errors';
import { errorForHost, personalDataAllowed, traceStage, type StageName } from '../shared/telemetry';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function inbound(body: unknown, context: InvocationContext): InboundMessage {
  const m = context.triggerMetadata ?? {};
  return {
    body,
    ...(typeof m.messageId === 'string' ? { messageId: m.messageId } : {}),
    ...(typeof m.sessionId === 'string' ? { sessionId: m.sessionId } : {}),
    deliveryCount: typeof m.deliveryCount === 'number' ? m.deliveryCount : 1,
    // The trace context the sender put in (traceparent, Diagnostic-Id); older hosts name them userProperties.
    ...(isRecord(m.applicationProperties)
      ? { applicationProperties: m.applicationProperties }
      : isRecord(m.userProperties)
        ? { applicationProperties: m.userProperties }
        : {}),
  };
}

/** The stage span of one invocation: a child of the host's invocation or of the message's context. */
export function traced<T>(
  context: InvocationContext,
  stage: StageName,
  message: InboundMessage | undefined,
  run: () => Promise<T>,
): Promise<T> {
  const host = context.traceContext
    ? { traceParent: context.traceContext.traceParent ?? null, traceState: context.traceContext.traceState ?? null }
    : undefined;
  return traceStage({ stage, ...(message ? { message } : {}), ...(host ? { host } : {}) }, run);
}

/** Every registration goes through this: what a failing function hands to the host (which writes it to the
 *  `exceptions` telemetry, the log stream and, on Service Bus, the dead-letter reason) is scrubbed like a log line. */
export function hostSafe<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (e) {
      throw errorForHost(e, personalDataAllowed());
    }
  };
}

/** Without settlement from code, a poison body is logged with its reason and rethrown: Service Bus
 *  dead-letters it after maxDeliveryCount (MaxDeliveryCountExceeded), and the reason is in the logs. */
export async function runHandler(
  context: InvocationContext,
  run: () => Promise<void>,
  stage?: { name: StageName; message: InboundMessage },
): Promise<void> {
  try {
    await (stage ? traced(context, stage.name, stage.message, run) : run());
  } catch (e) {
    const safe = errorForHost(e, personalDataAllowed());
    if (isKind(e, 'poison')) context.error(`poison message: ${safe.message}`);
    throw safe;
  }
}
