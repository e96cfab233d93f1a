// One delta page through promotion: normalize, read what delta left out, one lookup round trip, then
// every item gets a decision (promoted, skipped or failed, with a reason).
import type { DvMailbox, GraphJson, OrgContext } from '../ports';
import type { Decision, IndexedEmail } from '../domain/activity';
import type { WriteEntry } from '../domain/jobs';
import type { FolderKind, MailItem } from '../domain/item';
import type { EntityRef } from '../domain/refs';
import type { CorrelationSettings } from '../domain/correlate';
import { findTrackingTokens } from '../domain/correlate';
import { lacksHeaders, MESSAGE_SELECT, normalizeGraphMessage } from '../domain/graph-message';
import { promote } from '../domain/promote';
import { normalizedSubject } from '../domain/smart-match';
import { PermanentError } from '../domain/errors';
import type { PipelineDeps, StageSettings } from './deps';
import { PageKnowledge } from './known-emails';

const GRAPH_CONCURRENCY = 4; // Outlook allows 4 concurrent requests per app and mailbox

async function mapLimited<T, R>(xs: T[], limit: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(xs.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, xs.length) }, async () => {
    while (next < xs.length) {
      const i = next++;
      out[i] = await fn(xs[i]!);
    }
  }));
  return out;
}

/** An OrgDB setting as a boolean, with SSS's default when the organization does not set it. */
export function orgDbFlag(ctx: OrgContext, name: string, dflt = false): boolean {
  const v = ctx.org.orgDb[name];
  return v === undefined || v === '' ? dflt : v.toLowerCase() === 'true';
}
const orgDbTrue = (ctx: OrgContext, name: string) => orgDbFlag(ctx, name, false);

export function correlationSettings(ctx: OrgContext, st: StageSettings = {} as StageSettings): CorrelationSettings {
  return {
    headerCorrelation: ctx.org.emailCorrelationEnabled,
    ignoreHeaderCorrelation: orgDbTrue(ctx, 'IgnoreConversationIndexAndInReplyToForCorrelation'),
    tokensEnabled: ctx.org.tokensEnabled,
    tokenPrefixes: ctx.org.trackingPrefixes,
    tokenDigits: ctx.org.tokenDigits,
    smartMatching: ctx.org.smartMatching,
    references: st.enhancedReferences === true,
    sameSubjectGuard: st.enhancedSameSubjectGuard === true,
  };
}

/** The folder a page comes from: a well-known folder, or a folder-tracked one with its mapped record. */
export interface FolderContext {
  folder: FolderKind;
  tracking?: EntityRef;
  watermark?: string;
}

export interface PageOutcome {
  entries: WriteEntry[];
  index: IndexedEmail[];
  /** The latest received time among the page's processed items (the SSS watermark moves to it). */
  latestReceived?: string;
}

