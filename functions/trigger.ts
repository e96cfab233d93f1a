// Service Bus trigger metadata -> the InboundMessage the stage handlers take.
import type { InvocationContext } from '@azure/functions';
import type { InboundMessage } from '../shared/pipeline/deps';
import { PoisonMessageError } from '../shared/pipeline/deps';

export function inbound(body: unknown, context: InvocationContext): InboundMessage {
  const m = context.triggerMetadata ?? {};
  return {
    body,
    ...(typeof m.messageId === 'string' ? { messageId: m.messageId } : {}),
    ...(typeof m.sessionId === 'string' ? { sessionId: m.sessionId } : {}),
    deliveryCount: typeof m.deliveryCount === 'number' ? m.deliveryCount : 1,
  };
}

/** Without settlement from code, a poison body is logged with its reason and rethrown: Service Bus
 *  dead-letters it after maxDeliveryCount (MaxDeliveryCountExceeded), and the reason is in the logs. */
export async function runHandler(context: InvocationContext, run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (e) {
    if (e instanceof PoisonMessageError) context.error(`poison message: ${e.message}`);
    throw e;
  }
}
