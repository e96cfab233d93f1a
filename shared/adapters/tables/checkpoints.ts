// One row per (mailbox, folder): PK = mailbox, RK = folder. Writes carry the ETag so two workers can
// never both advance a cursor (If-Match -> 412, insert of an existing row -> 409).
import type { TableClient } from '@azure/data-tables';
import type { Checkpoint, CheckpointStore } from '../../ports';
import { conflict, permanent } from '../../domain/errors';
import { statusOf, translateTableError } from './errors';
import { safeKey } from './keys';

/** An Edm.String holds 64 KiB of UTF-16, i.e. 32K characters; longer cursors would be rejected by the service. */
export const MAX_CURSOR_CHARS = 32 * 1024;

interface CheckpointEntity {
  partitionKey: string;
  rowKey: string;
  mailboxId: string;
  folder: string;
  cursor?: string;
  cursorKind?: string;
  rounds: number;
  updatedAt?: string;
  watermark?: string;
  watermarkBase?: string;
  reconciling?: boolean;
}

export function toCheckpointEntity(c: Checkpoint): CheckpointEntity {
  if (c.cursor !== undefined && c.cursor.length > MAX_CURSOR_CHARS) {
    throw permanent('tables', `checkpoint cursor is ${c.cursor.length} characters, over ${MAX_CURSOR_CHARS}`, {
      code: 'PropertyValueTooLarge',
    });
  }
  const e: CheckpointEntity = {
    partitionKey: safeKey(c.mailboxId),
    rowKey: safeKey(c.folder),
    mailboxId: c.mailboxId,
    folder: c.folder,
    rounds: c.rounds,
  };
  if (c.cursor !== undefined) e.cursor = c.cursor;
  if (c.cursorKind !== undefined) e.cursorKind = c.cursorKind;
  if (c.updatedAt !== undefined) e.updatedAt = c.updatedAt;
  if (c.watermark !== undefined) e.watermark = c.watermark;
  if (c.watermarkBase !== undefined) e.watermarkBase = c.watermarkBase;
  if (c.reconciling) e.reconciling = true;
  return e;
}

export function fromCheckpointEntity(e: Record<string, unknown>): Checkpoint {
  const c: Checkpoint = {
    mailboxId: String(e.mailboxId),
    folder: String(e.folder),
    rounds: Number(e.rounds ?? 0),
  };
  if (typeof e.cursor === 'string') c.cursor = e.cursor;
  if (e.cursorKind === 'next' || e.cursorKind === 'delta') c.cursorKind = e.cursorKind;
  if (typeof e.updatedAt === 'string') c.updatedAt = e.updatedAt;
  if (typeof e.etag === 'string') c.etag = e.etag;
  if (typeof e.watermark === 'string') c.watermark = e.watermark;
  if (typeof e.watermarkBase === 'string') c.watermarkBase = e.watermarkBase;
  if (e.reconciling === true) c.reconciling = true;
  return c;
}

export function createCheckpointStore(table: TableClient): CheckpointStore {
  return {
    async get(mailboxId, folder) {
      try {
        return fromCheckpointEntity(await table.getEntity(safeKey(mailboxId), safeKey(folder)));
      } catch (err) {
        if (statusOf(err) === 404) return undefined;
        throw translateTableError(err, 'checkpoint get');
      }
    },

    async save(checkpoint) {
      const entity = toCheckpointEntity(checkpoint);
      try {
        const res = checkpoint.etag
          ? await table.updateEntity(entity, 'Replace', { etag: checkpoint.etag })
          : await table.createEntity(entity);
        return { ...checkpoint, etag: res.etag };
      } catch (err) {
        const status = statusOf(err);
        // 409: someone inserted first; 412: someone advanced it since we read; 404: someone deleted it.
        if (status === 409 || status === 412 || (status === 404 && checkpoint.etag))
          throw conflict('tables', 'checkpoint was advanced by someone else', { status });
        throw translateTableError(err, 'checkpoint save');
      }
    },

    async list() {
      const out: Checkpoint[] = [];
      try {
        for await (const e of table.listEntities()) out.push(fromCheckpointEntity(e));
      } catch (err) {
        throw translateTableError(err, 'checkpoint list');
      }
      return out;
    },
  };
}
