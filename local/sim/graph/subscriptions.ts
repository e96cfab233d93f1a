// Change notifications (https://learn.microsoft.com/graph/change-notifications-overview): POST /subscriptions
// with the validationToken handshake, renew, delete, list; basic change notifications for the store's
// changes to subscribed resources (delivered by notification-delivery.ts); lifecycle notifications on demand.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../shared/ports';
import type { Json } from '../../tenant/fixture';
import { GraphError, badRequest } from './errors';
import { userIdFor } from './ids';
import { NotificationDelivery } from './notification-delivery';
import type { LifecycleEvent, NotificationOptions, NotificationStats } from './notification-options';
import type { Preferences } from './prefer';
import { splitSegments, type RouteResult } from './routes';
import type { MailStore, SimMailbox, StoreChange } from './store';

export type { LifecycleEvent, NotificationOptions, NotificationStats } from './notification-options';
export { DEFAULT_NOTIFICATIONS } from './notification-options';

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

const TENANT_ID = userIdFor('tenant:contoso.onmicrosoft.com');
const iso7 = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');

export class SubscriptionService {
  readonly subs = new Map<string, SimSubscription>();
  private readonly delivery: NotificationDelivery;
  readonly stats: NotificationStats;

  constructor(
    private readonly store: MailStore,
    private readonly clock: Clock,
    private readonly o: NotificationOptions,
  ) {
    this.delivery = new NotificationDelivery(o);
    this.stats = this.delivery.stats;
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
    // The handshake runs before the subscription exists; either URL failing fails the create (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks).
    await this.delivery.validate(notificationUrl);
    if (lifecycleNotificationUrl) await this.delivery.validate(lifecycleNotificationUrl);
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
    if (this.delivery.closed) throw new GraphError(503, 'ServiceUnavailable', 'The simulator is shutting down.');
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

  // ------------------------------------------------------------------ notifications

  private onChange(c: StoreChange): void {
    if (this.delivery.closed || this.subs.size === 0) return;
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
      this.delivery.enqueue(s.notificationUrl, {
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
      this.delivery.enqueue(s.lifecycleNotificationUrl, {
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

  /** Resolves when every queued notification has been delivered, retried out or dropped. */
  flush(): Promise<void> {
    return this.delivery.flush();
  }

  close(): Promise<void> {
    return this.delivery.close();
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
