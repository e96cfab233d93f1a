// Pure converters between the port's messages and the Service Bus SDK's, one function each.
import { randomUUID } from 'node:crypto';
import type { ServiceBusMessage, ServiceBusReceivedMessage } from '@azure/service-bus';
import type { OutgoingMessage } from '../../ports';
import { replayMessageId } from '../../domain/queue-message-ids';

/**
 * The SDK encodes a non-Buffer body as JSON in an AMQP data section; contentType tells the Functions trigger
 * (and humans in the portal) to read it as JSON. scheduledEnqueueTimeUtc is kept for batch sends; scheduled
 * messages go through scheduleMessages, which takes the time separately.
 */
export function toServiceBusMessage(m: OutgoingMessage): ServiceBusMessage {
  const msg: ServiceBusMessage = { body: m.body, messageId: m.messageId, contentType: 'application/json' };
  if (m.sessionId !== undefined) msg.sessionId = m.sessionId;
  if (m.applicationProperties) msg.applicationProperties = { ...m.applicationProperties };
  if (m.scheduledEnqueueTimeUtc) msg.scheduledEnqueueTimeUtc = m.scheduledEnqueueTimeUtc;
  return msg;
}

export interface DeadLetterInfo {
  body: unknown;
  messageId: string;
  sessionId?: string;
  applicationProperties: Record<string, string | number | boolean>;
  deliveryCount: number;
  reason: string;
  description: string;
  sequenceNumber?: string;
  enqueuedTimeUtc?: Date;
}

export function fromDeadLetter(m: ServiceBusReceivedMessage): DeadLetterInfo {
  const props: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(m.applicationProperties ?? {})) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') props[k] = v;
  }
  const d: DeadLetterInfo = {
    body: m.body,
    messageId: String(m.messageId ?? ''),
    applicationProperties: props,
    deliveryCount: m.deliveryCount ?? 0,
    reason: m.deadLetterReason ?? '',
    description: m.deadLetterErrorDescription ?? '',
  };
  if (m.sessionId !== undefined) d.sessionId = m.sessionId;
  if (m.sequenceNumber !== undefined) d.sequenceNumber = m.sequenceNumber.toString();
  if (m.enqueuedTimeUtc !== undefined) d.enqueuedTimeUtc = m.enqueuedTimeUtc;
  return d;
}

/** The original's properties without the broker's dead-letter stamp: the replay is a live message again. */
function replayedProperties(
  props: ServiceBusReceivedMessage['applicationProperties'],
): NonNullable<ServiceBusMessage['applicationProperties']> {
  const { DeadLetterReason: _r, DeadLetterErrorDescription: _d, ...rest } = props ?? {};
  return rest;
}

/**
 * The message that replays a dead letter. It needs a new MessageId: within the duplicate-detection window
 * the original id would be accepted and silently dropped. The original id travels as `replayOf`.
 */
export function toReplayMessage(m: ServiceBusReceivedMessage): ServiceBusMessage {
  const original = String(m.messageId ?? '');
  const msg: ServiceBusMessage = {
    body: m.body as unknown, // forwarded unread: the SDK types it any
    messageId: replayMessageId(original, randomUUID().slice(0, 8)),
    contentType: m.contentType ?? 'application/json',
    applicationProperties: { ...replayedProperties(m.applicationProperties), replayOf: original },
  };
  if (m.sessionId !== undefined) msg.sessionId = m.sessionId;
  return msg;
}
