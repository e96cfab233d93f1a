// One ACT cycle of one workload, decided before anything is written: what each side's changes since the last
// cycle mean for the links, as steps the job carries out in order (Exchange or Dataverse write, then the link,
// then the decision). Echoes of our own writes hash the same as the link's base and make no step.
import { carriesTrackedCategory } from '../tracked-category';
import { conflictDetail, mergeFields } from './conflict';
import type { ActContext, ActModule, DataverseWrite, Json } from './module';
import type { FilterVerdict } from './sync-filters';
import { actRowId, fieldsHash, type ActLink, type DataverseChange, type ExchangeChange, type Fields } from './types';

export type ActReason =
  | 'SyncedToExchange'
  | 'SyncedToDynamics'
  | 'Synced'
  | 'DeletedInExchange'
  | 'DeletedInDynamics'
  | 'Unlinked'
  | 'NotTracked'
  | 'NotInSyncFilter'
  | 'NoSyncFilter'
  | 'UnsupportedSyncFilter';

export interface ActStep {
  /** The Dataverse id where there is one, else the Exchange id: the ledger key. */
  itemId: string;
  exchange?: { op: 'create'; body: Json } | { op: 'update'; id: string; body: Json } | { op: 'delete'; id: string };
  dataverse?: { op: 'create' | 'update'; id: string; write: DataverseWrite } | { op: 'delete'; id: string };
  /** The link after the step: put (with what the writes answer filled in by the job) or delete. */
  link?: { op: 'put'; link: ActLink } | { op: 'delete'; link: ActLink };
  /** Written before the Exchange create: a replay finds it and adopts the item instead of creating another. */
  intent?: ActLink;
  outcome: 'promoted' | 'updated' | 'skipped';
  reason: ActReason;
  /** An echo of our own write: the link learns the new version or change key; the decision stays as it was. */
  silent?: boolean;
  detail?: string;
}

export interface PlanInput {
  module: ActModule;
  ctx: ActContext;
  links: readonly ActLink[];
  exchange: readonly ExchangeChange[];
  dataverse: readonly DataverseChange[];
  /** The user's filters over one row (sync-filters.ts). */
  filter: (row: Json) => FilterVerdict;
  /** The tracking category, or undefined when the organization turned it off. */
  trackedCategory: string | undefined;
  /** OrgDB DistinctPhysicalAndLogicalDeletesForExchangeSync: a row leaving the filters is unlinked, not deleted. */
  distinctLogicalDeletes: boolean;
}

const last = <T extends { id: string }>(xs: readonly T[]) => new Map(xs.map((x) => [x.id, x]));

export function planCycle(p: PlanInput): ActStep[] {
  const steps: ActStep[] = [];
  const byDv = new Map(p.links.map((l) => [l.dataverseId, l]));
  const byEx = new Map(p.links.filter((l) => l.exchangeId).map((l) => [l.exchangeId!, l]));
  const exChanges = last(p.exchange);
  const dvChanges = last(p.dataverse);
  const exFields = new Map<string, Fields>();
  for (const c of exChanges.values()) if (c.fields) exFields.set(c.id, c.fields);

  // An Exchange create that a crash interrupted: the item is there with the fields the intent recorded.
  for (const intent of p.links.filter((l) => l.pending)) {
    const found = [...exChanges.values()].find(
      (c) => !c.removed && c.fields && !byEx.has(c.id) && fieldsHash(c.fields) === intent.hash,
    );
    if (!found) continue;
    const link: ActLink = { ...intent, exchangeId: found.id, changeKey: found.changeKey, pending: undefined };
    byEx.set(found.id, link);
    byDv.set(link.dataverseId, link);
    exChanges.delete(found.id);
    steps.push({
      itemId: link.dataverseId,
      link: { op: 'put', link },
      outcome: 'promoted',
      reason: 'SyncedToExchange',
    });
  }

  // A row an interrupted cycle created from one of these Exchange items: the Exchange side links it again.
  const ours = new Set(
    [...exChanges.values()]
      .filter((c) => !c.removed && !byEx.has(c.id))
      .map((c) => actRowId(p.ctx.mailboxId, p.module.workload, c.id)),
  );
  for (const [id, c] of dvChanges) {
    const link = byDv.get(id);
    if (!link && ours.has(id)) continue;
    const ex = link?.exchangeId ? exChanges.get(link.exchangeId) : undefined;
    if (ex) exChanges.delete(ex.id);
    const step = dataverseSide(p, c, link, ex, exFields);
    if (step) steps.push(step);
  }
  for (const c of exChanges.values()) {
    const step = exchangeSide(p, c, byEx.get(c.id));
    if (step) steps.push(step);
  }
  return steps;
}

