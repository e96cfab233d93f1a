// Conversation threads in the correlation table: one row per conversation root (PK `c-<hash of root>`,
// RK `thread`) listing the emails the engine decided on in that thread. A thread is then one point read,
// the cheapest Table operation, where a row per email would need a partition query per root: on Table
// Storage that is a query per item, and on Azurite (which scans the whole table for any query) it made a
// 50,000-message folder quadratic. Writers read, merge and write back under the row's ETag, so two
// mailboxes adding to one thread at once both land.
import type { TableClient } from '@azure/data-tables';
import type { IndexedEmail } from '../../domain/activity';
import { keyHash } from '../../domain/message-id';
import { forEachBounded } from './bounded';
import { statusOf, toTableStoreError } from './errors';
import { fromCorrelationEntity, toCorrelationEntity } from './correlation-entity';
import { chunkProperties, MAX_JSON_CHARS, readChunks } from './chunks';

const IN_FLIGHT = 16;
const ROW = 'thread';
/** ETag races lost in a row before giving up (another writer keeps adding to the same thread). */
const MAX_ATTEMPTS = 8;

export const threadPartition = (root: string) => `c-${keyHash(root)}`;

type Stored = Omit<ReturnType<typeof toCorrelationEntity>, 'partitionKey' | 'rowKey'>;
const slot = (x: IndexedEmail) => `${x.outgoing ? 'out' : 'in'}:${x.activityid}`;

const entriesOf = (e: Record<string, unknown>) => readChunks<Stored>(e);

/**
 * The row's chunks. A thread too long for one entity keeps the rows correlation prefers when several
 * qualify (correlate.ts): outgoing first, then those nearest the thread's root.
 */
function chunksOf(list: Stored[]): { chunks: Record<string, string>; kept: Stored[] } {
  const rank = (s: Stored) => [s.outgoing ? 0 : 1, typeof s.conversationIndex === 'string' ? s.conversationIndex.length : 1e6] as const;
  let kept = list;
  let json = JSON.stringify(kept);
  if (json.length > MAX_JSON_CHARS) {
    kept = [...list].sort((a, b) => rank(a)[0] - rank(b)[0] || rank(a)[1] - rank(b)[1]);
    while (kept.length > 1 && json.length > MAX_JSON_CHARS) {
      kept = kept.slice(0, Math.floor(kept.length * 0.9));
      json = JSON.stringify(kept);
    }
  }
  return { chunks: chunkProperties(json), kept };
}

/** Threads read lately, with their ETags: a page reads its threads, then adds to them, in one write each. */
const RECENT = 4096;

export function createThreads(table: TableClient) {
  const recent = new Map<string, { entries: Stored[]; etag?: string }>();
  const remember = (root: string, v: { entries: Stored[]; etag?: string }) => {
    recent.delete(root);
    recent.set(root, v);
    if (recent.size > RECENT) recent.delete(recent.keys().next().value!);
    return v;
  };

  async function read(root: string): Promise<{ entries: Stored[]; etag?: string }> {
    try {
      const e = await table.getEntity(threadPartition(root), ROW);
      // `root` guards against a (theoretical) hash collision between two roots.
      return remember(root, e.root === root ? { entries: entriesOf(e), etag: e.etag } : { entries: [], etag: e.etag });
    } catch (err) {
      if (statusOf(err) === 404) return remember(root, { entries: [] });
      throw toTableStoreError(err, 'thread get');
    }
  }

  async function add(root: string, adds: IndexedEmail[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      // What this process read last is tried first; a stale copy costs one refused write (412/409), then a read.
      const { entries, etag } = (attempt === 1 && recent.get(root)) || (await read(root));
      const merged = new Map(entries.map((s) => [slot(fromCorrelationEntity(s)), s]));
      let changed = false;
      for (const x of adds) {
        const { partitionKey: _p, rowKey: _r, ...stored } = toCorrelationEntity(x);
        const before = merged.get(slot(x));
        if (before && JSON.stringify(before) === JSON.stringify(stored)) continue;
        merged.set(slot(x), stored);
        changed = true;
      }
      // A page evaluated again after a crash adds nothing new: no write.
      if (!changed) return;
      const { chunks, kept } = chunksOf([...merged.values()]);
      const entity = { partitionKey: threadPartition(root), rowKey: ROW, root, ...chunks };
      try {
        const written = etag ? await table.updateEntity(entity, 'Replace', { etag }) : await table.createEntity(entity);
        // Remember what the row now holds (a thread over the cap keeps fewer than were merged).
        if (written.etag) remember(root, { entries: kept, etag: written.etag });
        else recent.delete(root);
        return;
      } catch (err) {
        const status = statusOf(err);
        // 412: someone wrote the thread since we read it; 409: someone created it first. Read again.
        recent.delete(root);
        if ((status === 412 || status === 409) && attempt < MAX_ATTEMPTS) continue;
        throw toTableStoreError(err, 'thread put');
      }
    }
  }

  return {
    async get(roots: string[]): Promise<Map<string, IndexedEmail[]>> {
      const found = new Map<string, IndexedEmail[]>();
      await forEachBounded([...new Set(roots)], IN_FLIGHT, async (root) => {
        const { entries } = await read(root);
        const list = entries.map((s) => fromCorrelationEntity(s)).filter((x) => x.conversationRoot === root);
        if (list.length) found.set(root, list);
      });
      return found;
    },
    async put(entries: IndexedEmail[]): Promise<void> {
      const byRoot = new Map<string, IndexedEmail[]>();
      for (const x of entries) if (x.conversationRoot) byRoot.set(x.conversationRoot, [...(byRoot.get(x.conversationRoot) ?? []), x]);
      await forEachBounded([...byRoot], IN_FLIGHT, ([root, adds]) => add(root, adds));
    },
  };
}
