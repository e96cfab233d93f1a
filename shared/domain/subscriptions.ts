// Which Graph subscriptions should exist (Inbox, and Sent Items when it is synced, per synced mailbox), which
// to create, renew before they expire, or remove; and when a mailbox is polled: at the sync interval without a
// live subscription, at the slow sweep with one (notifications bring the rest).
import { INBOX, SENT_ITEMS } from './item';

/** A subscription as stored beside the mailbox registry: its secret (clientState) and when Graph ends it. */
export interface StoredSubscription {
  id: string;
  mailboxId: string;
  folder: typeof INBOX | typeof SENT_ITEMS;
  clientState: string;
  expiresAt: string;
  /** Graph asked for reauthorization (a lifecycle notification): renew at the next maintenance. */
  renewNow?: boolean;
}
export interface WantedSubscription {
  mailboxId: string;
  address: string;
  folder: StoredSubscription['folder'];
}
export interface SubscriptionPlan {
  create: WantedSubscription[];
  renew: StoredSubscription[];
  remove: StoredSubscription[];
}

/** The folders of a synced mailbox that are subscribed: the root Inbox, and Sent Items when it is synced. */
export function wantedFolders(sentItemsSynced: boolean): StoredSubscription['folder'][] {
  return sentItemsSynced ? [INBOX, SENT_ITEMS] : [INBOX];
}

/** The resource of one folder's messages, by the same identifier the delta reads use. */
export function subscriptionResource(address: string, folder: StoredSubscription['folder']): string {
  return `users/${encodeURIComponent(address)}/mailFolders('${folder}')/messages`;
}

const keyOf = (s: { mailboxId: string; folder: string }) => `${s.mailboxId}|${s.folder}`;
const live = (s: StoredSubscription, nowMs: number) => Date.parse(s.expiresAt) > nowMs;

/**
 * Compares what should exist with what does: expired, unwanted and surplus subscriptions go; a wanted folder
 * without a live one gets one; a live one within `renewMarginMs` of its end (or asked to) is renewed.
 */
export function planSubscriptions(
  wanted: WantedSubscription[],
  existing: StoredSubscription[],
  now: Date,
  renewMarginMs: number,
): SubscriptionPlan {
  const nowMs = now.getTime();
  const plan: SubscriptionPlan = { create: [], renew: [], remove: [] };
  const wantedKeys = new Set(wanted.map(keyOf));
  // One per folder: the one that lasts longest; the others (a create retried after a crash) go.
  const kept = new Map<string, StoredSubscription>();
  const byLongest = [...existing].sort(
    (a, b) => Date.parse(b.expiresAt) - Date.parse(a.expiresAt) || (a.id < b.id ? -1 : 1),
  );
  for (const s of byLongest) {
    if (!live(s, nowMs) || !wantedKeys.has(keyOf(s)) || kept.has(keyOf(s))) plan.remove.push(s);
    else kept.set(keyOf(s), s);
  }
  for (const w of wanted) {
    const s = kept.get(keyOf(w));
    if (!s) plan.create.push(w);
    else if (s.renewNow || Date.parse(s.expiresAt) - nowMs <= renewMarginMs) plan.renew.push(s);
  }
  return plan;
}

/** Mailboxes every wanted folder of which has a live subscription: notifications bring their mail. */
export function subscribedMailboxes(
  existing: StoredSubscription[],
  foldersOf: (mailboxId: string) => readonly string[],
  now: Date,
): Set<string> {
  const liveKeys = new Set(existing.filter((s) => live(s, now.getTime())).map(keyOf));
  const mailboxes = new Set(existing.map((s) => s.mailboxId));
  return new Set(
    [...mailboxes].filter((m) => foldersOf(m).every((folder) => liveKeys.has(keyOf({ mailboxId: m, folder })))),
  );
}

/**
 * When a mailbox is next polled. Without a live subscription (or while failing, on SSS's retry time): when the
 * registry says. With one: the slow sweep after its last sync of any kind, never earlier than the registry says.
 */
export function pollDueAt(
  health: { state: string; nextDueAt?: string; lastSyncCompletedAt?: string },
  subscribed: boolean,
  sweepMs: number,
): number | undefined {
  const registry = health.nextDueAt ? Date.parse(health.nextDueAt) : undefined;
  if (!subscribed || health.state !== 'healthy' || !health.lastSyncCompletedAt) return registry;
  const sweep = Date.parse(health.lastSyncCompletedAt) + sweepMs;
  return Math.max(sweep, registry ?? sweep);
}