function dataverseSide(
  p: PlanInput,
  c: DataverseChange,
  link: ActLink | undefined,
  ex: ExchangeChange | undefined,
  exFields: Map<string, Fields>,
): ActStep | undefined {
  const { module: m, ctx } = p;
  if (c.removed || !c.row) return link ? leaveExchange(p, link, ex, 'DeletedInDynamics') : undefined;
  const verdict = p.filter(c.row);
  if ('unsupported' in verdict) {
    // Not guessed: the row stays as it is on both sides; Exchange's own change still comes back.
    if (link && ex) return exchangeSide(p, ex, link);
    return { itemId: c.id, outcome: 'skipped', reason: 'UnsupportedSyncFilter', detail: verdict.unsupported };
  }
  if (!verdict.match) {
    if (link && !link.pending) return leaveExchange(p, link, ex, 'NotInSyncFilter');
    return link ? undefined : { itemId: c.id, outcome: 'skipped', reason: verdict.why };
  }
  const dv = m.fromDataverse(c.row, ctx);
  const ownerId = typeof c.row._ownerid_value === 'string' ? c.row._ownerid_value.toLowerCase() : undefined;
  if (!link || (link.pending && !link.exchangeId)) {
    const intent: ActLink = {
      mailboxId: ctx.mailboxId,
      workload: m.workload,
      dataverseId: c.id,
      version: c.version,
      hash: fieldsHash(dv),
      base: dv,
      ownerId,
      pending: true,
    };
    const body = m.toExchange(dv, m.fields, ctx);
    const done: ActLink = { ...intent, pending: undefined };
    return {
      itemId: c.id,
      intent,
      exchange: { op: 'create', body },
      link: { op: 'put', link: done },
      outcome: 'promoted',
      reason: 'SyncedToExchange',
    };
  }
  if (ex?.removed) return exchangeSide(p, ex, link);
  const exNow = ex ? exFields.get(ex.id) : undefined;
  return merged(p, link, exNow, dv, { version: c.version, ownerId, changeKey: ex?.changeKey });
}

/** Both sides' current fields merged against the link's base; a write to each side that differs. */
function merged(
  p: PlanInput,
  link: ActLink,
  exNow: Fields | undefined,
  dvNow: Fields | undefined,
  seen: { version?: string; ownerId?: string; changeKey?: string },
): ActStep | undefined {
  const { module: m, ctx } = p;
  const r = mergeFields(m.fields, link.base, exNow, dvNow);
  const next: ActLink = {
    ...link,
    base: r.fields,
    hash: fieldsHash(r.fields),
    ...(seen.version ? { version: seen.version } : {}),
    ...(seen.ownerId ? { ownerId: seen.ownerId } : {}),
    ...(seen.changeKey ? { changeKey: seen.changeKey } : {}),
  };
  if (!r.toExchange.length && !r.toDataverse.length) {
    // An echo, or a change both sides already agree on: the link learns the new version and change key only.
    const moved = next.version !== link.version || next.changeKey !== link.changeKey || next.hash !== link.hash;
    return moved
      ? {
          itemId: link.dataverseId,
          link: { op: 'put', link: next },
          outcome: 'skipped',
          reason: 'Synced',
          silent: true,
        }
      : undefined;
  }
  const step: ActStep = {
    itemId: link.dataverseId,
    link: { op: 'put', link: next },
    outcome: 'updated',
    reason:
      r.toExchange.length && r.toDataverse.length
        ? 'Synced'
        : r.toExchange.length
          ? 'SyncedToExchange'
          : 'SyncedToDynamics',
  };
  if (r.toExchange.length)
    step.exchange = { op: 'update', id: link.exchangeId!, body: m.toExchange(r.fields, r.toExchange, ctx) };
  if (r.toDataverse.length)
    step.dataverse = { op: 'update', id: link.dataverseId, write: m.toDataverse(r.fields, r.toDataverse, ctx, false) };
  const detail = conflictDetail(r.conflicts);
  if (detail) step.detail = detail;
  return step;
}

