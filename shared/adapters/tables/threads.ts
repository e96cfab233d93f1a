// Conversation threads in the correlation table: one row per conversation root (PK `c-<hash of root>`,
// RK `thread`) listing the emails the engine decided on in that thread. A thread is then one point read,
// the cheapest Table operation, where a row per email would need a partition query per root: on Table
// Storage that is a query per item, and on Azurite (which scans the whole table for any query) it made a
// 50,000-message folder quadratic. Writers read, merge and write back under the row's ETag, so two
// mailboxes adding to one thread at once both land (list-row.ts).
import type { TableClient } from '@azure/data-tables';
import type { IndexedEmail } from '../../domain/activity';
import { keyHash } from '../../domain/message-id';
import { forEachBounded } from './bounded';
import { fromCorrelationEntity, toCorrelationEntity } from './correlation-entity';
import { MAX_JSON_CHARS } from './chunks';
import { createListRows } from './list-row';

const IN_FLIGHT = 16;
const ROW = 'thread';

export const threadPartition = (root: string) => `c-${keyHash(root)}`;

type Stored = Omit<ReturnType<typeof toCorrelationEntity>, 'partitionKey' | 'rowKey'>;
const slot = (x: IndexedEmail) => `${x.outgoing ? 'out' : 'in'}:${x.activityid}`;

/**
 * What the row keeps. A thread too long for one entity keeps the rows correlation prefers when several
 * qualify (correlate.ts): outgoing first, then those nearest the thread's root.
 */
function fitThread(list: Stored[]): Stored[] {
  const rank = (s: Stored) =>
    [s.outgoing ? 0 : 1, typeof s.conversationIndex === 'string' ? s.conversationIndex.length : 1e6] as const;
  let kept = list;
  let json = JSON.stringify(kept);
  if (json.length > MAX_JSON_CHARS) {
    kept = [...list].sort((a, b) => rank(a)[0] - rank(b)[0] || rank(a)[1] - rank(b)[1]);
    while (kept.length > 1 && json.length > MAX_JSON_CHARS) {
      kept = kept.slice(0, Math.floor(kept.length * 0.9));
      json = JSON.stringify(kept);
    }
  }
  return kept;
}

export function createThreads(table: TableClient) {
  const rows = createListRows<Stored>(table, {
    partition: threadPartition,
    row: ROW,
    what: 'thread',
    extra: (root) => ({ root }),
    // `root` guards against a (theoretical) hash collision between two roots.
    owns: (e, root) => e.root === root,
    fit: fitThread,
  });

  const add = (root: string, adds: IndexedEmail[]) =>
    rows.add(root, (entries) => {
      const merged = new Map(entries.map((s) => [slot(fromCorrelationEntity(s)), s]));
      let changed = false;
      for (const x of adds) {
        const { partitionKey: _p, rowKey: _r, ...stored } = toCorrelationEntity(x);
        const before = merged.get(slot(x));
        if (before && JSON.stringify(before) === JSON.stringify(stored)) continue;
        merged.set(slot(x), stored);
        changed = true;
      }
      return changed ? [...merged.values()] : undefined;
    });

  return {
    async get(roots: string[]): Promise<Map<string, IndexedEmail[]>> {
      const found = new Map<string, IndexedEmail[]>();
      await forEachBounded([...new Set(roots)], IN_FLIGHT, async (root) => {
        const list = (await rows.read(root))
          .map((s) => fromCorrelationEntity(s))
          .filter((x) => x.conversationRoot === root);
        if (list.length) found.set(root, list);
      });
      return found;
    },
    async put(entries: IndexedEmail[]): Promise<void> {
      const byRoot = new Map<string, IndexedEmail[]>();
      for (const x of entries)
        if (x.conversationRoot) byRoot.set(x.conversationRoot, [...(byRoot.get(x.conversationRoot) ?? []), x]);
      await forEachBounded([...byRoot], IN_FLIGHT, ([root, adds]) => add(root, adds));
    },
  };
}
