// One delta page through promotion: the changes worth evaluating, made whole (page-changes.ts), then one
// lookup round trip for the whole page, then every item gets a decision (promoted, skipped or failed,
// with a reason) and the emails it creates become known to the rest of the page.
import type { DvMailbox, GraphJson, OrgContext } from '../ports';
import type { Decision, EmailActivity, IndexedEmail } from '../domain/activity';
import type { WriteEntry } from '../domain/jobs';
import type { FolderKind, MailItem } from '../domain/item';
import type { EntityRef } from '../domain/refs';
import { findTrackingTokens } from '../domain/correlate';
import { laterReceived, movesWatermark, watermarkOfItem } from '../domain/checkpoint';
import { normalizeGraphMessage } from '../domain/graph-message';
import { promote } from '../domain/promote';
import type { PromotionContext } from '../domain/promotion';
import { entryKeys, lookupKeys, smartEntryOf, type SmartEntry, type SmartMatching } from '../domain/smart-match';
import type { PipelineDeps } from './deps';
import { PageKnowledge, withoutOwnPage } from './known-emails';
import { changesToEvaluate, readWhatDeltaLeftOut, type ReadChange } from './page-changes';
import { correlationSettings, promotionContext, trackedCategoryOf } from './promotion-context';

/** The folder a page comes from: a well-known folder, or a folder-tracked one with its mapped record. */
export interface FolderContext {
  folder: FolderKind;
  tracking?: EntityRef;
  watermark?: string;
  /** Graph ids already decided in this folder, passed over during a resync. */
  decided?: Set<string>;
  /** Shadow mode: decide as if SSS had not tracked this page's own messages (the report compares with its rows). */
  shadow?: boolean;
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
  const trackedCategory = trackedCategoryOf(ctx, deps.settings);
  const now = deps.clock.now().toISOString();
  const { changes, again } = await changesToEvaluate(values, fc, mb.mailboxid, trackedCategory, deps);
  const read = await readWhatDeltaLeftOut(changes, mb.address, deps);
  const { items, decided } = itemsOf(read, fc.folder, failedEntries(fc.folder, mb, now));
  if (items.length === 0) return { entries: decided, index: [] };
  const { known, lookup, smart } = await knowledgeOfPage(items, mb, ctx, deps);
  const pctx: PromotionContext = {
    ...promotionContext(mb, ctx, deps.settings, lookup, known, now, fc.tracking),
    ...(fc.shadow ? { existing: (key: string, outgoing: boolean) => known.existingOnPage(key, outgoing) } : {}),
  };
  const page: PageDecisions = { entries: decided, index: [], smart: [] };
  for (const item of items) {
    const watermark = watermarkOfItem(fc.watermark, {
      decidedBefore: again.has(item.graphId),
      enhancedProcessMovedMail: !!deps.settings.enhancedProcessMovedMail,
    });
    decideItem(item, watermark ? { ...pctx, watermark } : pctx, page, { mb, known, smart });
  }
  return {
    entries: page.entries,
    index: page.index,
    ...(page.smart.length ? { smart: page.smart } : {}),
    ...(page.latestReceived ? { latestReceived: page.latestReceived } : {}),
  };
}

type FailedEntry = (
  graphId: string,
  reason: Decision['reason'],
  detail: string,
  outcome?: Decision['outcome'],
  internetMessageId?: string,
) => WriteEntry;

/** The decision of an item that never became a mail item (gone, or not valid as one). */
function failedEntries(folder: FolderKind, mb: DvMailbox, decidedAt: string): FailedEntry {
  const base = {
    mailboxId: mb.mailboxid,
    mailbox: mb.address,
    workload: 'email' as const,
    folder,
    correlationMethod: 'None' as const,
    decidedAt,
  };
  return (graphId, reason, detail, outcome = 'failed', internetMessageId = '') => ({
    decision: { ...base, graphId, internetMessageId, messageKey: '', outcome, reason, detail },
  });
}