/** The row went (deleted, or out of the filters): the module's rule says delete the Exchange item or unlink. */
function leaveExchange(
  p: PlanInput,
  link: ActLink,
  ex: ExchangeChange | undefined,
  why: 'DeletedInDynamics' | 'NotInSyncFilter',
): ActStep {
  const { module: m, ctx } = p;
  const id = link.dataverseId;
  if (!link.exchangeId || ex?.removed)
    return {
      itemId: id,
      link: { op: 'delete', link },
      outcome: 'skipped',
      reason: 'Unlinked',
      detail: 'gone on both sides',
    };
  const logical = why === 'NotInSyncFilter';
  const rule = logical && p.distinctLogicalDeletes ? 'unlink' : m.dataverseDelete(link, ex?.fields ?? link.base, ctx);
  const detail = logical ? 'no longer matches the sync filters' : 'deleted in Dynamics 365';
  if (rule === 'unlink')
    return { itemId: id, link: { op: 'delete', link }, outcome: 'skipped', reason: 'Unlinked', detail };
  return {
    itemId: id,
    exchange: { op: 'delete', id: link.exchangeId },
    link: { op: 'delete', link },
    outcome: 'updated',
    reason: 'DeletedInExchange',
    detail,
  };
}

function exchangeSide(p: PlanInput, c: ExchangeChange, link: ActLink | undefined): ActStep | undefined {
  const { module: m, ctx } = p;
  if (link) {
    if (c.removed) {
      const id = link.dataverseId;
      if (m.exchangeDelete(link, ctx) === 'unlink')
        return {
          itemId: id,
          link: { op: 'delete', link },
          outcome: 'skipped',
          reason: 'Unlinked',
          detail: 'deleted in Exchange',
        };
      return {
        itemId: id,
        dataverse: { op: 'delete', id },
        link: { op: 'delete', link },
        outcome: 'updated',
        reason: 'DeletedInDynamics',
      };
    }
    if (c.changeKey && c.changeKey === link.changeKey) return undefined;
    return merged(p, link, c.fields, undefined, { changeKey: c.changeKey });
  }
  if (c.removed || !c.fields) return undefined;
  if (!carriesTrackedCategory(c.categories, p.trackedCategory))
    return { itemId: c.id, outcome: 'skipped', reason: 'NotTracked' };
  const id = actRowId(ctx.mailboxId, m.workload, c.id);
  const newLink: ActLink = {
    mailboxId: ctx.mailboxId,
    workload: m.workload,
    dataverseId: id,
    exchangeId: c.id,
    changeKey: c.changeKey,
    hash: fieldsHash(c.fields),
    base: c.fields,
    ownerId: ctx.ownerId,
  };
  return {
    itemId: id,
    dataverse: { op: 'create', id, write: m.toDataverse(c.fields, m.fields, ctx, true) },
    link: { op: 'put', link: newLink },
    outcome: 'promoted',
    reason: 'SyncedToDynamics',
    detail: 'tracked by category',
  };
}
