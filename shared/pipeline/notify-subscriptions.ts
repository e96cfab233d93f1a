// The subscriptions timer: one Graph subscription per synced mailbox's Inbox (and Sent Items when it is synced),
// created with a fresh secret, renewed before it expires, removed when its mailbox is no longer synced. A
// mailbox Graph refuses a subscription for is simply polled (the schedule sees no live subscription).
import { randomBytes } from 'node:crypto';
import type { StoredSubscription } from '../ports-notify';
import { planSubscriptions, subscriptionResource, type WantedSubscription } from '../domain/subscriptions';
import { eligibility, ownersOf, syncedUnderCutover } from './schedule';
import { foldersToSubscribe, notificationsOn } from './polling';
import type { PipelineDeps } from './deps';

export interface SubscriptionsResult {
  created: number;
  renewed: number;
  removed: number;
  /** Mailbox ids Graph refused a subscription for this time (they stay polled). */
  failed: string[];
}

/** A clientState: 32 random bytes, base64url (43 characters; Graph allows 128). */
const newSecret = () => randomBytes(32).toString('base64url');

export async function maintainSubscriptions(deps: PipelineDeps): Promise<SubscriptionsResult> {
  const result: SubscriptionsResult = { created: 0, renewed: 0, removed: 0, failed: [] };
  if (!deps.subscriptions) return result;
  const existing = await deps.subscriptions.list();
  const wanted = notificationsOn(deps) ? await wantedSubscriptions(deps) : [];
  const now = deps.clock.now();
  const plan = planSubscriptions(wanted, existing, now, deps.settings.notifyRenewMarginMinutes * 60_000);
  const expiry = new Date(now.getTime() + deps.settings.notifySubscriptionMinutes * 60_000).toISOString();
  const fails = (mailboxId: string, what: string) => (e: unknown) => {
    deps.log.warn('subscriptions.failed', { mailboxId, what, error: String((e as Error).message ?? e).slice(0, 300) });
    result.failed.push(mailboxId);
  };
  for (const s of plan.remove) {
    await deps.graphSubscriptions?.remove(s.id).catch(fails(s.mailboxId, 'remove'));
    await deps.subscriptions.remove(s.id);
    result.removed++;
  }
  for (const s of plan.renew) {
    let renewed: { expirationDateTime: string } | undefined;
    try {
      renewed = await deps.graphSubscriptions!.renew(s.id, expiry);
    } catch (e) {
      fails(s.mailboxId, 'renew')(e);
      continue;
    }
    if (renewed) {
      await deps.subscriptions.put({
        id: s.id,
        mailboxId: s.mailboxId,
        folder: s.folder,
        clientState: s.clientState,
        expiresAt: renewed.expirationDateTime,
      });
      result.renewed++;
    } else {
      // Graph has forgotten it (404): created again at the next maintenance, and polled meanwhile.
      await deps.subscriptions.remove(s.id);
      result.removed++;
    }
  }
  for (const w of plan.create) {
    const made = await create(w, expiry, deps).catch(fails(w.mailboxId, 'create'));
    if (made) result.created++;
  }
  deps.log.info('subscriptions.done', { ...result, failed: result.failed.length });
  return result;
}

/** Every synced mailbox (as the schedule decides: cut-over, eligibility, not disabled by us) with its folders. */
async function wantedSubscriptions(deps: PipelineDeps): Promise<WantedSubscription[]> {
  const ctx = await deps.dataverse.loadOrgContext();
  const registry = new Map((await deps.mailboxes.list()).map((r) => [r.mailboxId, r]));
  const folders = foldersToSubscribe(ctx, deps) as StoredSubscription['folder'][];
  const owners = await ownersOf(deps);
  return ctx.mailboxes
    .flatMap((m) => syncedUnderCutover(m, owners.get(m.mailboxid), deps.settings.shadowMode) ?? [])
    .filter((m) => !eligibility(m, ctx) && registry.get(m.mailboxid)?.health.state !== 'disabled')
    .filter((m) => registry.has(m.mailboxid))
    .flatMap((m) => folders.map((folder) => ({ mailboxId: m.mailboxid, address: m.address, folder })));
}

/** Stored only once Graph has it: a crash in between leaves a Graph subscription that simply expires unused. */
async function create(w: WantedSubscription, expiry: string, deps: PipelineDeps): Promise<boolean> {
  const clientState = newSecret();
  const url = deps.settings.notifyUrl!;
  const made = await deps.graphSubscriptions!.create({
    resource: subscriptionResource(w.address, w.folder),
    // New mail, and changes that matter to tracking (a category, a move in); deletions change nothing in Dataverse.
    changeType: 'created,updated',
    notificationUrl: url,
    lifecycleNotificationUrl: url,
    expirationDateTime: expiry,
    clientState,
  });
  await deps.subscriptions!.put({
    id: made.id,
    mailboxId: w.mailboxId,
    folder: w.folder,
    clientState,
    expiresAt: made.expirationDateTime,
  });
  return true;
}
