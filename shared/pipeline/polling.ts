// Polling as the safety net of change notifications: which mailboxes have a live subscription for every
// folder they sync (polled at the slow sweep), and which do not (polled at the sync interval, as SSS does).
import type { OrgContext } from '../ports';
import { subscribedMailboxes, wantedFolders } from '../domain/subscriptions';
import { sentItemsTracked } from './folders';
import type { PipelineDeps } from './deps';

type Deps = Pick<PipelineDeps, 'settings' | 'subscriptions' | 'graphSubscriptions'>;

/** Notifications are wanted (the switch and a URL) and this host can keep subscriptions. */
export function notificationsOn(deps: Deps): boolean {
  return !!(deps.settings.notifyEnabled && deps.settings.notifyUrl && deps.subscriptions && deps.graphSubscriptions);
}

/** The folders subscribed per mailbox under the organization's settings (Sent Items only when synced). */
export function foldersToSubscribe(ctx: OrgContext, deps: Pick<PipelineDeps, 'settings'>): readonly string[] {
  return wantedFolders(sentItemsTracked(ctx, deps.settings.autoTrackSentItems));
}

/** Whether a mailbox is covered by live subscriptions now; never when notifications are off. */
export async function subscribedNow(
  deps: Deps & Pick<PipelineDeps, 'clock'>,
  ctx: OrgContext,
): Promise<(mailboxId: string) => boolean> {
  if (!notificationsOn(deps)) return () => false;
  const folders = foldersToSubscribe(ctx, deps);
  const covered = subscribedMailboxes(await deps.subscriptions!.list(), () => folders, deps.clock.now());
  return (mailboxId) => covered.has(mailboxId);
}
