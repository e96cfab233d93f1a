// One delta page through promotion: normalize, read what delta left out, one lookup round trip, then
// every item gets a decision (promoted, skipped or failed, with a reason).
import type { BatchItemResult, DvMailbox, GraphJson, OrgContext } from '../ports';
import type { Decision, IndexedEmail } from '../domain/activity';
import type { WriteEntry } from '../domain/jobs';
import type { FolderKind, MailItem } from '../domain/item';
import type { EntityRef } from '../domain/refs';
import { findTrackingTokens } from '../domain/correlate';
import { lacksHeaders, MESSAGE_SELECT, normalizeGraphMessage, THREADING_PROPERTIES } from '../domain/graph-message';
import { promote } from '../domain/promote';
import { entryKeys, lookupKeys, smartEntryOf, type SmartEntry } from '../domain/smart-match';
import { ThrottledError, TransientError } from '../domain/errors';
import type { PipelineDeps } from './deps';
import { PageKnowledge, withoutOwnPage } from './known-emails';
import { correlationSettings, promotionContext, trackedCategoryOf } from './promotion-context';
import { carriesTrackedCategory } from '../domain/tracked-category';

/** The folder a page comes from: a well-known folder, or a folder-tracked one with its mapped record. */
export interface FolderContext {
  folder: FolderKind;
  tracking?: EntityRef;
  watermark?: string;
  /** Graph ids already decided in this folder, passed over during a resync. */
  decided?: Set<string>;
}

export interface PageOutcome {
  entries: WriteEntry[];
  index: IndexedEmail[];
  /** Smart-matching entries of the emails the page created, with their keys (only when smart matching is on). */
  smart?: { entry: SmartEntry; keys: string[] }[];
  /** The latest received time among the page's processed items (the SSS watermark moves to it). */
  latestReceived?: string;
}

