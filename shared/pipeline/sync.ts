// The sync stage (Service Bus trigger, one session per mailbox): for each synced folder, read Graph delta
// pages from the checkpoint within a time budget, evaluate promotion, send write batches, and only then
// advance the checkpoint. What the budget leaves is carried by a continuation job.
import type { DeltaPage, DvMailbox, GraphJson, OrgContext } from '../ports';
import { QUEUES } from '../ports';
import {
  afterPage,
  canStartOver,
  firstCheckpoint,
  startOver,
  underStartDate,
  watermarkOfPage,
  type Checkpoint,
} from '../domain/checkpoint';
import { syncedFolders, type SyncedFolder } from './folders';
import { failureText, isFolderUnavailable, TrackedFolderHealth } from './tracked-folders';
import { driftedRegarding } from './regarding';
import type { SyncJob, WriteEntry } from '../domain/jobs';
import { parseSyncJob } from '../domain/jobs';
import { continuationMessageId } from '../domain/queue-message-ids';
import { isKind, isUnsafeLink, poison } from '../domain/errors';
import { recordMailboxFailure, recordMailboxSuccess } from './health';
import type { InboundMessage, PipelineDeps } from './deps';
import { evaluatePage, type FolderContext, type PageOutcome } from './evaluate-page';
import { catchUpSmartIndex } from './smart-feed';
import { packWriteBatches } from './write-batches';
import { withReschedule } from './reschedule';
import { mailboxModeOf, shadowDeps } from './ownership';

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

