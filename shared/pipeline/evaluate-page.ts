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
import { PermanentError } from '../domain/errors';
import type { PipelineDeps } from './deps';
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

const orgDbTrue = (ctx: OrgContext, name: string) => (ctx.org.orgDb[name] ?? '').toLowerCase() === 'true';

export function correlationSettings(ctx: OrgContext): CorrelationSettings {
  return {
    headerCorrelation: ctx.org.emailCorrelationEnabled,
    ignoreHeaderCorrelation: orgDbTrue(ctx, 'IgnoreConversationIndexAndInReplyToForCorrelation'),
    tokensEnabled: ctx.org.tokensEnabled,
    tokenPrefixes: ctx.org.trackingPrefixes,
    tokenDigits: ctx.org.tokenDigits,
  };
}

export interface PageOutcome {
  entries: WriteEntry[];
  index: IndexedEmail[];
}

export async function evaluatePage(values: GraphJson[], folder: FolderKind, mb: DvMailbox, ctx: OrgContext, deps: PipelineDeps): Promise<PageOutcome> {
  const now = deps.clock.now().toISOString();
  const decided: WriteEntry[] = [];
  const base = { mailboxId: mb.mailboxid, mailbox: mb.address, workload: 'email' as const, folder, correlationMethod: 'None' as const, decidedAt: now };
  const fail = (graphId: string, reason: Decision['reason'], detail: string, outcome: Decision['outcome'] = 'failed', internetMessageId = ''): WriteEntry => ({
    decision: { ...base, graphId, internetMessageId, messageKey: '', outcome, reason, detail },
  });

  // Full payloads, reading the whole item behind a partial update unless it was decided already.
  const raws: GraphJson[] = [];
  for (const v of values) {
    const n = normalizeGraphMessage(v, folder);
    if (n.kind === 'removed') continue;
    if (n.kind === 'partial') {
      if (await deps.ledger.get(mb.mailboxid, 'email', n.graphId)) continue;
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

  const correlation = correlationSettings(ctx);
  const messageIds = items.flatMap((i) => [i.internetMessageId, ...i.inReplyTo, ...i.references]);
  const tokens = correlation.tokensEnabled ? items.flatMap((i) => findTrackingTokens(i.subject, correlation)) : [];
  const addresses = items.flatMap((i) => [i.from!, ...i.to, ...i.cc, ...i.bcc].map((a) => a.address));
  const keys = [...new Set(items.flatMap((i) => [i.messageKey, ...i.inReplyTo, ...i.references]))];
  const [lookup, index] = await Promise.all([
    deps.dataverse.lookup({ messageIds, trackingTokens: tokens, addresses }),
    deps.correlation.get(keys),
  ]);
  const known = new PageKnowledge(lookup, index);
  const filterOf = (ref: EntityRef) =>
    ref.type === 'systemuser' ? (ctx.userFilters.get(ref.id) ?? 1) : ref.type === 'queue' ? (ctx.queues.get(ref.id)?.filter ?? 0) : undefined;
  const newIndex: IndexedEmail[] = [];

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
    });
    decided.push(p.activity ? { decision: p.decision, activity: p.activity } : { decision: p.decision });
    if (p.activity) {
      const entry: IndexedEmail = {
        messageKey: item.messageKey,
        activityid: p.activity.activityid,
        outgoing: p.activity.directioncode,
        mailboxId: mb.mailboxid,
        ...(p.activity.regarding ? { regarding: p.activity.regarding } : {}),
        ...(p.activity.trackingtoken ? { trackingtoken: p.activity.trackingtoken } : {}),
      };
      newIndex.push(entry);
      known.add({ ...entry, receivingMailboxId: mb.mailboxid });
    }
  }
  return { entries: decided, index: newIndex };
}
