// The Table Storage ports in memory, with the promises the adapters make: a checkpoint is written with an
// ETag check (insert-only without one) and comes back with a new ETag; the ledger keeps the latest decision
// per (mailbox, workload, item); the smart index keeps an entry already filed; the feed moves only from the
// ETag it was read at. Every row is stored and returned as a copy, as a real table would.
import { conflict } from '../../../shared/domain/errors';
import type {
  AlertLog,
  Checkpoint,
  CheckpointStore,
  CorrelationIndex,
  Ledger,
  MailboxAlert,
  MailboxRecord,
  MailboxRegistry,
} from '../../../shared/ports';
import type { Decision, IndexedEmail } from '../../../shared/domain/activity';
import type { SmartEntry } from '../../../shared/domain/smart-match';

const copy = <T>(v: T): T => structuredClone(v);

export interface FakeCheckpoints extends CheckpointStore {
  /** Saves that reached the store, in order (conflicts left out). */
  saved: Checkpoint[];
}

export function fakeCheckpoints(): FakeCheckpoints {
  const rows = new Map<string, Checkpoint>();
  let version = 0;
  const key = (mailboxId: string, folder: string) => `${mailboxId}|${folder}`;
  const store: FakeCheckpoints = {
    saved: [],
    get: async (mailboxId, folder) => copy(rows.get(key(mailboxId, folder))),
    list: async () => [...rows.values()].map(copy),
    async save(cp) {
      const k = key(cp.mailboxId, cp.folder);
      const current = rows.get(k);
      if (cp.etag ? current?.etag !== cp.etag : current)
        throw conflict('tables', 'checkpoint was advanced by someone else', { status: 412 });
      const next = { ...copy(cp), etag: `W/"${++version}"` };
      rows.set(k, next);
      store.saved.push(copy(next));
      return copy(next);
    },
  };
  return store;
}

export function fakeMailboxes(records: MailboxRecord[] = []): MailboxRegistry {
  const rows = new Map(records.map((r) => [r.mailboxId, copy(r)]));
  return {
    list: async () => [...rows.values()].map(copy),
    get: async (id) => copy(rows.get(id)),
    upsert: async (r) => void rows.set(r.mailboxId, copy(r)),
    upsertMany: async (list) => list.forEach((r) => rows.set(r.mailboxId, copy(r))),
  };
}

export function fakeLedger(): Ledger {
  const rows = new Map<string, Decision>();
  const all = () => [...rows.values()].map(copy);
  return {
    record: async (ds) => ds.forEach((d) => rows.set(`${d.mailboxId}|${d.workload}|${d.graphId}`, copy(d))),
    get: async (mailboxId, workload, graphId) => copy(rows.get(`${mailboxId}|${workload}|${graphId}`)),
    getMany: async (mailboxId, workload, graphIds) =>
      new Map(
        graphIds.flatMap((id) => {
          const d = rows.get(`${mailboxId}|${workload}|${id}`);
          return d ? [[id, copy(d)!] as [string, Decision]] : [];
        }),
      ),
    forMailbox: async (mailboxId) => all().filter((d) => d.mailboxId === mailboxId),
    all: async () => all(),
    byMessage: async (messageKey) => all().filter((d) => d.messageKey === messageKey),
  };
}

export function fakeAlerts(): AlertLog & { alerts: MailboxAlert[] } {
  const alerts: MailboxAlert[] = [];
  const newestFirst = (list: MailboxAlert[], max = Infinity) =>
    [...list]
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, max)
      .map(copy);
  return {
    alerts,
    record: async (a) => void alerts.push(copy(a)),
    forMailbox: async (id, max) =>
      newestFirst(
        alerts.filter((a) => a.mailboxId === id),
        max,
      ),
    all: async (max) => newestFirst(alerts, max),
  };
}

export function fakeCorrelation(): CorrelationIndex & { rows: IndexedEmail[] } {
  const rows: IndexedEmail[] = [];
  const smart = new Map<string, SmartEntry[]>();
  let feed: { since?: string; etag: string } = { etag: 'feed-0' };
  const group = (keys: string[], keyOf: (e: IndexedEmail) => string | undefined) =>
    new Map(keys.map((k) => [k, rows.filter((r) => keyOf(r) === k).map(copy)] as const).filter(([, v]) => v.length));
  return {
    rows,
    get: async (keys) => group(keys, (r) => r.messageKey),
    getConversations: async (roots) => group(roots, (r) => r.conversationRoot),
    async put(entries) {
      for (const e of entries) {
        const at = rows.findIndex((r) => r.messageKey === e.messageKey && r.activityid === e.activityid);
        if (at >= 0) rows[at] = copy(e);
        else rows.push(copy(e));
      }
    },
    smart: {
      get: async (keys) => [...new Set(keys)].flatMap((k) => (smart.get(k) ?? []).map(copy)),
      async put(filed) {
        for (const { entry, keys } of filed)
          for (const k of keys) {
            const list = smart.get(k) ?? [];
            if (!list.some((x) => x.activityid === entry.activityid)) list.push(copy(entry));
            smart.set(k, list);
          }
      },
      feed: async () => ({ ...feed }),
      async saveFeed(since, etag) {
        if (etag !== feed.etag) return false;
        feed = { since, etag: `feed-${Number(feed.etag.slice(5)) + 1}` };
        return true;
      },
    },
  };
}
