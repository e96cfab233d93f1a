// Appointments, contacts and tasks (ACT): the link between an Exchange item and a Dataverse row, and the
// changes each side reports, in the shape every workload module (contact, task, later appointment) shares.
import { createHash } from 'node:crypto';

export type ActWorkload = 'appointment' | 'contact' | 'task';
export type FieldValue = string | number | boolean | null;
/** A workload's mapped fields in one neutral form, the same names for both sides (see each module). */
export type Fields = Record<string, FieldValue>;

/** What both sides agreed on at the last sync: one per Exchange item and Dataverse row pair, in Table Storage. */
export interface ActLink {
  mailboxId: string;
  workload: ActWorkload;
  dataverseId: string;
  /** Exchange immutable id; absent while an Exchange create is in flight (`pending`). */
  exchangeId?: string;
  changeKey?: string;
  /** Dataverse versionnumber of the row as last written or read. */
  version?: string;
  /** Hash of `base`: an echo of our own write hashes the same and writes nothing. */
  hash: string;
  /** The mapped fields both sides held after the last sync: the base of the field-by-field merge. */
  base: Fields;
  /** The row's owner when linked (a contact's delete rule needs it after the row is gone). */
  ownerId?: string;
  /** Set while an Exchange create is in flight: a replay adopts the item it finds with the same fields. */
  pending?: boolean;
  etag?: string;
}

export interface ExchangeChange {
  id: string;
  removed: boolean;
  changeKey?: string;
  fields?: Fields;
  categories?: string[];
}
export interface DataverseChange {
  id: string;
  removed: boolean;
  version?: string;
  row?: Record<string, unknown>;
}

/** Order-independent hash of mapped fields (keys sorted), short enough for a Table Storage property. */
export function fieldsHash(f: Fields): string {
  const keys = Object.keys(f).sort();
  const text = JSON.stringify(keys.map((k) => [k, f[k] ?? null]));
  return createHash('sha256').update(text).digest('hex').slice(0, 32);
}

/**
 * The Dataverse id of a row created from an Exchange item: a name-based UUID of the mailbox, workload and
 * immutable id, so a replayed create hits "exists" instead of making a second row.
 */
export function actRowId(mailboxId: string, workload: ActWorkload, exchangeId: string): string {
  const h = createHash('sha1').update(`exsync:act:${workload}:${mailboxId.toLowerCase()}:${exchangeId}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

export const sameValue = (a: FieldValue | undefined, b: FieldValue | undefined): boolean => (a ?? null) === (b ?? null);