export async function evaluatePage(values: GraphJson[], fc: FolderContext, mb: DvMailbox, ctx: OrgContext, deps: PipelineDeps): Promise<PageOutcome> {
  const folder = fc.folder;
  const trackedCategory = orgDbFlag(ctx, 'TrackCategorizedItems', true) ? deps.settings.trackedCategoryName ?? 'Tracked to Dynamics 365' : undefined;
  const now = deps.clock.now().toISOString();
  const decided: WriteEntry[] = [];
  const base = { mailboxId: mb.mailboxid, mailbox: mb.address, workload: 'email' as const, folder, correlationMethod: 'None' as const, decidedAt: now };
  const fail = (graphId: string, reason: Decision['reason'], detail: string, outcome: Decision['outcome'] = 'failed', internetMessageId = ''): WriteEntry => ({
    decision: { ...base, graphId, internetMessageId, messageKey: '', outcome, reason, detail },
  });

  // Full payloads, reading the whole item behind a partial update unless it was decided already.
  const raws: GraphJson[] = [];
  /** Items decided before and looked at again (category added): the watermark is for new mail only. */
  const again = new Set<string>();
  for (const v of values) {
    const n = normalizeGraphMessage(v, folder);
    if (n.kind === 'removed') continue;
    if (n.kind === 'partial') {
      const before = await deps.ledger.get(mb.mailboxid, 'email', n.graphId);
      // An update matters only for an item never decided, or one that now carries the tracking category.
      const categorized = !!trackedCategory && Array.isArray(v.categories) && v.categories.some((c) => typeof c === 'string' && c.trim() === trackedCategory);
      if (before && !(categorized && before.outcome === 'skipped')) continue;
      if (before) again.add(n.graphId);
      raws.push({ id: n.graphId, '@exsync.partial': true });
      continue;
    }
    raws.push(v);
  }
  const completed = await mapLimited(raws, GRAPH_CONCURRENCY, async (raw): Promise<GraphJson | WriteEntry> => {
    const partial = raw['@exsync.partial'] === true;
    if (!partial && !lacksHeaders(raw)) return raw;
    try {
      const fetched = await deps.graph.getMessage(mb.address, String(raw.id), partial ? MESSAGE_SELECT : ['internetMessageHeaders']);
      return partial ? fetched : { ...raw, internetMessageHeaders: fetched.internetMessageHeaders ?? [] };
    } catch (e) {
      // Gone between delta and this read: nothing to track.
      if (e instanceof PermanentError && e.status === 404) return fail(String(raw.id), 'Deleted', 'item no longer exists', 'skipped');
      throw e;
    }
  });

  const items: MailItem[] = [];
  for (const c of completed) {
    if ('decision' in c) {
      decided.push(c as WriteEntry);
      continue;
    }
    const n = normalizeGraphMessage(c, folder);
    if (n.kind === 'item') items.push(n.item);
    else if (n.kind === 'invalid') {
      decided.push(n.invalidSender
        ? fail(n.graphId, 'InvalidSender', n.problem, 'skipped', n.internetMessageId)
        : fail(n.graphId, 'InvalidItem', n.problem, 'failed', n.internetMessageId));
    }
  }
  if (items.length === 0) return { entries: decided, index: [] };

  const correlation = correlationSettings(ctx, deps.settings);
  const messageIds = items.flatMap((i) => [i.internetMessageId, ...i.inReplyTo, ...i.references]);
  const tokens = correlation.tokensEnabled ? items.flatMap((i) => findTrackingTokens(i.subject, correlation)) : [];
  const addresses = items.flatMap((i) => [i.from!, ...i.to, ...i.cc, ...i.bcc].map((a) => a.address));
  const keys = [...new Set(items.flatMap((i) => [i.messageKey, ...i.inReplyTo, ...i.references]))];
  const roots = [...new Set(items.flatMap((i) => (i.conversationRoot ? [i.conversationRoot] : [])))];
  const smartSubjects = correlation.smartMatching?.enabled ? [...new Set(items.map((i) => normalizedSubject(i.subject, correlation.smartMatching)).filter(Boolean))] : [];
  const [lookup, index, conversations] = await Promise.all([
    deps.dataverse.lookup({ messageIds, trackingTokens: tokens, addresses, conversationRoots: roots, smartSubjects }),
    deps.correlation.get(keys),
    roots.length ? deps.correlation.getConversations(roots) : Promise.resolve(new Map<string, IndexedEmail[]>()),
  ]);
  const known = new PageKnowledge(lookup, index, conversations);
  const filterOf = (ref: EntityRef) =>
    ref.type === 'systemuser' ? (ctx.userFilters.get(ref.id) ?? 1) : ref.type === 'queue' ? (ctx.queues.get(ref.id)?.filter ?? 0) : undefined;
  const newIndex: IndexedEmail[] = [];
  let latestReceived: string | undefined;

  for (const item of items) {
    const p = promote(item, {
      mailbox: { id: mb.mailboxid, address: mb.address, owner: mb.owner, ...(mb.processEmailReceivedAfter ? { processEmailReceivedAfter: mb.processEmailReceivedAfter } : {}) },
      now,
      correlation,
      ignoreInternalEmail: ctx.org.ignoreInternalEmail,
      onlySyncingMailboxFilter: orgDbTrue(ctx, 'UseFilteringMethodOfSyncingMailboxOnlyForCorrelation'),
      resolution: {
        unresolveSenderIfMultiple: orgDbTrue(ctx, 'UnresolveSenderInCaseOfMultipleMatch'),
        unresolveRecipientIfMultiple: ctx.org.unresolveIfMultipleMatch,
        resolveInactive: orgDbTrue(ctx, 'ResolveForInactiveEntities'),
      },
      filterOf,
      candidates: (address) => (lookup.parties.get(address) ?? []).map((c) => ({ ref: c.ref, active: c.active, ...(c.ownerId ? { ownerId: c.ownerId } : {}), ...(c.createdon ? { createdon: c.createdon } : {}) })),
      known,
      existing: (key, outgoing) => known.existing(key, outgoing),
      ...(fc.watermark && !deps.settings.enhancedProcessMovedMail && !again.has(item.graphId) ? { watermark: fc.watermark } : {}),
      ...(fc.tracking ? { folderTracking: fc.tracking } : {}),
      ...(trackedCategory ? { trackedCategory } : {}),
      autoReplyPolicy: deps.settings.enhancedAutoReplyPolicy === true,
      internal: {
        fromQueues: orgDbTrue(ctx, 'IgnoreInternalEmailFromQueues'),
        keepToQueues: orgDbTrue(ctx, 'DoNotIgnoreInternalEmailToQueues'),
        detectionEnhancement: orgDbTrue(ctx, 'IgnoreInternalEmailDetectionEnhancement'),
      },
      queueItems: {
        acceptingQueues: orgDbFlag(ctx, 'CreateQueueItemsForAcceptingQueueRecipients', true),
        syncingQueue: orgDbFlag(ctx, 'CreateQueueItemForSynchronizingMailbox', true),
      },
      queueOwnerOf: (queueId) => ctx.queues.get(queueId)?.ownerId,
    });
    decided.push({ decision: p.decision, ...(p.activity ? { activity: p.activity } : {}), ...(p.update ? { update: p.update } : {}) });
    if (p.decision.outcome !== 'skipped' && p.decision.reason !== 'BeforeProcessEmailReceivedAfter') {
      if (!latestReceived || item.receivedDateTime > latestReceived) latestReceived = item.receivedDateTime;
    }
    if (p.activity) {
      const entry: IndexedEmail = {
        messageKey: item.messageKey,
        activityid: p.activity.activityid,
        outgoing: p.activity.directioncode,
        mailboxId: mb.mailboxid,
        ...(p.activity.regarding ? { regarding: p.activity.regarding } : {}),
        ...(p.activity.trackingtoken ? { trackingtoken: p.activity.trackingtoken } : {}),
        ...(p.activity.owner ? { ownerId: p.activity.owner.id } : {}),
        subject: p.activity.subject,
        ...(item.conversationRoot ? { conversationRoot: item.conversationRoot } : {}),
      };
      newIndex.push(entry);
      known.add({ ...entry, receivingMailboxId: mb.mailboxid });
    }
  }
  return { entries: decided, index: newIndex, ...(latestReceived ? { latestReceived } : {}) };
}
