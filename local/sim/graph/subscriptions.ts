// Change notifications (protocols.md C): POST /subscriptions with the validationToken handshake, renew,
// delete, list; basic change notifications POSTed to notificationUrl when a subscribed resource changes,
// batched per URL, with a 3 s timeout and retries with backoff; lifecycle notifications on demand.
// Delivery runs beside request handling and stops on close().
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../shared/ports';
import type { Json } from '../../tenant/fixture';
import { GraphError, badRequest } from './errors';
import { userIdFor } from './ids';
import type { Preferences } from './prefer';
import { splitSegments, type RouteResult } from './routes';
import type { MailStore, SimMailbox, StoreChange } from './store';

export interface NotificationOptions {
  /** The receiver must answer within this long (Graph: 3 s). */
  timeoutMs: number;
  /** Further attempts after the first fails (Graph retries for hours; a few are enough here). */
  retries: number;
  /** First retry delay; doubles each time. */
  backoffMs: number;
  /** The validation handshake must answer within this long (Graph: 10 s). */
  validationTimeoutMs: number;
  /** Changes within this many ms are batched into one POST per URL. */
  batchDelayMs: number;
  /** Maximum subscription lifetime in minutes per workload [CONFLICT in protocols.md C: 4230 in older docs]. */
  maxLifetimeMinutes: Record<'message' | 'event' | 'contact' | 'task', number>;
  /** Active subscriptions per mailbox (Graph: 1,000). */
  maxPerMailbox: number;
}

export const DEFAULT_NOTIFICATIONS: NotificationOptions = {
  timeoutMs: 3000,
  retries: 3,
  backoffMs: 250,
  validationTimeoutMs: 10_000,
  batchDelayMs: 5,
  maxLifetimeMinutes: { message: 10080, event: 10080, contact: 10080, task: 4230 },
  maxPerMailbox: 1000,
};

export type LifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';

export interface SimSubscription {
  id: string;
  resource: string;
  changeType: string[];
  notificationUrl: string;
  lifecycleNotificationUrl?: string;
  clientState?: string;
  expiration: number;
  mailbox: string;
  workload: StoreChange['workload'];
  /** Folder or list the resource is limited to. */
  containerId?: string;
  immutableId: boolean;
  applicationId: string;
  creatorId: string;
}

export interface NotificationStats {
  /** POSTs answered 2xx. */
  delivered: number;
  /** Attempts that failed (status, timeout, connection). */
  failedAttempts: number;
  /** Notification POSTs given up after all retries. */
  dropped: number;
  validations: number;
}

const TENANT_ID = userIdFor('tenant:contoso.onmicrosoft.com');
const iso7 = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');

