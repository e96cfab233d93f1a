// One entity holding a JSON list (threads, smart-matching rows): read with a point read, merged by the
// caller and written back under the row's ETag, so two writers adding to one row at once both land. The
// rows read lately are kept with their ETags: a page reads its rows, then adds to them in one write each.
import type { TableClient } from '@azure/data-tables';
import { statusOf, translateTableError } from './errors';
import { chunkProperties, readChunks } from './chunks';

/** ETag races lost in a row before giving up (another writer keeps adding to the same row). */
const MAX_ATTEMPTS = 8;
const RECENT = 4096;

export interface ListRowOptions<T> {
  partition: (key: string) => string;
  row: string;
  /** Names the operation in errors (never key values). */
  what: string;
  /** Properties stored beside the list (e.g. the key itself, to tell a hash collision). */
  extra?: (key: string) => Record<string, unknown>;
  /** Whether a stored entity is this key's row (false reads as an empty list, keeping its ETag). */
  owns?: (entity: Record<string, unknown>, key: string) => boolean;
  /** What of a merged list the row keeps (a row holds at most MAX_JSON_CHARS of JSON). */
  fit: (list: T[]) => T[];
}

export interface ListRows<T> {
  read(key: string): Promise<T[]>;
  /** `merge` returns the new list, or undefined when nothing changes (then nothing is written). */
  add(key: string, merge: (entries: T[]) => T[] | undefined): Promise<void>;
}

export function createListRows<T>(table: TableClient, o: ListRowOptions<T>): ListRows<T> {
  const recent = new Map<string, { entries: T[]; etag?: string }>();
  const remember = (key: string, v: { entries: T[]; etag?: string }) => {
    recent.delete(key);
    recent.set(key, v);
    if (recent.size > RECENT) recent.delete(recent.keys().next().value!);
    return v;
  };

  async function read(key: string): Promise<{ entries: T[]; etag?: string }> {
    try {
      const e = await table.getEntity(o.partition(key), o.row);
      return remember(key, { entries: !o.owns || o.owns(e, key) ? readChunks<T>(e) : [], etag: e.etag });
    } catch (err) {
      if (statusOf(err) === 404) return remember(key, { entries: [] });
      throw translateTableError(err, `${o.what} get`);
    }
  }

  return {
    // Always from the table: another host may have written the row since this process last looked.
    read: async (key) => (await read(key)).entries,
    async add(key, merge) {
      for (let attempt = 1; ; attempt++) {
        // What this process read last is tried first; a stale copy costs one refused write (412/409), then a read.
        const { entries, etag } = (attempt === 1 && recent.get(key)) || (await read(key));
        const merged = merge(entries);
        // A page evaluated again after a crash adds nothing new: no write.
        if (!merged) return;
        const kept = o.fit(merged);
        const entity = {
          partitionKey: o.partition(key),
          rowKey: o.row,
          ...o.extra?.(key),
          ...chunkProperties(JSON.stringify(kept)),
        };
        try {
          const written = etag
            ? await table.updateEntity(entity, 'Replace', { etag })
            : await table.createEntity(entity);
          // Remember what the row now holds (fit may keep fewer than were merged).
          if (written.etag) remember(key, { entries: kept, etag: written.etag });
          else recent.delete(key);
          return;
        } catch (err) {
          const status = statusOf(err);
          // 412: someone wrote the row since we read it; 409: someone created it first. Read again.
          recent.delete(key);
          if ((status === 412 || status === 409) && attempt < MAX_ATTEMPTS) continue;
          throw translateTableError(err, `${o.what} put`);
        }
      }
    },
  };
}
