// The change-notification settings (Graph subscriptions, the notify endpoint, the safety-net sweep), declared
// as every other setting is (declarations.ts spreads them in, in this order).
import { bool, int, url } from './values';
import type { SettingSpec } from './declarations';

export const NOTIFY_DECLARED = {
  notifyUrl: {
    name: 'NOTIFY_URL',
    ...url(),
    example: 'https://<function app>.azurewebsites.net/api/notify',
    scope: 'all',
    stage: true,
    doc: 'Where Graph sends change notifications (and lifecycle notifications): the `notify` function (Bicep sets it); `exsync run` sets its own local endpoint. Unset: no subscriptions, every mailbox is polled.',
  },
  notifyEnabled: {
    name: 'NOTIFY_ENABLED',
    ...bool(),
    default: 'true',
    scope: 'all',
    stage: true,
    doc: 'Change notifications on or off. Off: subscriptions are removed at the next maintenance, the endpoint refuses notifications and every mailbox is polled at `SYNC_INTERVAL_SECONDS`.',
  },
  notifySubscriptionMinutes: {
    name: 'NOTIFY_SUBSCRIPTION_MINUTES',
    ...int(45, 10080),
    default: '4230',
    scope: 'all',
    stage: true,
    doc: "Lifetime asked of Graph for a subscription. Graph's maximum for Outlook messages is 10,080 minutes in its current docs and 4,230 in older ones; the lower is the default.",
  },
  notifyRenewMarginMinutes: {
    name: 'NOTIFY_RENEW_MARGIN_MINUTES',
    ...int(5, 10000),
    default: '1440',
    scope: 'all',
    stage: true,
    doc: 'A subscription is renewed once it has less than this left (less than the lifetime; Graph advises a day).',
  },
  notifySweepMinutes: {
    name: 'NOTIFY_SWEEP_MINUTES',
    ...int(1, 1440),
    default: '60',
    scope: 'all',
    stage: true,
    doc: 'How often a mailbox with live subscriptions is still polled, as a safety net; without one it is polled every `SYNC_INTERVAL_SECONDS`.',
  },
  notifyFoldSeconds: {
    name: 'NOTIFY_FOLD_SECONDS',
    ...int(1, 600),
    default: '1',
    scope: 'all',
    stage: true,
    doc: "Notifications for one mailbox within this window become one sync job, which starts when the window ends (one message id: the others are dropped by Service Bus's duplicate detection). Longer folds more, and adds up to this much latency.",
  },
} as const satisfies Record<string, SettingSpec>;
