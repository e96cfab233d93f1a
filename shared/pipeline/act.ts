// The ACT job (sync-jobs, the mailbox's session), one per workload (contacts or tasks): read what changed on both
// sides since the checkpoints, plan the cycle (domain/act/plan.ts), carry out each step (the write, then its
// decision, then its link), and only then move the checkpoints, Dataverse's first and Exchange's last. A retry
// replays the cycle: links make finished steps echoes, and an Exchange create in flight is adopted, not repeated.
import { QUEUES, type DvMailbox } from '../ports';
import type { ActDataversePort, ActExchangePort, ActLinkStore } from '../ports-act';
import { isExsyncError, poison } from '../domain/errors';
import { parseActJob, actEligible } from '../domain/act/job';
import { contactModule } from '../domain/act/contact';
import { taskModule } from '../domain/act/task';
import type { ActContext, ActModule } from '../domain/act/module';
import type { ActLink } from '../domain/act/types';
import { planCycle, type ActStep } from '../domain/act/plan';
import { filtersFor, rowMatches, type SyncFilter } from '../domain/act/sync-filters';
import { trackedCategory } from '../domain/tracked-category';
import { keyHash } from '../domain/message-id';
import { firstCheckpoint } from '../domain/checkpoint';
import type { Decision } from '../domain/activity';
import { readDataverse, readExchange } from './act-read';
import { withReschedule } from './reschedule';
import type { InboundMessage, PipelineDeps } from './deps';

/** The workloads the job runs, in order; appointments join with their module. */
export const ACT_MODULES: readonly ActModule[] = [contactModule, taskModule];

type ActPorts = { exchange: ActExchangePort; dataverse: ActDataversePort; links: ActLinkStore };
type ActDeps = PipelineDeps & { act: ActPorts };

export async function handleActMessage(msg: InboundMessage, deps: PipelineDeps): Promise<void> {
  const parsed = parseActJob(msg.body);
  if (!parsed.ok) throw poison(parsed.error);
  const { act } = deps;
  if (!act) return deps.log.warn('act.not-wired', { mailboxId: parsed.value.mailboxId });
  const d: ActDeps = { ...deps, act };
  const { mailboxId, workload } = parsed.value;
  const modules = ACT_MODULES.filter((m) => !workload || m.workload === workload);
  await withReschedule(QUEUES.syncJobs, msg, deps, () => actMailbox(mailboxId, modules, d));
}

async function actMailbox(mailboxId: string, modules: readonly ActModule[], deps: ActDeps): Promise<void> {
  const org = await deps.dataverse.loadOrgContext();
  const mb = org.mailboxes.find((m) => m.mailboxid === mailboxId);
  if (!mb || !actEligible(mb, org.org.requireApprovalForUserEmail))
    return deps.log.info('act.not-eligible', { mailboxId });
  const filters = await deps.act.dataverse.syncFilters(mb.owner.id);
  const tracked = trackedCategory(org.org.orgDb.trackCategorizedItems);
  const distinct = org.org.orgDb.distinctPhysicalAndLogicalDeletesForExchangeSync;
  for (const m of modules) await actWorkload(m, mb, filters, { tracked, distinct }, deps);
}

async function actWorkload(
  m: ActModule,
  mb: DvMailbox,
  allFilters: readonly SyncFilter[],
  org: { tracked: string | undefined; distinct: boolean },
  deps: ActDeps,
): Promise<void> {
  const ctx: ActContext = { mailboxId: mb.mailboxid, ownerId: mb.owner.id.toLowerCase(), now: deps.clock.now() };
  const filters = filtersFor(allFilters, m.logicalName);
  // Edited filters change which rows belong: the Dataverse side starts a full round under the new ones.
  const filterKey = keyHash(JSON.stringify(filters.map((f) => [f.id, f.fetchxml])));
  const exKey = `act-${m.workload}-exchange`;
  const dvKey = `act-${m.workload}-dataverse`;
  const exCp = (await deps.checkpoints.get(mb.mailboxid, exKey)) ?? firstCheckpoint(mb.mailboxid, exKey);
  const dvCp = (await deps.checkpoints.get(mb.mailboxid, dvKey)) ?? firstCheckpoint(mb.mailboxid, dvKey);
  const links = await deps.act.links.list(mb.mailboxid, m.workload);
  const ex = await readExchange(deps.act.exchange, mb.address, m, exCp, ctx, links);
  const dvToken = dvCp.watermarkBase === filterKey ? dvCp.cursor : undefined;
  const dv = await readDataverse(deps.act.dataverse, m, dvToken, links);
  const filterCtx = { userId: ctx.ownerId, teamIds: [], now: ctx.now };
  const steps = planCycle({
    module: m,
    ctx,
    links,
    exchange: ex.changes,
    dataverse: dv.changes,
    filter: (row) => rowMatches(filters, row, filterCtx),
    trackedCategory: org.tracked,
    distinctLogicalDeletes: org.distinct,
  });
  const counts = { steps: steps.length, failed: 0 };
  const written = new Map<string, string | undefined>();
  for (let i = 0; i < steps.length; i += STEP_GROUP)
    counts.failed += await carryOutGroup(steps.slice(i, i + STEP_GROUP), m, mb, deps, written);
  // Every write is done: the Dataverse cursor moves now, so a failed Exchange read below rereads Exchange only.
  const at = deps.clock.now().toISOString();
  await deps.checkpoints.save({
    ...dvCp,
    cursor: dv.cursor,
    cursorKind: 'delta',
    rounds: dvCp.rounds + 1,
    updatedAt: at,
    watermarkBase: filterKey,
  });
  const exCursor = written.size ? await pastOwnWrites(deps, mb, m, ex.cursor, ctx, written) : ex.cursor;
  await deps.checkpoints.save({
    ...exCp,
    cursor: exCursor,
    cursorKind: 'delta',
    rounds: exCp.rounds + 1,
    updatedAt: at,
  });
  deps.log.info('act.done', {
    mailboxId: mb.mailboxid,
    workload: m.workload,
    ...counts,
    exchange: ex.changes.length,
    dataverse: dv.changes.length,
  });
}

