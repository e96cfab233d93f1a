// Graph change notifications as they enter the notify endpoint (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks
// and .../change-notifications-lifecycle-events): the body parsed and bounded before anything is looked up,
// clientState compared in constant time, and the resource checked against the subscription's mailbox.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Parsed } from './jobs';

export const LIFECYCLE_EVENTS = ['reauthorizationRequired', 'subscriptionRemoved', 'missed'] as const;
export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];
const CHANGE_TYPES = ['created', 'updated', 'deleted'] as const;

/** Largest body taken (Graph batches notifications; a batch of basic notifications is a few KB each at most). */
export const MAX_NOTIFY_BODY_CHARS = 1_000_000;
/** Most notifications one POST may carry before it is refused whole. */
export const MAX_NOTIFICATIONS_PER_POST = 1000;
/** Graph's validation tokens are a sentence and a request id; anything far longer is not Graph's. */
export const MAX_VALIDATION_TOKEN_CHARS = 1024;
const MAX_ID_CHARS = 128;
const MAX_RESOURCE_CHARS = 1024;

export interface ChangeNotification {
  kind: 'change';
  subscriptionId: string;
  clientState?: string;
  changeType: (typeof CHANGE_TYPES)[number];
  /** The user segment of `Users/{user}/Messages/{id}`: Graph's object id or the address subscribed with. */
  resourceUser: string;
}
export interface LifecycleNotification {
  kind: 'lifecycle';
  subscriptionId: string;
  clientState?: string;
  event: LifecycleEvent;
}
export type Notification = ChangeNotification | LifecycleNotification;

/** Notifications that parsed, and how many items of the POST did not (counted, never acted on). */
export interface NotificationBatch {
  notifications: Notification[];
  malformed: number;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const shortText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;
const RESOURCE = /^\/?users\/([^/?#]+)\/messages\/([^/?#]+)$/i;

/** One item of the collection, or undefined when it is not a notification this endpoint takes. */
function parseItem(v: unknown): Notification | undefined {
  if (!isObj(v) || !shortText(v.subscriptionId, MAX_ID_CHARS)) return undefined;
  if (v.clientState !== undefined && v.clientState !== null && !shortText(v.clientState, MAX_ID_CHARS))
    return undefined;
  const base = {
    subscriptionId: v.subscriptionId,
    ...(typeof v.clientState === 'string' ? { clientState: v.clientState } : {}),
  };
  if (v.lifecycleEvent !== undefined)
    return (LIFECYCLE_EVENTS as readonly unknown[]).includes(v.lifecycleEvent)
      ? { kind: 'lifecycle', ...base, event: v.lifecycleEvent as LifecycleEvent }
      : undefined;
  if (!(CHANGE_TYPES as readonly unknown[]).includes(v.changeType)) return undefined;
  if (!shortText(v.resource, MAX_RESOURCE_CHARS)) return undefined;
  const m = RESOURCE.exec(v.resource);
  if (!m) return undefined;
  return { kind: 'change', ...base, changeType: v.changeType as ChangeNotification['changeType'], resourceUser: m[1] };
}

/** A `changeNotificationCollection` body: `{"value": [...]}` within the size limits, or why it is refused. */
export function parseNotificationBody(text: string): Parsed<NotificationBatch> {
  if (text.length > MAX_NOTIFY_BODY_CHARS) return { ok: false, error: 'notification body too large' };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, error: 'notification body is not JSON' };
  }
  if (!isObj(body) || !Array.isArray(body.value)) return { ok: false, error: 'notification body has no value array' };
  if (body.value.length > MAX_NOTIFICATIONS_PER_POST) return { ok: false, error: 'too many notifications in one body' };
  const notifications: Notification[] = [];
  for (const item of body.value as unknown[]) {
    const n = parseItem(item);
    if (n) notifications.push(n);
  }
  return { ok: true, value: { notifications, malformed: body.value.length - notifications.length } };
}

/** The validationToken Graph sends on create, as the query parameter arrived (decoded), when it may be echoed. */
export function validationTokenToEcho(token: string | undefined): string | undefined {
  return token !== undefined && token.length > 0 && token.length <= MAX_VALIDATION_TOKEN_CHARS ? token : undefined;
}

/** Constant time whatever the lengths: both sides are hashed first, so neither length nor content leaks. */
export function sameClientState(given: string | undefined, stored: string): boolean {
  if (given === undefined) return false;
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(stored));
}

const GRAPH_OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Whether a change names the subscription's mailbox: the address it was subscribed with, or Graph's object id
 * for the user (Graph writes `Users/{object id}/Messages/{id}` whatever the subscription said).
 */
export function resourceOfMailbox(resourceUser: string, address: string): boolean {
  let user: string;
  try {
    user = decodeURIComponent(resourceUser);
  } catch {
    return false;
  }
  return GRAPH_OBJECT_ID.test(user) || user.toLowerCase() === address.toLowerCase();
}
