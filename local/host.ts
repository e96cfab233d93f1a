// The embedded host: runs the same stage handlers the Functions host runs, over the embedded queues, with
// the Service Bus trigger's semantics (complete on success, abandon on a throw, dead-letter after the
// delivery count, locks renewed while a handler runs, one in-flight message per session).
import type { QueueName } from '../shared/ports';
import { QUEUES } from '../shared/ports';
import type { LocalQueue, Received } from '../shared/adapters/localqueue';
import type { InboundMessage } from '../shared/pipeline/deps';
import { isKind } from '../shared/domain/errors';
import type { Log } from '../shared/ports';
import type { ScaledClock } from './clock';
import { CrashError } from './crash';

export type StageHandler = (msg: InboundMessage) => Promise<void>;

export interface HostOptions {
  queues: Record<QueueName, LocalQueue>;
  handlers: Record<QueueName, StageHandler>;
  clock: ScaledClock;
  log: Log;
  /** maxConcurrentSessions for sync-jobs, maxConcurrentCalls for activity-writes (host.json). */
  concurrency?: Partial<Record<QueueName, number>>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class EmbeddedHost {
  private readonly inFlight = new Map<string, { queue: LocalQueue; msg: Received; done: Promise<void> }>();
  private readonly concurrency: Record<QueueName, number>;
  private stopped = false;

  constructor(private readonly o: HostOptions) {
    this.concurrency = { [QUEUES.syncJobs]: 8, [QUEUES.activityWrites]: 4, ...o.concurrency } as Record<
      QueueName,
      number
    >;
  }

  /** Stops taking sync jobs; writes already queued are still carried out, so no decided page is lost. */
  stop(): void {
    this.stopped = true;
  }

  private accepting(name: QueueName): boolean {
    return !this.stopped || name !== QUEUES.syncJobs;
  }

  private start(name: QueueName, queue: LocalQueue, msg: Received): void {
    const inbound: InboundMessage = {
      body: msg.body,
      messageId: msg.messageId,
      deliveryCount: msg.deliveryCount,
      applicationProperties: msg.applicationProperties,
      ...(msg.sessionId ? { sessionId: msg.sessionId } : {}),
    };
    const done = this.o.handlers[name](inbound)
      .then(
        () => queue.complete(msg.lockToken),
        (e: unknown) => {
          const err = e instanceof Error ? e : new Error(String(e));
          if (isKind(err, 'poison')) {
            queue.deadLetter(msg.lockToken, 'PoisonMessage', err.message);
            this.o.log.error('host.dead-lettered', { queue: name, messageId: msg.messageId, reason: err.message });
            return;
          }
          if (err instanceof CrashError) {
            // A crash settles nothing: the lock lapses and Service Bus delivers the message again.
            this.o.log.warn('host.crashed', {
              queue: name,
              messageId: msg.messageId,
              deliveryCount: msg.deliveryCount,
              at: err.message,
            });
            return;
          }
          this.o.log.warn('host.abandoned', {
            queue: name,
            messageId: msg.messageId,
            deliveryCount: msg.deliveryCount,
            error: `${err.name}: ${err.message}`.slice(0, 300),
          });
          queue.abandon(msg.lockToken, `${err.name}: ${err.message}`);
        },
      )
      .catch((e: unknown) => this.o.log.error('host.settle-failed', { queue: name, error: String(e) }))
      .finally(() => this.inFlight.delete(msg.lockToken));
    this.inFlight.set(msg.lockToken, { queue, msg, done });
  }

  private pump(): number {
    let started = 0;
    for (const name of Object.keys(this.o.queues) as QueueName[]) {
      const queue = this.o.queues[name];
      let running = [...this.inFlight.values()].filter((f) => f.queue === queue).length;
      while (this.accepting(name) && running < this.concurrency[name]) {
        const msg = queue.receive();
        if (!msg) break;
        this.start(name, queue, msg);
        running++;
        started++;
      }
    }
    return started;
  }

  /** Keeps locks alive while handlers run, as the trigger's auto-renewal does. */
  private renewLocks(): void {
    for (const f of this.inFlight.values()) {
      try {
        f.queue.renewLock(f.msg.lockToken);
      } catch {
        /* settled meanwhile */
      }
    }
  }

  /**
   * Processes messages until every queue is idle. Waits for scheduled messages (Retry-After) are skipped
   * by moving the clock when skipIdleWaits is on (`--once`), and slept through otherwise.
   */
  async drain(opts: { skipIdleWaits: boolean }): Promise<void> {
    for (;;) {
      this.renewLocks();
      const started = this.pump();
      if (this.inFlight.size > 0) {
        await Promise.race([...[...this.inFlight.values()].map((f) => f.done), sleep(200)]);
        continue;
      }
      if (started > 0) continue;
      const queues = (Object.keys(this.o.queues) as QueueName[])
        .filter((n) => this.accepting(n))
        .map((n) => this.o.queues[n]);
      // The next thing that happens by itself: a scheduled message becoming visible, or a crashed lock lapsing.
      const due = queues
        .flatMap((q) => [q.nextDueAt(), q.nextLockExpiryAt()])
        .filter((d): d is Date => !!d)
        .sort((a, b) => a.getTime() - b.getTime())[0];
      if (!due) break;
      const waitMs = due.getTime() - this.o.clock.now().getTime();
      if (waitMs > 0) {
        if (opts.skipIdleWaits) this.o.clock.advance(waitMs + 1);
        else await sleep(Math.min(1000, this.o.clock.toRealMs(waitMs) + 1));
      }
    }
    await Promise.all([...this.inFlight.values()].map((f) => f.done));
  }
}
