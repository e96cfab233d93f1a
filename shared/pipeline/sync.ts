// The sync stage (Service Bus trigger, one session per mailbox): for each synced folder, read Graph delta
// pages from the checkpoint within a time budget, evaluate promotion, send write batches, and only then
// advance the checkpoint. What the budget leaves is carried by a continuation job.
import type { Checkpoint, DvMailbox, OrgContext } from '../ports';
import { CheckpointConflictError, QUEUES } from '../ports';
import type { FolderKind } from '../domain/item';
import type { SyncJob } from '../domain/jobs';
import { parseSyncJob } from '../domain/jobs';
import { keyHash } from '../domain/message-id';
import { SyncStateExpiredError } from '../domain/errors';
import type { InboundMessage, PipelineDeps } from './deps';
import { PoisonMessageError } from './deps';
import { evaluatePage } from './evaluate-page';
import { packWriteBatches } from './write-batches';
import { withReschedule } from './reschedule';

export async function handleSyncMessage(msg: InboundMessage, deps: PipelineDeps): Promise<void> {
  const parsed = parseSyncJob(msg.body);
  if (!parsed.ok) throw new PoisonMessageError(parsed.error);
  await withReschedule(QUEUES.syncJobs, msg, deps, () => syncMailbox(parsed.value, deps));
}

/** Folders the email workload reads: the root Inbox, and Sent Items when AutoTrackSentFolderItems is on. */
export function syncedFolders(ctx: OrgContext, override: boolean | undefined): FolderKind[] {
  const sent = override ?? (ctx.org.orgDb.AutoTrackSentFolderItems ?? '').toLowerCase() === 'true';
  return sent ? ['inbox', 'sentitems'] : ['inbox'];
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
  for (const folder of syncedFolders(ctx, deps.settings.autoTrackSentItems)) {
    const finished = await syncFolder(folder, mb, ctx, deadline, deps);
    if (finished === 'conflict') return;
    if (finished === 'budget') {
      const step = `${folder}:${deps.clock.now().getTime()}`;
      const cont: SyncJob = { ...job, trigger: 'continuation', slot: step };
      await deps.queue.send(QUEUES.syncJobs, [{ body: cont, messageId: `${job.mailboxId}:email:cont:${keyHash(step)}`, sessionId: job.mailboxId }]);
      deps.log.info('sync.continues', { mailboxId: mb.mailboxid, folder });
      return;
    }
  }
  const record = await deps.mailboxes.get(mb.mailboxid);
  if (record) {
    const now = deps.clock.now();
    await deps.mailboxes.upsert({
      ...record,
      health: {
        ...record.health,
        state: 'healthy',
        consecutiveFailures: 0,
        lastSyncStartedAt: started.toISOString(),
        lastSyncCompletedAt: now.toISOString(),
        nextDueAt: new Date(now.getTime() + deps.settings.syncIntervalSeconds * 1000).toISOString(),
      },
    });
  }
  deps.log.info('sync.done', { mailboxId: mb.mailboxid, ms: deps.clock.now().getTime() - started.getTime() });
}

async function syncFolder(folder: FolderKind, mb: DvMailbox, ctx: OrgContext, deadline: number, deps: PipelineDeps): Promise<'done' | 'budget' | 'conflict'> {
  let cp: Checkpoint = (await deps.checkpoints.get(mb.mailboxid, folder)) ?? { mailboxId: mb.mailboxid, folder, rounds: 0 };
  for (;;) {
    if (deps.clock.now().getTime() > deadline) return 'budget';
    let page;
    try {
      page = await deps.graph.messagesDelta(mb.address, folder, cp.cursor);
    } catch (e) {
      if (!(e instanceof SyncStateExpiredError) || cp.cursor === undefined) throw e;
      // The delta state is gone: start the folder over; decisions and deterministic ids keep it duplicate-free.
      deps.log.warn('sync.resync', { mailboxId: mb.mailboxid, folder });
      cp = { ...cp, cursor: undefined, cursorKind: undefined };
      continue;
    }
    const { entries, index } = await evaluatePage(page.value, folder, mb, ctx, deps);
    if (index.length) await deps.correlation.put(index);
    const batches = packWriteBatches(mb.mailboxid, entries, deps.settings.writeBatchMaxBytes);
    if (batches.length) await deps.queue.send(QUEUES.activityWrites, batches.map((b) => ({ body: b, messageId: b.batchId })));
    try {
      cp = await deps.checkpoints.save({
        ...cp,
        cursor: page.nextLink ?? page.deltaLink,
        cursorKind: page.nextLink ? 'next' : 'delta',
        rounds: page.deltaLink ? cp.rounds + 1 : cp.rounds,
        updatedAt: deps.clock.now().toISOString(),
      });
    } catch (e) {
      if (e instanceof CheckpointConflictError) {
        deps.log.warn('sync.checkpoint-conflict', { mailboxId: mb.mailboxid, folder });
        return 'conflict';
      }
      throw e;
    }
    deps.log.info('sync.page', { mailboxId: mb.mailboxid, folder, items: page.value.length, decisions: entries.length });
    if (page.deltaLink) return 'done';
  }
}
