// Which folders the email workload reads for a mailbox (sss-behaviour.md 1.3): the root Inbox, Sent Items
// when AutoTrackSentFolderItems is on, and folder-tracked Inbox subfolders (user mailboxes only, at most
// maxfolderbasedtrackingmappings of them; the rest are refused with an alert, as SSS refuses a 26th).
import type { DvMailbox, GraphPort, Log, OrgContext, TrackingFolder } from '../ports';
import type { EntityRef } from '../domain/refs';
import { INBOX, SENT_ITEMS } from '../domain/item';

export interface SyncedFolder {
  folder: string;
  tracking?: EntityRef;
}

export function sentItemsTracked(ctx: OrgContext, override: boolean | undefined): boolean {
  return override ?? (ctx.org.orgDb.AutoTrackSentFolderItems ?? '').toLowerCase() === 'true';
}

/** Mappings the mailbox may have: none for queues, none when the org turned folder tracking off, the first N. */
export function acceptedMappings(mb: DvMailbox, ctx: OrgContext, log: Log): TrackingFolder[] {
  const all = ctx.trackingFolders.get(mb.mailboxid) ?? [];
  if (all.length === 0) return [];
  if (mb.owner.type !== 'systemuser' || !ctx.org.folderTrackingEnabled) {
    log.warn('mailbox.alert', { mailboxId: mb.mailboxid, alert: mb.owner.type !== 'systemuser' ? 'folder-level tracking is not available for queue mailboxes' : 'folder-level tracking is turned off for the organization' });
    return [];
  }
  if (all.length > ctx.org.maxTrackingFolders) {
    log.warn('mailbox.alert', { mailboxId: mb.mailboxid, alert: `more than ${ctx.org.maxTrackingFolders} tracked folders: ${all.length - ctx.org.maxTrackingFolders} mapping(s) rejected` });
  }
  return all.slice(0, ctx.org.maxTrackingFolders);
}

/** Resolves a mapping to a Graph folder id: by id, else by name (a path under the Inbox, e.g. "Inbox/Fabrikam"). */
async function resolve(m: TrackingFolder, mb: DvMailbox, graph: GraphPort): Promise<string | undefined> {
  if (m.folderId) return m.folderId;
  const parts = (m.folderName ?? '').split('/').map((p) => p.trim()).filter(Boolean);
  if (parts[0]?.toLowerCase() === 'inbox') parts.shift();
  let parent = INBOX;
  for (const name of parts) {
    const child = (await graph.childFolders(mb.address, parent)).find((f) => f.displayName.toLowerCase() === name.toLowerCase());
    if (!child) return undefined;
    parent = child.id;
  }
  return parts.length ? parent : undefined;
}

export async function syncedFolders(mb: DvMailbox, ctx: OrgContext, sentOverride: boolean | undefined, graph: GraphPort, log: Log): Promise<SyncedFolder[]> {
  const folders: SyncedFolder[] = [{ folder: INBOX }];
  if (sentItemsTracked(ctx, sentOverride)) folders.push({ folder: SENT_ITEMS });
  for (const m of acceptedMappings(mb, ctx, log)) {
    const id = await resolve(m, mb, graph);
    if (!id) {
      log.warn('mailbox.alert', { mailboxId: mb.mailboxid, alert: 'a tracked folder was not found in the mailbox' });
      continue;
    }
    if (!folders.some((f) => f.folder === id)) folders.push({ folder: id, tracking: m.regarding });
  }
  return folders;
}