/** The mail items to promote; an item gone since delta or not valid is decided here, with its reason. */
function itemsOf(
  read: ReadChange[],
  folder: FolderKind,
  fail: FailedEntry,
): { items: MailItem[]; decided: WriteEntry[] } {
  const items: MailItem[] = [];
  const decided: WriteEntry[] = [];
  for (const c of read) {
    if (c.kind === 'gone') {
      decided.push(fail(c.id, 'Deleted', 'item no longer exists', 'skipped'));
      continue;
    }
    const n = normalizeGraphMessage(c.raw, folder);
    if (n.kind === 'item') items.push(n.item);
    else if (n.kind === 'invalid')
      decided.push(
        n.invalidSender
          ? fail(n.graphId, 'InvalidSender', n.problem, 'skipped', n.internetMessageId)
          : fail(n.graphId, 'InvalidItem', n.problem, 'failed', n.internetMessageId),
      );
  }
  return { items, decided };
}

/**
 * One lookup round trip for the whole page: Dataverse (Message-IDs, tracking tokens, addresses,
 * conversation roots), the correlation index and, with smart matching, the index rows of the page's
 * addresses (and the rows they resolve to) and first words. The page's own earlier copies are left out.
 */
async function knowledgeOfPage(
  items: MailItem[],
  mb: DvMailbox,
  ctx: OrgContext,
  deps: Pick<PipelineDeps, 'settings' | 'dataverse' | 'correlation'>,
) {
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
  const smart = correlation.smartMatching?.enabled ? correlation.smartMatching : undefined;
  const rowsOf = (a: string) => (lookup.parties.get(a.toLowerCase()) ?? []).map((c) => c.ref.id);
  const smartKeys = smart ? [...new Set(items.flatMap((i) => lookupKeys(i, smart, rowsOf)))] : [];
  const smartFound = smartKeys.length ? await deps.correlation.smart.get(smartKeys) : [];
  const pageIds = new Set(items.map((i) => i.graphId));
  const seen = withoutOwnPage(lookup, index, conversations, mb.mailboxid, pageIds, smartFound);
  const known = new PageKnowledge(seen.lookup, seen.index, seen.conversations, seen.smart);
  return { known, lookup: seen.lookup, ...(smart ? { smart } : {}) };
}

/** What the page decided so far: its write entries, the emails it created, and the watermark's candidate. */
interface PageDecisions {
  entries: WriteEntry[];
  index: IndexedEmail[];
  smart: { entry: SmartEntry; keys: string[] }[];
  latestReceived?: string;
}

/** Promotes one item and, when it creates an email, makes that email known to the items after it. */
function decideItem(
  item: MailItem,
  pctx: PromotionContext,
  page: PageDecisions,
  p: { mb: DvMailbox; known: PageKnowledge; smart?: SmartMatching },
): void {
  const { decision, activity, update, queueItem } = promote(item, pctx);
  page.entries.push({
    decision,
    ...(activity ? { activity } : {}),
    ...(update ? { update } : {}),
    ...(queueItem ? { queueItem } : {}),
  });
  if (movesWatermark(decision)) page.latestReceived = laterReceived(page.latestReceived, item.receivedDateTime);
  if (!activity) return;
  const entry = indexEntryOf(item, activity, p.mb.mailboxid);
  page.index.push(entry);
  p.known.add({ ...entry, receivingMailboxId: p.mb.mailboxid });
  if (!p.smart) return;
  const addresses = [item.from!, ...item.to, ...item.cc, ...item.bcc].map((a) => a.address);
  const se = smartEntryOf({ ...entry, addresses, at: item.receivedDateTime, mailboxId: p.mb.mailboxid }, p.smart);
  page.smart.push({ entry: se, keys: entryKeys(se, p.smart) });
  p.known.addSmart(se);
}

/** The correlation index row of an email the page created. */
function indexEntryOf(item: MailItem, activity: EmailActivity, mailboxId: string): IndexedEmail {
  return {
    messageKey: item.messageKey,
    activityid: activity.activityid,
    outgoing: activity.directioncode,
    mailboxId,
    ...(activity.regarding ? { regarding: activity.regarding } : {}),
    ...(activity.trackingtoken ? { trackingtoken: activity.trackingtoken } : {}),
    ...(activity.owner ? { ownerId: activity.owner.id } : {}),
    subject: activity.subject,
    ...(item.conversationRoot ? { conversationRoot: item.conversationRoot } : {}),
    ...(item.conversationIndex ? { conversationIndex: item.conversationIndex } : {}),
    graphId: item.graphId,
  };
}