export async function evaluatePage(
  values: GraphJson[],
  fc: FolderContext,
  mb: DvMailbox,
  ctx: OrgContext,
  deps: PipelineDeps,
): Promise<PageOutcome> {
  const folder = fc.folder;
  const trackedCategory = trackedCategoryOf(ctx, deps.settings);
  const now = deps.clock.now().toISOString();
  const decided: WriteEntry[] = [];
  const base = {
    mailboxId: mb.mailboxid,
    mailbox: mb.address,
    workload: 'email' as const,
    folder,
    correlationMethod: 'None' as const,
    decidedAt: now,
  };
  const fail = (
    graphId: string,
    reason: Decision['reason'],
    detail: string,
    outcome: Decision['outcome'] = 'failed',
    internetMessageId = '',
  ): WriteEntry => ({
    decision: { ...base, graphId, internetMessageId, messageKey: '', outcome, reason, detail },
  });

  // Full payloads, reading the whole item behind a partial update unless it was decided already.
  const raws: GraphJson[] = [];
  /** Items decided before and looked at again (category added): the watermark is for new mail only. */
  const again = new Set<string>();
  for (const v of values) {
    const n = normalizeGraphMessage(v, folder);
    if (n.kind === 'removed') continue;
    if (fc.decided?.has(n.kind === 'item' ? n.item.graphId : n.graphId)) continue;
    if (n.kind === 'partial') {
      const before = await deps.ledger.get(mb.mailboxid, 'email', n.graphId);
      // An update matters only for an item never decided, or one that now carries the tracking category.
      const categorized = carriesTrackedCategory(v.categories, trackedCategory);
      if (before && !(categorized && before.outcome === 'skipped')) continue;
      if (before) again.add(n.graphId);
      raws.push({ id: n.graphId, '@exsync.partial': true });
      continue;
    }
    raws.push(v);
  }
  // What delta left out, read in JSON $batch requests: whole items behind partial updates, headers otherwise.
  // The same GET expands the threading properties: Graph has no headers on Sent Items copies, Exchange keeps
  // In-Reply-To and References there as MAPI properties.
  const partialIds = raws.filter((r) => r['@exsync.partial'] === true).map((r) => String(r.id));
  const headerIds = raws.filter((r) => r['@exsync.partial'] !== true && lacksHeaders(r)).map((r) => String(r.id));
  const threading = Object.values(THREADING_PROPERTIES);
  const full = await readMessages(deps, mb.address, partialIds, MESSAGE_SELECT, threading);
  const heads = await readMessages(deps, mb.address, headerIds, ['internetMessageHeaders'], threading);
  const completed = raws.map((raw): GraphJson | WriteEntry => {
    const partial = raw['@exsync.partial'] === true;
    if (!partial && !lacksHeaders(raw)) return raw;
    const id = String(raw.id);
    const got = (partial ? full : heads).get(id);
    // Gone between delta and this read: nothing to track.
    if (got?.status === 404) return fail(id, 'Deleted', 'item no longer exists', 'skipped');
    if (!got || got.status >= 300 || !got.body)
      throw new TransientError(`Graph read of a message answered ${got?.status ?? 'nothing'}`, 'graph', got?.status);
    return partial
      ? got.body
      : {
          ...raw,
          internetMessageHeaders: got.body.internetMessageHeaders ?? [],
          singleValueExtendedProperties: got.body.singleValueExtendedProperties,
        };
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
      decided.push(
        n.invalidSender
          ? fail(n.graphId, 'InvalidSender', n.problem, 'skipped', n.internetMessageId)
          : fail(n.graphId, 'InvalidItem', n.problem, 'failed', n.internetMessageId),
      );
    }
  }
  if (items.length === 0) return { entries: decided, index: [] };

  const correlation = correlationSettings(ctx, deps.settings);
  const messageIds = items.flatMap((i) => [i.internetMessageId, ...i.inReplyTo, ...i.references]);
  const tokens = correlation.tokensEnabled ? items.flatMap((i) => findTrackingTokens(i.subject, correlation)) : [];
  const addresses = items.flatMap((i) => [i.from!, ...i.to, ...i.cc, ...i.bcc].map((a) => a.address));
  const keys = [...new Set(items.flatMap((i) => [i.messageKey, ...i.inReplyTo, ...i.references]))];
  const roots = [...new Set(items.flatMap((i) => (i.conversationRoot ? [i.conversationRoot] : [])))];
  const [lookup, index, conversations] = await Promise.all([
    deps.dataverse.lookup({ messageIds, trackingTokens: tokens, addresses, conversationRoots: roots }),
    deps.correlation.get(keys),
    roots.length ? deps.correlation.getConversations(roots) : Promise.resolve(new Map<string, IndexedEmail[]>()),
  ]);
  // Smart matching: the index rows of the page's addresses (and the rows they resolve to) and first words.
  const smart = correlation.smartMatching?.enabled ? correlation.smartMatching : undefined;
  const rowsOf = (a: string) => (lookup.parties.get(a.toLowerCase()) ?? []).map((c) => c.ref.id);
  const smartKeys = smart ? [...new Set(items.flatMap((i) => lookupKeys(i, smart, rowsOf)))] : [];
  const smartFound = smartKeys.length ? await deps.correlation.smart.get(smartKeys) : [];
  const seen = withoutOwnPage(
    lookup,
    index,
    conversations,
    mb.mailboxid,
    new Set(items.map((i) => i.graphId)),
    smartFound,
  );
  const known = new PageKnowledge(seen.lookup, seen.index, seen.conversations, seen.smart);
  const pctx = promotionContext(mb, ctx, deps.settings, seen.lookup, known, now, fc.tracking);
  const newIndex: IndexedEmail[] = [];
  const newSmart: { entry: SmartEntry; keys: string[] }[] = [];
  let latestReceived: string | undefined;

  for (const item of items) {
    const p = promote(
      item,
      !again.has(item.graphId) && fc.watermark && !deps.settings.enhancedProcessMovedMail
        ? { ...pctx, watermark: fc.watermark }
        : pctx,
    );
    decided.push({
      decision: p.decision,
      ...(p.activity ? { activity: p.activity } : {}),
      ...(p.update ? { update: p.update } : {}),
      ...(p.queueItem ? { queueItem: p.queueItem } : {}),
    });
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
        ...(item.conversationIndex ? { conversationIndex: item.conversationIndex } : {}),
        graphId: item.graphId,
      };
      newIndex.push(entry);
      known.add({ ...entry, receivingMailboxId: mb.mailboxid });
      if (smart) {
        const addresses = [item.from!, ...item.to, ...item.cc, ...item.bcc].map((a) => a.address);
        const se = smartEntryOf({ ...entry, addresses, at: item.receivedDateTime, mailboxId: mb.mailboxid }, smart);
        newSmart.push({ entry: se, keys: entryKeys(se, smart) });
        known.addSmart(se);
      }
    }
  }
  return {
    entries: decided,
    index: newIndex,
    ...(newSmart.length ? { smart: newSmart } : {}),
    ...(latestReceived ? { latestReceived } : {}),
  };
}

const ITEM_RETRY_ROUNDS = 4;
const ITEM_RETRY_MAX_WAIT_MS = 10_000;

/**
 * Reads messages in $batch requests. Graph throttles batch items one by one; only those are sent again,
 * after the longest Retry-After they asked for (a short wait inside the step, bounded). Still throttled
 * after that: the whole job is rescheduled.
 */
async function readMessages(
  deps: PipelineDeps,
  mailbox: string,
  ids: string[],
  select: readonly string[],
  extended: readonly string[],
): Promise<Map<string, BatchItemResult>> {
  const done = new Map<string, BatchItemResult>();
  let pending = ids;
  for (let round = 0; pending.length > 0; round++) {
    const got = await deps.graph.getMessages(mailbox, pending, select, extended);
    const throttled: string[] = [];
    let waitMs = 0;
    for (const id of pending) {
      const r = got.get(id);
      if (r?.retryAfterMs !== undefined) {
        throttled.push(id);
        waitMs = Math.max(waitMs, r.retryAfterMs);
      } else if (r) done.set(id, r);
    }
    if (throttled.length === 0) break;
    if (round + 1 >= ITEM_RETRY_ROUNDS || waitMs > ITEM_RETRY_MAX_WAIT_MS || !deps.clock.sleep) {
      throw new ThrottledError(`${throttled.length} Graph batch item(s) throttled`, 'graph', waitMs);
    }
    await deps.clock.sleep(waitMs);
    pending = throttled;
  }
  return done;
}