/**
 * Graph leaves out an item created and deleted between two rounds, so an item we created and the user deleted
 * before the next cycle would never be reported. One more round right after our writes moves past them when it
 * holds only our own writes; anything else in it is left for the next cycle (the old cursor is kept).
 */
async function pastOwnWrites(
  deps: ActDeps,
  mb: DvMailbox,
  m: ActModule,
  cursor: string,
  ctx: ActContext,
  written: Map<string, string | undefined>,
): Promise<string> {
  const after = await readExchange(
    deps.act.exchange,
    mb.address,
    m,
    { mailboxId: mb.mailboxid, folder: '', rounds: 1, cursor },
    ctx,
    [],
  );
  const ours = after.changes.every((c) => !c.removed && written.has(c.id) && written.get(c.id) === c.changeKey);
  return ours && !after.full ? after.cursor : cursor;
}

/** Steps carried out together: their writes, then their decisions in one ledger write, then their links. */
const STEP_GROUP = 10;
type Done = { step: ActStep; link?: ActLink; failed?: Pick<Decision, 'outcome' | 'reason' | 'detail'> };

async function carryOutGroup(
  group: ActStep[],
  m: ActModule,
  mb: DvMailbox,
  deps: ActDeps,
  written: Map<string, string | undefined>,
): Promise<number> {
  const done: Done[] = [];
  for (const step of group) done.push(await carryOut(step, m, mb, deps, written));
  // The decisions before the links: a crash in between replays the steps (idempotent), so none is lost.
  const decisions = done.filter((d) => d.failed || !d.step.silent).map((d) => decision(deps, mb, m, d.step, d.failed));
  if (decisions.length) await deps.ledger.record(decisions);
  for (const { step, link, failed } of done) {
    if (failed) continue;
    if (step.link?.op === 'put' && link) await deps.act.links.put(link);
    if (step.link?.op === 'delete') await deps.act.links.remove(step.link.link);
  }
  return done.filter((d) => d.failed).length;
}

/** One step's writes, and the link they lead to. An item the service refuses for good is decided failed. */
async function carryOut(
  step: ActStep,
  m: ActModule,
  mb: DvMailbox,
  deps: ActDeps,
  written: Map<string, string | undefined>,
): Promise<Done> {
  const { exchange, dataverse, links } = deps.act;
  let link = step.link?.link;
  try {
    if (step.intent) await links.put(step.intent);
    if (step.exchange?.op === 'create') {
      const r = await exchange.create(mb.address, m.workload, step.exchange.body);
      link = link && { ...link, exchangeId: r.id, changeKey: r.changeKey };
      written.set(r.id, r.changeKey);
    } else if (step.exchange?.op === 'update') {
      const r = await exchange.update(mb.address, m.workload, step.exchange.id, step.exchange.body);
      link = link && { ...link, changeKey: r.changeKey ?? link.changeKey };
      written.set(step.exchange.id, r.changeKey);
    } else if (step.exchange?.op === 'delete') await exchange.remove(mb.address, m.workload, step.exchange.id);
    if (step.dataverse?.op === 'delete') await dataverse.remove(m.entitySet, step.dataverse.id);
    else if (step.dataverse?.op === 'create')
      await dataverse.create(m.entitySet, m.key, step.dataverse.id, step.dataverse.write);
    else if (step.dataverse?.op === 'update')
      await dataverse.update(m.entitySet, step.dataverse.id, step.dataverse.write);
  } catch (e) {
    if (!isExsyncError(e) || e.kind !== 'permanent') throw e;
    deps.log.warn('act.item-failed', { mailboxId: mb.mailboxid, workload: m.workload, code: e.code, status: e.status });
    const detail = [e.kind, e.status, e.code].filter(Boolean).join(' ');
    return { step, failed: { outcome: 'failed', reason: 'WriteFailed', detail } };
  }
  return { step, ...(link ? { link } : {}) };
}

function decision(
  deps: ActDeps,
  mb: DvMailbox,
  m: ActModule,
  step: ActStep,
  over?: Pick<Decision, 'outcome' | 'reason' | 'detail'>,
): Decision {
  return {
    mailboxId: mb.mailboxid,
    mailbox: mb.address,
    workload: m.workload,
    folder: m.entitySet,
    internetMessageId: '',
    messageKey: '',
    graphId: step.itemId,
    outcome: over?.outcome ?? step.outcome,
    reason: over?.reason ?? step.reason,
    correlationMethod: 'None',
    ...(step.link?.link.dataverseId || step.dataverse
      ? { activityid: step.link?.link.dataverseId ?? step.itemId }
      : {}),
    ...((over?.detail ?? step.detail) ? { detail: over?.detail ?? step.detail } : {}),
    decidedAt: deps.clock.now().toISOString(),
  };
}