export class SubscriptionService {
  readonly subs = new Map<string, SimSubscription>();
  readonly stats: NotificationStats = { delivered: 0, failedAttempts: 0, dropped: 0, validations: 0 };
  private readonly queues = new Map<string, Json[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly stop = new AbortController();
  private closed = false;

  constructor(
    private readonly store: MailStore,
    private readonly clock: Clock,
    private readonly o: NotificationOptions,
  ) {
    store.listeners.push((c) => this.onChange(c));
  }

  // ------------------------------------------------------------------ HTTP surface

  async create(body: unknown, prefs: Preferences, appId: string, baseUrl: string): Promise<RouteResult> {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Empty or invalid payload.');
    const b = body as Json;
    for (const k of ['changeType', 'notificationUrl', 'resource', 'expirationDateTime']) {
      if (typeof b[k] !== 'string' || !b[k]) throw badRequest(`The '${k}' property is required.`);
    }
    if (b.includeResourceData === true)
      throw badRequest(
        'Rich notifications (includeResourceData) are not simulated; use basic notifications plus delta.',
      );
    const changeType = String(b.changeType)
      .split(',')
      .map((s) => s.trim());
    if (changeType.some((c) => !['created', 'updated', 'deleted'].includes(c)))
      throw badRequest(`Invalid changeType '${b.changeType}'.`);
    if (b.clientState !== undefined && (typeof b.clientState !== 'string' || b.clientState.length > 128))
      throw badRequest('clientState must be a string of at most 128 characters.');
    const notificationUrl = absoluteUrl(b.notificationUrl, 'notificationUrl');
    const lifecycleNotificationUrl =
      b.lifecycleNotificationUrl === undefined || b.lifecycleNotificationUrl === null
        ? undefined
        : absoluteUrl(b.lifecycleNotificationUrl, 'lifecycleNotificationUrl');
    const target = this.parseResource(String(b.resource));
    const expiration = this.checkExpiration(b.expirationDateTime, target.workload);
    const active = [...this.subs.values()].filter(
      (s) => s.mailbox === target.mbx.address.toLowerCase() && s.expiration > this.clock.now().getTime(),
    );
    if (active.length >= this.o.maxPerMailbox)
      throw new GraphError(
        403,
        'ExtensionError',
        `Operation: Create; Exception: [Status Code: Forbidden; Reason: The mailbox has reached its maximum of ${this.o.maxPerMailbox} subscriptions.]`,
      );
    // The handshake runs before the subscription exists; either URL failing fails the create [G-cn-valid].
    await this.validate(notificationUrl);
    if (lifecycleNotificationUrl) await this.validate(lifecycleNotificationUrl);
    const sub: SimSubscription = {
      id: randomUUID(),
      resource: String(b.resource),
      changeType,
      notificationUrl,
      lifecycleNotificationUrl,
      clientState: typeof b.clientState === 'string' ? b.clientState : undefined,
      expiration,
      mailbox: target.mbx.address.toLowerCase(),
      workload: target.workload,
      containerId: target.containerId,
      immutableId: prefs.immutableId,
      applicationId: appId,
      creatorId: target.mbx.userId,
    };
    if (this.closed) throw new GraphError(503, 'ServiceUnavailable', 'The simulator is shutting down.');
    this.subs.set(sub.id, sub);
    return { status: 201, json: { '@odata.context': `${baseUrl}/$metadata#subscriptions/$entity`, ...this.json(sub) } };
  }

  list(baseUrl: string): RouteResult {
    return {
      status: 200,
      json: {
        '@odata.context': `${baseUrl}/$metadata#subscriptions`,
        value: [...this.subs.values()].map((s) => this.json(s)),
      },
    };
  }

  get(id: string): SimSubscription {
    const s = this.subs.get(id);
    if (!s)
      throw new GraphError(404, 'ResourceNotFound', `The object was not found. Subscription '${id}' does not exist.`);
    return s;
  }

  patch(id: string, body: unknown): RouteResult {
    const s = this.get(id);
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Empty or invalid payload.');
    const b = body as Json;
    for (const k of Object.keys(b))
      if (!['expirationDateTime', 'notificationUrl'].includes(k))
        throw badRequest(`The property '${k}' cannot be updated on a subscription.`);
    if (b.expirationDateTime !== undefined) s.expiration = this.checkExpiration(b.expirationDateTime, s.workload);
    if (b.notificationUrl !== undefined) s.notificationUrl = absoluteUrl(b.notificationUrl, 'notificationUrl');
    return { status: 200, json: this.json(s) };
  }

  remove(id: string): void {
    this.get(id);
    this.subs.delete(id);
  }

  json(s: SimSubscription): Json {
    return {
      id: s.id,
      resource: s.resource,
      applicationId: s.applicationId,
      changeType: s.changeType.join(','),
      clientState: s.clientState ?? null,
      notificationUrl: s.notificationUrl,
      notificationQueryOptions: null,
      lifecycleNotificationUrl: s.lifecycleNotificationUrl ?? null,
      expirationDateTime: iso7(s.expiration),
      creatorId: s.creatorId,
      includeResourceData: false,
      latestSupportedTlsVersion: 'v1_2',
      encryptionCertificate: null,
      encryptionCertificateId: null,
      notificationUrlAppId: null,
    };
  }

  private checkExpiration(v: unknown, workload: SimSubscription['workload']): number {
    const at = Date.parse(String(v));
    if (isNaN(at)) throw badRequest(`Invalid expirationDateTime '${String(v)}'.`);
    const now = this.clock.now().getTime();
    const max = this.o.maxLifetimeMinutes[workload];
    if (at <= now) throw badRequest('Subscription expiration must be in the future.');
    if (at > now + max * 60_000) throw badRequest(`Subscription expiration can only be ${max} minutes in the future.`);
    return at;
  }

  private parseResource(resource: string): {
    mbx: SimMailbox;
    workload: SimSubscription['workload'];
    containerId?: string;
  } {
    const path = resource
      .split('?')[0]
      .replace(/^\/+/, '')
      .replace(/^v1\.0\//i, '');
    const segs = splitSegments('/' + path);
    const bad = () => badRequest(`Resource '${resource}' is not supported for change notifications by this simulator.`);
    if (segs[0]?.toLowerCase() !== 'users' || !segs[1]) throw bad();
    const mbx = this.store.mailbox(segs[1]);
    const rest = segs.slice(2).map((s, i) => (i % 2 === 0 ? s.toLowerCase() : s));
    const key = rest.filter((_, i) => i % 2 === 0).join('/');
    if (key === 'messages' && rest.length === 1) return { mbx, workload: 'message' };
    if (key === 'mailfolders/messages' && rest.length === 3)
      return { mbx, workload: 'message', containerId: this.store.folder(mbx, rest[1]).id };
    if (key === 'events' && rest.length === 1) return { mbx, workload: 'event' };
    if (key === 'contacts' && rest.length === 1) return { mbx, workload: 'contact' };
    if (key === 'todo/tasks' && rest.length === 4 && rest[1] === 'lists')
      return { mbx, workload: 'task', containerId: mbx.pim.todoList(rest[2]).id };
    throw bad();
  }

  /** POST {url}?validationToken=…; 200, text/plain, the decoded token, within the timeout. */
  private async validate(url: string): Promise<void> {
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

  // ------------------------------------------------------------------ notifications

  private onChange(c: StoreChange): void {
    if (this.closed || this.subs.size === 0) return;
    const now = this.clock.now().getTime();
    for (const s of this.subs.values()) {
      if (s.expiration <= now || s.mailbox !== c.mbx.address.toLowerCase() || s.workload !== c.workload) continue;
      if (s.containerId && s.containerId !== c.containerId) continue;
      if (!s.changeType.includes(c.changeType)) continue;
      const id = s.immutableId ? c.id : c.regularId;
      const type = { message: 'Message', event: 'Event', contact: 'Contact', task: 'todoTask' }[c.workload];
      const resource =
        c.workload === 'task'
          ? `Users/${c.mbx.userId}/todo/lists/${c.containerId}/tasks/${id}`
          : `Users/${c.mbx.userId}/${type}s/${id}`;
      const resourceData: Json = { '@odata.type': `#Microsoft.Graph.${type}`, '@odata.id': resource, id };
      if (c.etag && c.changeType !== 'deleted') resourceData['@odata.etag'] = c.etag;
      this.enqueue(s.notificationUrl, {
        subscriptionId: s.id,
        subscriptionExpirationDateTime: iso7(s.expiration),
        changeType: c.changeType,
        resource,
        resourceData,
        clientState: s.clientState ?? null,
        tenantId: TENANT_ID,
      });
    }
  }

  /** Sends a lifecycle event to the subscriptions' lifecycleNotificationUrl; returns how many were queued. */
  lifecycle(subscriptionId: string | undefined, event: LifecycleEvent): number {
    let n = 0;
    for (const s of [...this.subs.values()]) {
      if (subscriptionId !== undefined && s.id !== subscriptionId) continue;
      if (!s.lifecycleNotificationUrl) continue;
      this.enqueue(s.lifecycleNotificationUrl, {
        subscriptionId: s.id,
        subscriptionExpirationDateTime: iso7(s.expiration),
        tenantId: TENANT_ID,
        clientState: s.clientState ?? null,
        lifecycleEvent: event,
      });
      if (event === 'subscriptionRemoved') this.subs.delete(s.id);
      n++;
    }
    return n;
  }

  private enqueue(url: string, notification: Json): void {
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

  toJSON(): unknown {
    return [...this.subs.values()];
  }

  restore(saved: unknown): void {
    for (const s of (Array.isArray(saved) ? saved : []) as SimSubscription[]) this.subs.set(s.id, s);
  }
}

function absoluteUrl(v: unknown, name: string): string {
  try {
    const u = new URL(String(v));
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error();
    return u.toString();
  } catch {
    throw badRequest(`Invalid '${name}': an absolute https URL is required.`);
  }
}
