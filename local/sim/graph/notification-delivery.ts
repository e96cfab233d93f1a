// Reaching a subscriber's endpoints: the validationToken handshake, and notifications batched per URL, POSTed
// with a timeout and retried with backoff. Delivery runs beside request handling and stops on close().
import { randomUUID } from 'node:crypto';
import type { Json } from '../../tenant/fixture';
import { GraphError } from './errors';
import type { NotificationOptions, NotificationStats } from './notification-options';

export class NotificationDelivery {
  readonly stats: NotificationStats = { delivered: 0, failedAttempts: 0, dropped: 0, validations: 0 };
  closed = false;
  private readonly queues = new Map<string, Json[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly stop = new AbortController();

  constructor(private readonly o: NotificationOptions) {}

  /** POST {url}?validationToken=…; 200, text/plain, the decoded token, within the timeout. */
  async validate(url: string): Promise<void> {
    this.stats.validations++;
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
    const target = `${url}${url.includes('?') ? '&' : '?'}validationToken=${encodeURIComponent(token)}`;
    const fail = (why: string) =>
      new GraphError(
        400,
        'ValidationError',
        `Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request. (${why})`,
      );
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), this.o.validationTimeoutMs);
    const onStop = () => ac.abort();
    this.stop.signal.addEventListener('abort', onStop);
    try {
      const res = await fetch(target, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
        body: '',
        signal: ac.signal,
      });
      const text = await res.text();
      if (res.status !== 200) throw fail(`status ${res.status}`);
      if (!/^text\/plain\b/i.test(res.headers.get('content-type') ?? '')) throw fail('content type is not text/plain');
      if (text !== token) throw fail('the body is not the decoded validationToken');
    } catch (e) {
      if (e instanceof GraphError) throw e;
      throw fail(ac.signal.aborted ? 'no answer in time' : 'endpoint unreachable');
    } finally {
      clearTimeout(timer);
      this.stop.signal.removeEventListener('abort', onStop);
    }
  }

  enqueue(url: string, notification: Json): void {
    if (this.closed) return;
    let q = this.queues.get(url);
    if (!q) {
      this.queues.set(url, (q = []));
      const t = setTimeout(() => {
        this.timers.delete(t);
        const batch = this.queues.get(url) ?? [];
        this.queues.delete(url);
        this.track(this.post(url, { value: batch }));
      }, this.o.batchDelayMs);
      this.timers.add(t);
    }
    q.push(notification);
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async post(url: string, payload: Json): Promise<void> {
    const body = JSON.stringify(payload);
    for (let attempt = 0; attempt <= this.o.retries && !this.closed; attempt++) {
      if (attempt > 0 && !(await this.sleep(this.o.backoffMs * 2 ** (attempt - 1)))) return;
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), this.o.timeoutMs);
      const onStop = () => ac.abort();
      this.stop.signal.addEventListener('abort', onStop);
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json; charset=utf-8' },
          body,
          signal: ac.signal,
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.status >= 200 && res.status < 300) {
          this.stats.delivered++;
          return;
        }
      } catch {
        // timeout, refused, aborted: retried below
      } finally {
        clearTimeout(timer);
        this.stop.signal.removeEventListener('abort', onStop);
      }
      this.stats.failedAttempts++;
    }
    if (!this.closed) this.stats.dropped++;
  }

  /** False when close() interrupted the wait. */
  private sleep(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.stop.signal.removeEventListener('abort', onStop);
        resolve(true);
      }, ms);
      const onStop = () => {
        clearTimeout(t);
        this.timers.delete(t);
        resolve(false);
      };
      this.timers.add(t);
      this.stop.signal.addEventListener('abort', onStop, { once: true });
    });
  }

  /** Resolves when every queued notification has been delivered, retried out or dropped. */
  async flush(): Promise<void> {
    while (this.queues.size > 0 || this.inFlight.size > 0) {
      if (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
      else await new Promise((r) => setTimeout(r, this.o.batchDelayMs + 1));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stop.abort();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.queues.clear();
    await Promise.allSettled([...this.inFlight]);
  }
}
