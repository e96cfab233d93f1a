// The smart-matching index in the correlation table: one row per key (PK `s-<party hash>.<word hash>`, RK
// `emails`) listing the emails filed under it (domain/smart-match.ts decides the keys). A mail's candidates
// are then a few point reads, never a query or a text search; rows hold hashes of words and addresses,
// not the words. Writers read, merge and write back under the row's ETag (list-row.ts). One more row
// (PK `s-feed`) holds how far the feed of Dataverse emails has come.
import type { TableClient } from '@azure/data-tables';
import type { SmartEntry } from '../../domain/smart-match';
import type { SmartMatchIndex } from '../../ports';
import { forEachBounded } from './bounded';
import { statusOf, translateTableError } from './errors';
import { MAX_JSON_CHARS } from './chunks';
import { createListRows } from './list-row';

const IN_FLIGHT = 16;
const ROW = 'emails';
const FEED = { partitionKey: 's-feed', rowKey: 'cursor' };
/** Rows keep what the 90-day window can still use, with a margin; older entries are dropped when a row is written. */
const KEEP_MS = 120 * 86_400_000;

/** An entry as stored: short names, since a busy key holds hundreds. */
interface Stored {
  i: string;
  k?: string;
  o: 0 | 1;
  t?: string;
  s?: string;
  rt?: string;
  ri?: string;
  ow?: string;
  w: string[];
  p: string[];
  m?: string;
  g?: string;
}

export const smartPartition = (key: string) => `s-${key}`;

function toStored(e: SmartEntry): Stored {
  return {
    i: e.activityid,
    o: e.outgoing ? 1 : 0,
    w: e.words,
    p: e.parties,
    ...(e.messageKey ? { k: e.messageKey.slice(0, 320) } : {}),
    ...(e.at ? { t: e.at } : {}),
    ...(e.subject !== undefined ? { s: e.subject.slice(0, 800) } : {}),
    ...(e.regarding ? { rt: e.regarding.type, ri: e.regarding.id } : {}),
    ...(e.ownerId ? { ow: e.ownerId } : {}),
    ...(e.mailboxId ? { m: e.mailboxId } : {}),
    ...(e.graphId ? { g: e.graphId } : {}),
  };
}

function fromStored(x: Stored): SmartEntry {
  return {
    activityid: x.i,
    outgoing: x.o === 1,
    words: Array.isArray(x.w) ? x.w : [],
    parties: Array.isArray(x.p) ? x.p : [],
    ...(x.k ? { messageKey: x.k } : {}),
    ...(x.t ? { at: x.t, createdon: x.t } : {}),
    ...(x.s !== undefined ? { subject: x.s } : {}),
    ...(x.rt && x.ri ? { regarding: { type: x.rt, id: x.ri } } : {}),
    ...(x.ow ? { ownerId: x.ow } : {}),
    ...(x.m ? { mailboxId: x.m } : {}),
    ...(x.g ? { graphId: x.g } : {}),
  };
}

/** The newest entries that fit in a row and are recent enough to matter; the newest first. */
function trimmed(list: Stored[]): Stored[] {
  const byTime = [...list].sort((a, b) => (b.t ?? '').localeCompare(a.t ?? '') || (a.i < b.i ? -1 : 1));
  const newest = Date.parse(byTime[0]?.t ?? '');
  let kept = Number.isFinite(newest) ? byTime.filter((x) => !x.t || Date.parse(x.t) >= newest - KEEP_MS) : byTime;
  while (kept.length > 1 && JSON.stringify(kept).length > MAX_JSON_CHARS)
    kept = kept.slice(0, Math.floor(kept.length * 0.9));
  return kept;
}

export function createSmartIndex(table: TableClient): SmartMatchIndex {
  const rows = createListRows<Stored>(table, {
    partition: smartPartition,
    row: ROW,
    what: 'smart index',
    fit: trimmed,
  });

  // An entry filed before is kept as it is: a page evaluated again, or the feed meeting our own row, adds nothing.
  const add = (key: string, adds: Stored[]) =>
    rows.add(key, (entries) => {
      const have = new Set(entries.map((x) => x.i));
      const fresh = adds.filter((x) => !have.has(x.i));
      return fresh.length ? [...entries, ...fresh] : undefined;
    });

  return {
    async get(keys) {
      const found = new Map<string, SmartEntry>();
      await forEachBounded([...new Set(keys)], IN_FLIGHT, async (key) => {
        for (const x of await rows.read(key)) if (!found.has(x.i)) found.set(x.i, fromStored(x));
      });
      return [...found.values()];
    },
    async put(entries) {
      const byKey = new Map<string, Stored[]>();
      for (const { entry, keys } of entries) {
        const stored = toStored(entry);
        for (const key of new Set(keys)) byKey.set(key, [...(byKey.get(key) ?? []), stored]);
      }
      await forEachBounded([...byKey], IN_FLIGHT, ([key, adds]) => add(key, adds));
    },
    async feed() {
      try {
        const e = await table.getEntity(FEED.partitionKey, FEED.rowKey);
        return { ...(typeof e.since === 'string' ? { since: e.since } : {}), ...(e.etag ? { etag: e.etag } : {}) };
      } catch (err) {
        if (statusOf(err) === 404) return {};
        throw translateTableError(err, 'smart feed get');
      }
    },
    async saveFeed(since, etag) {
      const entity = { ...FEED, since };
      try {
        if (etag) await table.updateEntity(entity, 'Replace', { etag });
        else await table.createEntity(entity);
        return true;
      } catch (err) {
        const status = statusOf(err);
        if (status === 412 || status === 409) return false;
        throw translateTableError(err, 'smart feed save');
      }
    },
  };
}
