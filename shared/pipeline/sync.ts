// The sync stage (Service Bus trigger, one session per mailbox): for each synced folder, read Graph delta
// pages from the checkpoint within a time budget, evaluate promotion, send write batches, and only then
// advance the checkpoint. What the budget leaves is carried by a continuation job.
import type { Checkpoint, DvMailbox, OrgContext } from '../ports';
import { QUEUES } from '../ports';
import { INBOX } from '../domain/item';
import { syncedFolders, type SyncedFolder } from './folders';
import { failureText, isFolderUnavailable, TrackedFolderHealth } from './tracked-folders';
import { driftedRegarding } from './regarding';
import type { SyncJob } from '../domain/jobs';
import { parseSyncJob } from '../domain/jobs';
import { keyHash } from '../domain/message-id';
import { isKind, isUnsafeLink, poison } from '../domain/errors';
import { recordMailboxFailure, recordMailboxSuccess } from './health';
import type { InboundMessage, PipelineDeps } from './deps';
import { evaluatePage } from './evaluate-page';
import { catchUpSmartIndex } from './smart-feed';
import { packWriteBatches } from './write-batches';
import { withReschedule } from './reschedule';

export async function handleSyncMessage(msg: InboundMessage, deps: PipelineDeps): Promise<void> {
  const parsed = parseSyncJob(msg.body);
  if (!parsed.ok) throw poison(parsed.error);
  await withReschedule(QUEUES.syncJobs, msg, deps, async () => {
    try {
      await syncMailbox(parsed.value, deps);
    } catch (e) {
      // Exchange refusing or failing for this mailbox is the mailbox's health, not a message to retry at
      // once: SSS tries again 5 minutes later and disables after 10 (health.ts). Dataverse and storage
      // trouble, health's own writes included, goes up to withReschedule: backoff, then the queue.
      if (isKind(e, 'transient', 'permanent') && e.system === 'graph') {
        await recordMailboxFailure(parsed.value.mailboxId, e, deps);
        return;
      }
      throw e;
    }
  });
}

export async function syncMailbox(job: SyncJob, deps: PipelineDeps): Promise<void> {
  const ctx = await deps.dataverse.loadOrgContext();
  const mb = ctx.mailboxes.find((m) => m.mailboxid === job.mailboxId);
  if (!mb) {
    deps.log.warn('sync.mailbox-missing', { mailboxId: job.mailboxId });
    return;
  }
  const started = deps.clock.now();
  const deadline = started.getTime() + deps.settings.syncTimeBudgetSeconds * 1000;
  deps.log.info('sync.start', { mailboxId: mb.mailboxid, trigger: job.trigger });
  await catchUpSmartIndex(ctx, deps, deadline);
  const trackedHealth = new TrackedFolderHealth(mb, deps);
  const folders = await syncedFolders(mb, ctx, deps.settings.autoTrackSentItems, deps.graph, deps.log, trackedHealth);
  const unavailable = new Set<string>();
  for (const sf of folders) {
    const finished = await syncTrackedOrNot(sf, trackedHealth, () => syncFolder(sf, mb, ctx, deadline, deps));
    if (finished === 'unavailable') {
      unavailable.add(sf.folder);
      continue;
    }
    if (finished === 'conflict') return;
    if (finished === 'budget') {
      const step = `${sf.folder}:${deps.clock.now().getTime()}`;
      const cont: SyncJob = { ...job, trigger: 'continuation', slot: step };
      await deps.queue.send(QUEUES.syncJobs, [
        { body: cont, messageId: `${job.mailboxId}:email:cont:${keyHash(step)}`, sessionId: job.mailboxId },
      ]);
      deps.log.info('sync.continues', { mailboxId: mb.mailboxid });
      return;
    }
  }
  const drifted = await driftedRegarding(
    mb,
    folders.filter((f) => f.tracking && !unavailable.has(f.folder)),
    deps,
  );
  if (drifted.length) {
    const batches = packWriteBatches(mb.mailboxid, drifted, deps.settings.writeBatchMaxBytes);
    await deps.queue.send(
      QUEUES.activityWrites,
      batches.map((b) => ({ body: b, messageId: b.batchId })),
    );
  }
  const record = await deps.mailboxes.get(mb.mailboxid);
  if (record) await recordMailboxSuccess(record, started, deps, deps.settings.syncIntervalSeconds * 1000);
  deps.log.info('sync.done', { mailboxId: mb.mailboxid, ms: deps.clock.now().getTime() - started.getTime() });
}

