import { createHash } from 'node:crypto';

// Message-IDs are compared the way mail systems compare them: without angle brackets and surrounding
// white space; the local part is case-sensitive by RFC 5322 but Dataverse compares strings
// case-insensitively, so we do too, or a row found by SSS would be created again by us.
export function normalizeMessageId(raw: string): string {
  return raw.trim().replace(/^<+/, '').replace(/>+$/, '').trim().toLowerCase();
}

/** Splits a References / In-Reply-To header value into normalized Message-IDs, in header order. */
export function parseMessageIdList(header: string | undefined): string[] {
  if (!header) return [];
  const ids: string[] = [];
  for (const m of header.matchAll(/<([^<>\s]+)>/g)) ids.push(normalizeMessageId(m[1]));
  if (ids.length === 0 && header.trim() && !/\s/.test(header.trim())) ids.push(normalizeMessageId(header));
  return ids;
}

/**
 * The activity id for an email: a name-based UUID (RFC 4122 version 5 layout over SHA-1) of the
 * normalized Message-ID and the direction, so every mailbox, retry and host derives the same row id.
 */
export function emailActivityId(messageKey: string, outgoing: boolean): string {
  const h = createHash('sha1')
    .update(`exsync:email:${outgoing ? 'out' : 'in'}:${messageKey}`)
    .digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** A short stable hash for keys where the raw value has characters a key cannot hold. */
export function keyHash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 40);
}

/** A queue item's id, derived from the email and the queue: a replay or a second mailbox cannot add a second one. */
export function queueItemId(activityid: string, queueId: string): string {
  return emailActivityId(`queueitem:${activityid}:${queueId}`, false);
}
