// The ports of change notifications, beside shared/ports.ts: Graph's subscriptions, and where ours are kept
// (with their secrets) in Table Storage.
import type { StoredSubscription } from './domain/subscriptions';

export type { StoredSubscription } from './domain/subscriptions';

export interface SubscriptionStore {
  list(): Promise<StoredSubscription[]>;
  get(id: string): Promise<StoredSubscription | undefined>;
  put(subscription: StoredSubscription): Promise<void>;
  /** Nothing happens when it is gone already. */
  remove(id: string): Promise<void>;
}

export interface NewSubscription {
  resource: string;
  changeType: string;
  notificationUrl: string;
  lifecycleNotificationUrl: string;
  expirationDateTime: string;
  clientState: string;
}

export interface GraphSubscriptionsPort {
  /** POST /subscriptions (Graph validates the URLs first); the id and the expiry Graph granted. */
  create(s: NewSubscription): Promise<{ id: string; expirationDateTime: string }>;
  /** PATCH with a new expiry; undefined when Graph no longer has it (404). */
  renew(id: string, expirationDateTime: string): Promise<{ expirationDateTime: string } | undefined>;
  /** DELETE; a subscription already gone is not an error. */
  remove(id: string): Promise<void>;
}