export async function syncMailbox(job: SyncJob, given: PipelineDeps): Promise<void> {
  const ctx = await given.dataverse.loadOrgContext();
  const mb = ctx.mailboxes.find((m) => m.mailboxid === job.mailboxId);
  if (!mb) {
    given.log.warn('sync.mailbox-missing', { mailboxId: job.mailboxId });
    return;
  }
  const mode = await mailboxModeOf(mb.mailboxid, given);
  if (mode === 'released') {
    given.log.info('sync.released', { mailboxId: mb.mailboxid });
    return;
  }
  // Shadow: the same sync over ports that cannot write to Dataverse or Exchange; decisions go to the ledger only.
  const shadow = mode === 'shadow';
  const deps = shadow ? shadowDeps(given) : given;
  const started = deps.clock.now();
  const deadline = started.getTime() + deps.settings.syncTimeBudgetSeconds * 1000;
  deps.log.info('sync.start', { mailboxId: mb.mailboxid, trigger: job.trigger });
  await catchUpSmartIndex(ctx, deps, deadline);
  const trackedHealth = new TrackedFolderHealth(mb, deps);
  const folders = await syncedFolders(mb, ctx, deps.settings.autoTrackSentItems, deps.graph, deps.log, trackedHealth);
  const unavailable = new Set<string>();
  for (const sf of folders) {
    const finished = await syncTrackedOrNot(sf, trackedHealth, () =>
      syncFolder({ sf, mb, ctx, deps, shadow }, deadline),
    );
    if (finished === 'unavailable') {
      unavailable.add(sf.folder);
      continue;
    }
    if (finished === 'conflict') return;
    if (finished === 'budget') {
      await continueLater(job, sf, deps);
      deps.log.info('sync.continues', { mailboxId: mb.mailboxid });
      return;
    }
  }
  const drifted = await driftedRegarding(
    mb,
    folders.filter((f) => f.tracking && !unavailable.has(f.folder)),
    deps,
  );
  await deliver(mb.mailboxid, drifted, shadow, deps);
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

/** The job that carries on where the time budget stopped this run, in the mailbox's session. */
async function continueLater(
  job: SyncJob,
  sf: SyncedFolder,
  deps: Pick<PipelineDeps, 'clock' | 'queue'>,
): Promise<void> {
  const step = `${sf.folder}:${deps.clock.now().getTime()}`;
  const cont: SyncJob = { ...job, trigger: 'continuation', slot: step };
  await deps.queue.send(QUEUES.syncJobs, [
    { body: cont, messageId: continuationMessageId(job, step), sessionId: job.mailboxId },
  ]);
}

/** A shadow mailbox's decisions go to the ledger only, marked as such; any other's to the write stage. */
async function deliver(mailboxId: string, entries: WriteEntry[], shadow: boolean, deps: PipelineDeps): Promise<void> {
  if (!shadow) return sendWrites(mailboxId, entries, deps);
  if (entries.length) await deps.ledger.record(entries.map((e) => ({ ...e.decision, shadow: true })));
}

/** Decisions go to the write stage in batches under the queue's size limit, each batch id its dedup key. */
async function sendWrites(
  mailboxId: string,
  entries: WriteEntry[],
  deps: Pick<PipelineDeps, 'settings' | 'queue'>,
): Promise<void> {
  const batches = packWriteBatches(mailboxId, entries, deps.settings.writeBatchMaxBytes);
  if (batches.length)
    await deps.queue.send(
      QUEUES.activityWrites,
      batches.map((b) => ({ body: b, messageId: b.batchId })),
    );
}

/** One folder run: the folder, its mailbox and organization, and the stage's ports. */
interface FolderRun {
  sf: SyncedFolder;
  mb: DvMailbox;
  ctx: OrgContext;
  deps: PipelineDeps;
  /** Shadow mode: decide, record the decisions, write nothing (not even the correlation index). */
  shadow: boolean;
}

/**
 * One folder from its checkpoint, page by page: read a delta page, evaluate it, send its writes, and
 * only then advance the checkpoint. Ends at the round's deltaLink, when the time budget runs out, or
 * when another worker advanced the checkpoint first.
 */
async function syncFolder(run: FolderRun, deadline: number): Promise<'done' | 'budget' | 'conflict'> {
  const { mb, deps } = run;
  let cp = await openCheckpoint(run);
  let decided: Set<string> | undefined;
  for (;;) {
    if (deps.clock.now().getTime() > deadline) return 'budget';
    const read = await readDeltaPage(cp, run);
    if (read.kind === 'started-over') {
      cp = read.checkpoint;
      continue;
    }
    const page = read.page;
    // A resynced round passes over what this folder already decided: one decision per item, whatever changed since.
    if (cp.reconciling && !decided) decided = await decidedIn(run);
    const outcome = await evaluateAndSend(page.value, cp, decided, run);
    const saved = await saveCheckpoint(
      afterPage(cp, page, outcome.latestReceived, deps.clock.now().toISOString()),
      run,
    );
    if (!saved) return 'conflict';
    cp = saved;
    deps.log.info('sync.page', {
      mailboxId: mb.mailboxid,
      folder: run.sf.folder,
      items: page.value.length,
      decisions: outcome.entries.length,
    });
    if (page.deltaLink) return 'done';
  }
}

/** The folder's stored checkpoint (or a first one), under the mailbox's current start date. */
async function openCheckpoint({ sf, mb, deps }: FolderRun): Promise<Checkpoint> {
  const stored = (await deps.checkpoints.get(mb.mailboxid, sf.folder)) ?? firstCheckpoint(mb.mailboxid, sf.folder);
  const { checkpoint, startDateChanged } = underStartDate(stored, mb.processEmailReceivedAfter);
  if (startDateChanged) deps.log.info('sync.start-date-changed', { mailboxId: mb.mailboxid });
  return checkpoint;
}

/**
 * The next delta page from the checkpoint's cursor. When the delta state is gone, or the stored link is
 * not one to follow (a corrupted or planted cursor), the folder starts over; decisions and deterministic
 * ids keep it duplicate-free.
 */
async function readDeltaPage(
  cp: Checkpoint,
  { sf, mb, deps }: FolderRun,
): Promise<{ kind: 'page'; page: DeltaPage } | { kind: 'started-over'; checkpoint: Checkpoint }> {
  try {
    return { kind: 'page', page: await deps.graph.messagesDelta(mb.address, sf.folder, cp.cursor) };
  } catch (e) {
    if (!(isKind(e, 'sync-state-expired') || isUnsafeLink(e)) || !canStartOver(cp)) throw e;
    if (isUnsafeLink(e))
      deps.log.warn('sync.cursor-rejected', { mailboxId: mb.mailboxid, folder: sf.folder, error: e.message });
    else deps.log.warn('sync.resync', { mailboxId: mb.mailboxid, folder: sf.folder });
    return { kind: 'started-over', checkpoint: startOver(cp) };
  }
}

/** The Graph ids this folder has a decision for. */
async function decidedIn({ sf, mb, deps }: FolderRun): Promise<Set<string>> {
  const decisions = await deps.ledger.forMailbox(mb.mailboxid);
  return new Set(decisions.filter((d) => d.folder === sf.folder).map((d) => d.graphId));
}

/** Evaluates one page against the checkpoint's watermark, stores what correlation learnt, sends the writes. */
async function evaluateAndSend(
  values: GraphJson[],
  cp: Checkpoint,
  decided: Set<string> | undefined,
  { sf, mb, ctx, deps, shadow }: FolderRun,
): Promise<PageOutcome> {
  const watermark = watermarkOfPage(cp);
  const fc: FolderContext = {
    folder: sf.folder,
    ...(sf.tracking ? { tracking: sf.tracking } : {}),
    ...(watermark ? { watermark } : {}),
    ...(cp.reconciling && decided ? { decided } : {}),
    ...(shadow ? { shadow } : {}),
  };
  const outcome = await evaluatePage(values, fc, mb, ctx, deps);
  // A shadow run indexes nothing: its emails were never written, and an owned mailbox must not find them.
  if (outcome.index.length && !shadow) await deps.correlation.put(outcome.index);
  if (outcome.smart?.length && !shadow) await deps.correlation.smart.put(outcome.smart);
  await deliver(mb.mailboxid, outcome.entries, shadow, deps);
  return outcome;
}

/** Stores the advanced checkpoint; undefined when another worker advanced it first (this run stops). */
async function saveCheckpoint(next: Checkpoint, { sf, mb, deps }: FolderRun): Promise<Checkpoint | undefined> {
  try {
    return await deps.checkpoints.save(next);
  } catch (e) {
    if (!isKind(e, 'conflict')) throw e;
    deps.log.warn('sync.checkpoint-conflict', { mailboxId: mb.mailboxid, folder: sf.folder });
    return undefined;
  }
}
