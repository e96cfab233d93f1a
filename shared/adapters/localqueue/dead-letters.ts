// A queue's dead-letter sub-queue: messages that used up their deliveries or that a handler refused, kept with
// the reason and description Service Bus would give, until an operator replays or removes them.
import type { ApplicationProperties, StoredMessage } from './message';

export interface DeadLetter {
  body: unknown;
  messageId: string;
  sessionId?: string;
  applicationProperties: ApplicationProperties;
  deliveryCount: number;
  reason: string;
  description: string;
  enqueuedTimeUtc: Date;
  deadLetteredAt: Date;
}

type DeadLetterEntry = Omit<DeadLetter, 'body'> & { json: string };

export class DeadLetterQueue {
  private readonly entries: DeadLetterEntry[] = [];

  get size(): number {
    return this.entries.length;
  }

  list(): DeadLetter[] {
    return this.entries.map(({ json, ...rest }) => ({ ...rest, body: JSON.parse(json) as unknown }));
  }

  add(msg: StoredMessage, reason: string, description: string, at: Date): void {
    const d: DeadLetterEntry = {
      json: msg.json,
      messageId: msg.messageId,
      applicationProperties: msg.applicationProperties,
      deliveryCount: msg.deliveryCount,
      reason,
      description,
      enqueuedTimeUtc: new Date(msg.enqueuedAt),
      deadLetteredAt: at,
    };
    if (msg.sessionId !== undefined) d.sessionId = msg.sessionId;
    this.entries.push(d);
  }

  /** Drops one dead letter for good; false when there is none with that messageId. */
  remove(messageId: string): boolean {
    const i = this.entries.findIndex((d) => d.messageId === messageId);
    if (i < 0) return false;
    this.entries.splice(i, 1);
    return true;
  }

  /** A dead letter kept elsewhere (a previous run's data directory). */
  restore(d: DeadLetter): void {
    const entry: DeadLetterEntry = { ...d, json: JSON.stringify(d.body) };
    delete (entry as { body?: unknown }).body;
    this.entries.push(entry);
  }

  /** Takes out, in order, the dead letters `filter` accepts; the others stay. */
  take(filter: (d: DeadLetter) => boolean): DeadLetterEntry[] {
    const kept: DeadLetterEntry[] = [];
    const taken: DeadLetterEntry[] = [];
    for (const d of this.entries) (filter({ ...d, body: JSON.parse(d.json) as unknown }) ? taken : kept).push(d);
    this.entries.splice(0, this.entries.length, ...kept);
    return taken;
  }
}