/** A folder-tracked folder Graph says is gone or unreadable is skipped (tracked-folders.ts); any other folder's failure is the mailbox's. */
async function syncTrackedOrNot<T>(
  sf: SyncedFolder,
  health: TrackedFolderHealth,
  run: () => Promise<T>,
): Promise<T | 'unavailable'> {
  if (!sf.tracking || !sf.mappingId) return run();
  try {
    const done = await run();
    await health.available(sf.mappingId);
    return done;
  } catch (e) {
    if (!isFolderUnavailable(e)) throw e;
    await health.unavailable(sf.mappingId, failureText(e));
    return 'unavailable';
  }
}

async function syncFolder(
  sf: SyncedFolder,
  mb: DvMailbox,
  ctx: OrgContext,
  deadline: number,
  deps: PipelineDeps,
): Promise<'done' | 'budget' | 'conflict'> {
  const folder = sf.folder;
  let cp: Checkpoint = (await deps.checkpoints.get(mb.mailboxid, folder)) ?? {
    mailboxId: mb.mailboxid,
    folder,
    rounds: 0,
  };
  let decided: Set<string> | undefined;
  // SSS's watermark (root Inbox): an admin who changes processemailreceivedafter starts it over.
  const base = mb.processEmailReceivedAfter ?? '';
  if (folder === INBOX && (cp.watermarkBase ?? '') !== base) {
    // A changed start date means "evaluate the Inbox again from that date" (PP-pera): a fresh round.
    const restart = cp.watermarkBase !== undefined && cp.rounds > 0;
    if (restart) deps.log.info('sync.start-date-changed', { mailboxId: mb.mailboxid });
    cp = {
      ...cp,
      watermark: undefined,
      watermarkBase: base,
      ...(restart ? { cursor: undefined, cursorKind: undefined, rounds: 0 } : {}),
    };
  }
  for (;;) {
    if (deps.clock.now().getTime() > deadline) return 'budget';
    let page;
    try {
      page = await deps.graph.messagesDelta(mb.address, folder, cp.cursor);
    } catch (e) {
      if (!(isKind(e, 'sync-state-expired') || isUnsafeLink(e)) || cp.cursor === undefined) throw e;
      // The delta state is gone, or the stored link is not one to follow (a corrupted or planted cursor):
      // start the folder over; decisions and deterministic ids keep it duplicate-free.
      if (isUnsafeLink(e)) deps.log.warn('sync.cursor-rejected', { mailboxId: mb.mailboxid, folder, error: e.message });
      else deps.log.warn('sync.resync', { mailboxId: mb.mailboxid, folder });
      cp = { ...cp, cursor: undefined, cursorKind: undefined, reconciling: true };
      continue;
    }
    // The watermark applies once the first full enumeration is done: a first round comes in no particular order.
    const watermark = folder === INBOX && cp.rounds > 0 ? cp.watermark : undefined;
    // A resynced round passes over what this folder already decided: one decision per item, whatever changed since.
    if (cp.reconciling && !decided)
      decided = new Set(
        (await deps.ledger.forMailbox(mb.mailboxid)).filter((d) => d.folder === folder).map((d) => d.graphId),
      );
    const { entries, index, smart, latestReceived } = await evaluatePage(
      page.value,
      {
        folder,
        ...(sf.tracking ? { tracking: sf.tracking } : {}),
        ...(watermark ? { watermark } : {}),
        ...(cp.reconciling && decided ? { decided } : {}),
      },
      mb,
      ctx,
      deps,
    );
    if (index.length) await deps.correlation.put(index);
    if (smart?.length) await deps.correlation.smart.put(smart);
    const batches = packWriteBatches(mb.mailboxid, entries, deps.settings.writeBatchMaxBytes);
    if (batches.length)
      await deps.queue.send(
        QUEUES.activityWrites,
        batches.map((b) => ({ body: b, messageId: b.batchId })),
      );
    try {
      cp = await deps.checkpoints.save({
        ...cp,
        cursor: page.nextLink ?? page.deltaLink,
        cursorKind: page.nextLink ? 'next' : 'delta',
        rounds: page.deltaLink ? cp.rounds + 1 : cp.rounds,
        reconciling: page.deltaLink ? false : cp.reconciling,
        updatedAt: deps.clock.now().toISOString(),
        ...(folder === INBOX && latestReceived && (!cp.watermark || latestReceived > cp.watermark)
          ? { watermark: latestReceived }
          : {}),
      });
    } catch (e) {
      if (isKind(e, 'conflict')) {
        deps.log.warn('sync.checkpoint-conflict', { mailboxId: mb.mailboxid, folder });
        return 'conflict';
      }
      throw e;
    }
    deps.log.info('sync.page', {
      mailboxId: mb.mailboxid,
      folder,
      items: page.value.length,
      decisions: entries.length,
    });
    if (page.deltaLink) return 'done';
  }
}
