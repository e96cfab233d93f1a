// An in-memory queue with the Service Bus semantics the Functions trigger relies on: peek-lock, delivery
// count, dead-letter after maxDeliveryCount, scheduled messages, sessions (one in-flight message per session,
// FIFO within it) and duplicate detection by messageId. No I/O and no timers: time is read from the clock
// whenever an operation runs, so expiries are checked lazily and tests can move time at will.
import { randomUUID } from 'node:crypto';
import type { Clock, OutgoingMessage } from '../../ports';
import { DeadLetterQueue, type DeadLetter } from './dead-letters';
import { MessageLockLostError } from './errors';
import { encode, receivedOf, type Received, type StoredMessage } from './message';

export type { DeadLetter } from './dead-letters';
export type { Received } from './message';

export interface LocalQueueOptions {
  name: string;
  clock: Clock;
  requiresSession: boolean;
  /** Deliveries before a message is dead-lettered with MaxDeliveryCountExceeded (Service Bus default 10). */
  maxDeliveryCount?: number;
  /** Service Bus default 1 minute. */
  lockDurationMs?: number;
  /** Service Bus default 10 minutes. */
  duplicateDetectionWindowMs?: number;
}

export interface QueueStats {
  /** Visible and not locked. */
  active: number;
  /** Waiting for their scheduled enqueue time. */
  scheduled: number;
  locked: number;
  deadLettered: number;
}

export class LocalQueue {
  readonly name: string;
  readonly requiresSession: boolean;
  readonly maxDeliveryCount: number;
  readonly lockDurationMs: number;
  readonly duplicateDetectionWindowMs: number;
  private readonly clock: Clock;
  private nextSequence = 1;
  /** Visible messages, locked or not, in sequence order (Map keeps insertion order). */
  private readonly visible = new Map<number, StoredMessage>();
  /** Not yet due, sorted by due time then send order. */
  private scheduled: (StoredMessage & { dueAt: number })[] = [];
  private readonly dead = new DeadLetterQueue();
  /** messageId -> when it was first accepted, for duplicate detection. */
  private readonly seen = new Map<string, number>();
  private readonly listeners = new Set<() => void>();

  constructor(opts: LocalQueueOptions) {
    this.name = opts.name;
    this.clock = opts.clock;
    this.requiresSession = opts.requiresSession;
    this.maxDeliveryCount = opts.maxDeliveryCount ?? 10;
    this.lockDurationMs = opts.lockDurationMs ?? 60_000;
    this.duplicateDetectionWindowMs = opts.duplicateDetectionWindowMs ?? 600_000;
  }

  /** All or nothing, like a Service Bus batch: every message is validated before any is accepted. */
  send(messages: OutgoingMessage[]): void {
    const encoded = messages.map((m) => ({ m, json: encode(this.name, m, this.requiresSession).json }));
    const now = this.now();
    this.forgetOldMessageIds(now);
    let accepted = false;
    for (const { m, json } of encoded) {
      // A duplicate is accepted and silently dropped, as Service Bus does.
      if (this.seen.has(m.messageId)) continue;
      this.seen.set(m.messageId, now);
      const msg: StoredMessage = {
        json,
        messageId: m.messageId,
        applicationProperties: { ...(m.applicationProperties ?? {}) },
        sequenceNumber: this.nextSequence++,
        enqueuedAt: now,
        deliveryCount: 0,
      };
      if (m.sessionId !== undefined) msg.sessionId = m.sessionId;
      const dueAt = m.scheduledEnqueueTimeUtc?.getTime();
      if (dueAt !== undefined && dueAt > now) this.schedule({ ...msg, dueAt });
      else this.visible.set(msg.sequenceNumber, msg);
      accepted = true;
    }
    if (accepted) this.notify();
  }

  /** The next deliverable message, locked for lockDurationMs, or undefined when none is. */
  receive(): Received | undefined {
    const now = this.refresh();
    const busySessions = new Set<string>();
    for (const m of this.visible.values()) if (m.lock && m.sessionId !== undefined) busySessions.add(m.sessionId);
    for (const msg of this.visible.values()) {
      // In sequence order, the first unlocked message of a free session is its head: FIFO per session.
      if (msg.lock || (msg.sessionId !== undefined && busySessions.has(msg.sessionId))) continue;
      msg.deliveryCount++;
      msg.lock = { token: randomUUID(), until: now + this.lockDurationMs };
      return receivedOf(msg);
    }
    return undefined;
  }

  complete(lockToken: string): void {
    this.visible.delete(this.locked(lockToken).sequenceNumber);
    this.notify(); // the session, if any, is free again
  }

  /** Releases the lock now; the message is delivered again, or dead-lettered once it used up its deliveries. */
  abandon(lockToken: string, lastError?: string): void {
    const msg = this.locked(lockToken);
    if (lastError !== undefined) msg.lastError = lastError.slice(0, 1000);
    this.release(msg);
    this.notify();
  }

  deadLetter(lockToken: string, reason: string, description = ''): void {
    this.moveToDeadLetter(this.locked(lockToken), reason, description);
    this.notify();
  }

