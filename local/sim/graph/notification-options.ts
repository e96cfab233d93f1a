// What the simulated change notifications are allowed (Graph's timeouts, retries, lifetimes and limits) and
// what they count (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks).

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
  /** Maximum subscription lifetime in minutes per workload (older Graph docs give 4230). */
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

export interface NotificationStats {
  /** POSTs answered 2xx. */
  delivered: number;
  /** Attempts that failed (status, timeout, connection). */
  failedAttempts: number;
  /** Notification POSTs given up after all retries. */
  dropped: number;
  validations: number;
}
