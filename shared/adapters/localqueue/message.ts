// What a queued message looks like inside the embedded queue and to a handler that receives it, and the
// send-time checks Service Bus makes.
import type { OutgoingMessage } from '../../ports';
import { InvalidMessageError } from './errors';

/** Basic/Standard tier: 256 KB per message, properties included. */
export const MAX_MESSAGE_BYTES = 256 * 1024;
/** MessageId and SessionId are at most 128 characters. */
export const MAX_ID_CHARS = 128;

export type ApplicationProperties = Record<string, string | number | boolean>;

export interface Received {
  body: unknown;
  messageId: string;
  sessionId?: string;
  /** 1 on the first delivery. */
  deliveryCount: number;
  enqueuedTimeUtc: Date;
  sequenceNumber: number;
  applicationProperties: ApplicationProperties;
  lockToken: string;
  lockedUntil: Date;
}

export interface StoredMessage {
  /** The body as JSON text: what goes over the wire, so every delivery parses a fresh copy. */
  json: string;
  messageId: string;
  sessionId?: string;
  applicationProperties: ApplicationProperties;
  sequenceNumber: number;
  enqueuedAt: number;
  /** Deliveries so far; the next receive hands out deliveryCount + 1. */
  deliveryCount: number;
  lock?: { token: string; until: number };
  /** What the last failed delivery said (the handler's error), for the dead letter's description. */
  lastError?: string;
}

/**
 * Validates a message and serialises its body. A JSON round trip (not structuredClone) is the copy:
 * handlers then see exactly what the Functions Service Bus trigger would give them (Dates as strings, no Maps).
 */
export function encode(queue: string, m: OutgoingMessage, requiresSession: boolean): { json: string; bytes: number } {
  if (typeof m.messageId !== 'string' || m.messageId.length === 0 || m.messageId.length > MAX_ID_CHARS) {
    throw new InvalidMessageError(queue, `messageId must be 1-${MAX_ID_CHARS} characters`);
  }
  if (requiresSession && !m.sessionId) {
    throw new InvalidMessageError(queue, `the queue requires sessions: message ${m.messageId} has no sessionId`);
  }
  if (m.sessionId !== undefined && m.sessionId.length > MAX_ID_CHARS) {
    throw new InvalidMessageError(queue, `sessionId must be at most ${MAX_ID_CHARS} characters`);
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(m.body);
  } catch (err) {
    throw new InvalidMessageError(
      queue,
      `message ${m.messageId}: body is not JSON-serialisable (${(err as Error).message})`,
    );
  }
  if (json === undefined)
    throw new InvalidMessageError(queue, `message ${m.messageId}: body is not JSON-serialisable (${typeof m.body})`);
  const bytes =
    Buffer.byteLength(json) +
    Buffer.byteLength(JSON.stringify(m.applicationProperties ?? {})) +
    Buffer.byteLength(m.messageId) +
    Buffer.byteLength(m.sessionId ?? '');
  if (bytes > MAX_MESSAGE_BYTES) {
    throw new InvalidMessageError(
      queue,
      `message ${m.messageId} is ${bytes} bytes, over the ${MAX_MESSAGE_BYTES}-byte Standard tier limit`,
    );
  }
  return { json, bytes };
}

/** A locked message as a handler receives it: a fresh copy of the body, the lock's token and expiry. */
export function receivedOf(msg: StoredMessage): Received {
  const r: Received = {
    body: JSON.parse(msg.json) as unknown,
    messageId: msg.messageId,
    deliveryCount: msg.deliveryCount,
    enqueuedTimeUtc: new Date(msg.enqueuedAt),
    sequenceNumber: msg.sequenceNumber,
    applicationProperties: { ...msg.applicationProperties },
    lockToken: msg.lock!.token,
    lockedUntil: new Date(msg.lock!.until),
  };
  if (msg.sessionId !== undefined) r.sessionId = msg.sessionId;
  return r;
}