  /** Extends the lock by lockDurationMs from now; returns the new expiry. */
  renewLock(lockToken: string): Date {
    const msg = this.locked(lockToken);
    msg.lock!.until = this.now() + this.lockDurationMs;
    return new Date(msg.lock!.until);
  }

  deadLetters(): DeadLetter[] {
    this.refresh();
    return this.dead.list();
  }

  /** Drops one dead letter for good; false when there is none with that messageId. */
  removeDeadLetter(messageId: string): boolean {
    return this.dead.remove(messageId);
  }

  /**
   * Requeues dead letters (all, or those `filter` accepts) as new messages with a fresh delivery count.
   * Duplicate detection is bypassed on purpose: a replay is an operator's decision to run them again.
   */
  replayDeadLetters(filter: (d: DeadLetter) => boolean = () => true): number {
    const now = this.refresh();
    let replayed = 0;
    for (const d of this.dead.take(filter)) {
      const msg: StoredMessage = {
        json: d.json,
        messageId: d.messageId,
        applicationProperties: d.applicationProperties,
        sequenceNumber: this.nextSequence++,
        enqueuedAt: now,
        deliveryCount: 0,
      };
      if (d.sessionId !== undefined) msg.sessionId = d.sessionId;
      this.visible.set(msg.sequenceNumber, msg);
      replayed++;
    }
    if (replayed) this.notify();
    return replayed;
  }

  stats(): QueueStats {
    this.refresh();
    let locked = 0;
    for (const m of this.visible.values()) if (m.lock) locked++;
    return {
      active: this.visible.size - locked,
      scheduled: this.scheduled.length,
      locked,
      deadLettered: this.dead.size,
    };
  }

  /** Turns a dead letter kept elsewhere (a previous run's data directory) back into one of this queue's. */
  restoreDeadLetter(d: DeadLetter): void {
    this.dead.restore(d);
  }

  /** When the earliest scheduled message becomes visible, for a host deciding how long to sleep. */
  nextDueAt(): Date | undefined {
    this.refresh();
    return this.scheduled.length ? new Date(this.scheduled[0].dueAt) : undefined;
  }

  /** When the earliest lock expires (a handler that never settled its message), for the same purpose. */
  nextLockExpiryAt(): Date | undefined {
    this.refresh();
    let min: number | undefined;
    for (const m of this.visible.values()) if (m.lock && (min === undefined || m.lock.until < min)) min = m.lock.until;
    return min === undefined ? undefined : new Date(min);
  }

  /** Nothing visible, locked or scheduled: the queue has no work now or later (dead letters aside). */
  isIdle(): boolean {
    this.refresh();
    return this.visible.size === 0 && this.scheduled.length === 0;
  }

  /** Called after anything that may make a message deliverable (send, abandon, settle, replay). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ------------------------------------------------------------------ internals

  private now(): number {
    return this.clock.now().getTime();
  }

  /** Applies what time has done since the last call: due scheduled messages appear, expired locks lapse. */
  private refresh(): number {
    const now = this.now();
    while (this.scheduled.length && this.scheduled[0].dueAt <= now) {
      const { dueAt, ...msg } = this.scheduled.shift()!;
      // Service Bus gives a scheduled message a new sequence number when it becomes visible.
      msg.sequenceNumber = this.nextSequence++;
      msg.enqueuedAt = dueAt;
      this.visible.set(msg.sequenceNumber, msg);
    }
    for (const msg of [...this.visible.values()]) if (msg.lock && msg.lock.until <= now) this.release(msg);
    return now;
  }

  private schedule(msg: StoredMessage & { dueAt: number }): void {
    let i = this.scheduled.length;
    while (i > 0 && this.scheduled[i - 1].dueAt > msg.dueAt) i--;
    this.scheduled.splice(i, 0, msg);
  }

  private release(msg: StoredMessage): void {
    delete msg.lock;
    if (msg.deliveryCount >= this.maxDeliveryCount) {
      const last = msg.lastError
        ? ` Last error: ${msg.lastError}`
        : ' The last delivery was not settled (lock expired: a crash or a timeout).';
      this.moveToDeadLetter(
        msg,
        'MaxDeliveryCountExceeded',
        `Message could not be consumed after ${this.maxDeliveryCount} delivery attempts.${last}`,
      );
    }
  }

  private moveToDeadLetter(msg: StoredMessage, reason: string, description: string): void {
    this.visible.delete(msg.sequenceNumber);
    this.dead.add(msg, reason, description, new Date(this.now()));
  }

  private locked(lockToken: string): StoredMessage {
    this.refresh();
    for (const msg of this.visible.values()) if (msg.lock?.token === lockToken) return msg;
    throw new MessageLockLostError(this.name);
  }

  private forgetOldMessageIds(now: number): void {
    for (const [id, at] of this.seen) {
      if (now - at < this.duplicateDetectionWindowMs) break; // insertion order = time order
      this.seen.delete(id);
    }
  }

  private notify(): void {
    for (const l of this.listeners) l();
  }
}
