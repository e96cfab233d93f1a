// What a delta page changed, made whole before promotion: removals dropped, items already decided passed
// over, and what delta left out read from Graph in JSON $batch requests (the whole item behind a partial
// update, the headers of the others). The same GET expands the threading properties: Graph has no headers
// on Sent Items copies, Exchange keeps In-Reply-To and References there as MAPI properties.
import type { Decision } from '../domain/activity';
import type { BatchItemResult, GraphJson } from '../ports';
import type { FolderKind } from '../domain/item';
import { lacksHeaders, MESSAGE_SELECT, normalizeGraphMessage, THREADING_PROPERTIES } from '../domain/graph-message';
import { throttled as throttledFailure, transient } from '../domain/errors';
import { carriesTrackedCategory } from '../domain/tracked-category';
import type { PipelineDeps } from './deps';

/** A change to evaluate: the item as delta sent it, or only the id of an item delta sent in part. */
type PageChange = { kind: 'full'; raw: GraphJson } | { kind: 'partial'; id: string };

/** A change after the reads: the whole item, or gone between delta and the read (nothing to track). */
export type ReadChange = { kind: 'full'; raw: GraphJson } | { kind: 'gone'; id: string };

interface ChangesToEvaluate {
  changes: PageChange[];
  /** Items decided before and looked at again (category added): the watermark is for new mail only. */
  again: Set<string>;
}

/**
 * The page's changes worth evaluating. A partial update matters only for an item never decided, or one
 * skipped before that now carries the tracking category; `decided` (a resynced round) is passed over.
 */
export async function changesToEvaluate(
  values: GraphJson[],
  fc: { folder: FolderKind; decided?: Set<string> },
  mailboxId: string,
  trackedCategory: string | undefined,
  deps: Pick<PipelineDeps, 'ledger'>,
): Promise<ChangesToEvaluate> {
  const changes: PageChange[] = [];
  const again = new Set<string>();
  const seen = values.map((v) => ({ v, n: normalizeGraphMessage(v, fc.folder) }));
  // One read of the ledger for the page's partial updates (a page of category changes is common), not one each.
  const partialIds = seen.flatMap(({ n }) => (n.kind === 'partial' ? [n.graphId] : []));
  const decided = partialIds.length
    ? await deps.ledger.getMany(mailboxId, 'email', partialIds)
    : new Map<string, Decision>();
  for (const { v, n } of seen) {
    if (n.kind === 'removed') continue;
    if (fc.decided?.has(n.kind === 'item' ? n.item.graphId : n.graphId)) continue;
    if (n.kind !== 'partial') {
      changes.push({ kind: 'full', raw: v });
      continue;
    }
    const before = decided.get(n.graphId);
    if (before && !(carriesTrackedCategory(v.categories, trackedCategory) && before.outcome === 'skipped')) continue;
    if (before) again.add(n.graphId);
    changes.push({ kind: 'partial', id: n.graphId });
  }
  return { changes, again };
}

/** Reads what delta left out, in page order; a read that fails (not a 404) fails the page for a retry. */
export async function readWhatDeltaLeftOut(
  changes: PageChange[],
  mailbox: string,
  deps: Pick<PipelineDeps, 'graph' | 'clock'>,
): Promise<ReadChange[]> {
  const partialIds = changes.flatMap((c) => (c.kind === 'partial' ? [c.id] : []));
  const headerIds = changes.flatMap((c) => (c.kind === 'full' && lacksHeaders(c.raw) ? [String(c.raw.id)] : []));
  const threading = Object.values(THREADING_PROPERTIES);
  const whole = await readMessages(deps, mailbox, partialIds, MESSAGE_SELECT, threading);
  const heads = await readMessages(deps, mailbox, headerIds, ['internetMessageHeaders'], threading);
  return changes.map((c): ReadChange => {
    if (c.kind === 'full' && !lacksHeaders(c.raw)) return c;
    const id = c.kind === 'partial' ? c.id : String(c.raw.id);
    const got = (c.kind === 'partial' ? whole : heads).get(id);
    if (got?.status === 404) return { kind: 'gone', id };
    if (!got || got.status >= 300 || !got.body)
      throw transient('graph', `Graph read of a message answered ${got?.status ?? 'nothing'}`, { status: got?.status });
    if (c.kind === 'partial') return { kind: 'full', raw: got.body };
    const raw = {
      ...c.raw,
      internetMessageHeaders: got.body.internetMessageHeaders ?? [],
      singleValueExtendedProperties: got.body.singleValueExtendedProperties,
    };
    return { kind: 'full', raw };
  });
}

const ITEM_RETRY_ROUNDS = 4;
const ITEM_RETRY_MAX_WAIT_MS = 10_000;

/**
 * Reads messages in $batch requests. Graph throttles batch items one by one; only those are sent again,
 * after the longest Retry-After they asked for (a short wait inside the step, bounded). Still throttled
 * after that: the whole job is rescheduled.
 */
async function readMessages(
  deps: Pick<PipelineDeps, 'graph' | 'clock'>,
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
      throw throttledFailure('graph', `${throttled.length} Graph batch item(s) throttled`, waitMs);
    }
    await deps.clock.sleep(waitMs);
    pending = throttled;
  }
  return done;
}
