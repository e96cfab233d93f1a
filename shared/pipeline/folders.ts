// Which folders the email workload reads for a mailbox: the root Inbox, Sent Items when
// AutoTrackSentFolderItems is on, and folder-tracked Inbox subfolders (user mailboxes only, at most
// maxfolderbasedtrackingmappings of them; the rest are refused with an alert, as SSS refuses a 26th).
import type { DvMailbox, GraphPort, Log, OrgContext, TrackingFolder } from '../ports';
import type { EntityRef } from '../domain/refs';
import { INBOX, SENT_ITEMS } from '../domain/item';
import { failureText, isFolderUnavailable, type TrackedFolderHealth } from './tracked-folders';
import { ALERTS } from '../domain/alerts';
import { logAlert } from './alerts';

export interface SyncedFolder {
  folder: string;
  tracking?: EntityRef;
  /** The mailboxtrackingfolder row behind a folder-tracked folder. */
  mappingId?: string;
}

export function sentItemsTracked(ctx: OrgContext, override: boolean | undefined): boolean {
  return override ?? ctx.org.orgDb.autoTrackSentFolderItems;
}

/** Mappings the mailbox may have: none for queues, none when the org turned folder tracking off, the first N. */
export function acceptedMappings(mb: DvMailbox, ctx: OrgContext, log: Log): TrackingFolder[] {
  const all = ctx.trackingFolders.get(mb.mailboxid) ?? [];
  if (all.length === 0) return [];
  // Said in the log on every sync job that meets them, not recorded: the alerts table would repeat them.
  if (mb.owner.type !== 'systemuser' || !ctx.org.folderTrackingEnabled) {
    logAlert(log, mb.mailboxid, ALERTS.folderTrackingOff(mb.owner.type !== 'systemuser'));
    return [];
  }
  if (all.length > ctx.org.maxTrackingFolders)
    logAlert(
      log,
      mb.mailboxid,
      ALERTS.trackingFoldersRefused(ctx.org.maxTrackingFolders, all.length - ctx.org.maxTrackingFolders),
    );
  return all.slice(0, ctx.org.maxTrackingFolders);
}

/**
 * Resolves a mapping to a Graph folder id: by id, else by name (a path under the Inbox, e.g.
 * "Inbox/Fabrikam"). A name not found, or a parent folder Graph will not list, makes the folder unavailable.
 */
async function resolve(
  m: TrackingFolder,
  mb: DvMailbox,
  graph: GraphPort,
): Promise<{ id: string } | { problem: string }> {
  if (m.folderId) return { id: m.folderId };
  const parts = (m.folderName ?? '')
    .split('/')
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts[0]?.toLowerCase() === 'inbox') parts.shift();
  let parent = INBOX;
  for (const name of parts) {
    let children;
    try {
      children = await graph.childFolders(mb.address, parent);
    } catch (e) {
      if (isFolderUnavailable(e)) return { problem: failureText(e) };
      throw e;
    }
    const child = children.find((f) => f.displayName.toLowerCase() === name.toLowerCase());
    if (!child) return { problem: 'not found in the mailbox' };
    parent = child.id;
  }
  return parts.length ? { id: parent } : { problem: 'no folder named' };
}

export async function syncedFolders(
  mb: DvMailbox,
  ctx: OrgContext,
  sentOverride: boolean | undefined,
  graph: GraphPort,
  log: Log,
  health: TrackedFolderHealth,
): Promise<SyncedFolder[]> {
  const folders: SyncedFolder[] = [{ folder: INBOX }];
  if (sentItemsTracked(ctx, sentOverride)) folders.push({ folder: SENT_ITEMS });
  for (const m of acceptedMappings(mb, ctx, log)) {
    const found = await resolve(m, mb, graph);
    if ('problem' in found) {
      await health.unavailable(m.id, found.problem);
      continue;
    }
    if (!folders.some((f) => f.folder === found.id))
      folders.push({ folder: found.id, tracking: m.regarding, mappingId: m.id });
  }
  return folders;
}
