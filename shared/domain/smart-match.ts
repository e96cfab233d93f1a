// Smart matching, as Dynamics 365 describes it (learn.microsoft.com, "Use email message filtering and
// correlation", Smart matching): every tracked email keeps hashes of its subject words (HashFilterKeywords
// noise removed, case ignored, the first HashMaxCount words) and of its addresses (From, To, Cc, Bcc).
// A new mail correlates with an earlier email when the stored subject hashes match its own: the counts of
// subject hashes may differ by at most HashDeltaSubjectCount, and as many words as that allows must be the
// same ones (word order never matters); and at least HashMinAddressCount address hashes match. The search
// covers the last 90 days.
import { createHash } from 'node:crypto';
import type { MailItem } from './item';
import type { KnownEmail } from './correlate';

export interface SmartMatching {
  enabled: boolean;
  /** HashFilterKeywords: every match is removed before hashing. */
  filterKeywords: string;
  /** HashMaxCount: at most this many hashes per subject or address list. */
  maxCount: number;
  /** HashDeltaSubjectCount. */
  deltaSubjectCount: number;
  /** HashMinAddressCount. */
  minAddressCount: number;
  /** SSS searches the last 90 days under load. */
  windowDays: number;
}

export const DEFAULT_SMART_MATCHING: SmartMatching = {
  enabled: false,
  filterKeywords: '^[\\s]*([\\w]+\\s?:[\\s]*)+',
  maxCount: 20,
  deltaSubjectCount: 0,
  minAddressCount: 2,
  windowDays: 90,
};

/**
 * An earlier email as the smart-matching index keeps it: what correlation needs of it, plus hashes of its
 * subject words and of its parties (an address, or the row a party points at when it has no address).
 */
export interface SmartEntry extends KnownEmail {
  /** Subject word hashes, sorted. */
  words: string[];
  /** Party hashes: `a…` for an address, `r…` for a row id. */
  parties: string[];
  /** When the email was created (Dataverse) or received (this engine's own): the window is measured by it. */
  at?: string;
  /** The mailbox whose decision made the entry (this engine's own entries). */
  mailboxId?: string;
}

/** Index entries are filed under at least this many of their words, so HashDeltaSubjectCount up to 2 finds them all. */
export const INDEX_PREFIX_WORDS = 3;

function filterRegex(s: Pick<SmartMatching, 'filterKeywords'> | undefined): RegExp | undefined {
  try {
    return new RegExp(s?.filterKeywords ?? DEFAULT_SMART_MATCHING.filterKeywords, 'gi');
  } catch {
    return undefined;
  }
}

/** The subject without HashFilterKeywords noise, words lower-cased and single-spaced. */
export function normalizedSubject(subject: string, s?: Pick<SmartMatching, 'filterKeywords'>): string {
  const re = filterRegex(s);
  return (re ? subject.replace(re, '') : subject).toLowerCase().split(/\s+/).filter(Boolean).join(' ');
}

const hash12 = (v: string) => createHash('sha256').update(v).digest('hex').slice(0, 12);
export const addressHash = (address: string) => `a${hash12(`address:${address.trim().toLowerCase()}`)}`;
export const rowHash = (id: string) => `r${hash12(`row:${id.trim().toLowerCase()}`)}`;

/** One hash per distinct word among the first HashMaxCount words, case and RE:/FW: prefixes ignored; sorted. */
export function subjectHashes(subject: string, s: Pick<SmartMatching, 'filterKeywords' | 'maxCount'>): string[] {
  const words = normalizedSubject(subject, s).split(' ').filter(Boolean).slice(0, Math.max(0, s.maxCount));
  return [...new Set(words.map((w) => hash12(`word:${w}`)))].sort();
}

/** The distinct addresses of From, To, Cc and Bcc, the first HashMaxCount of them. */
export function itemAddresses(item: MailItem, maxCount: number): string[] {
  const all = [item.from, ...item.to, ...item.cc, ...item.bcc].flatMap((a) => (a ? [a.address.toLowerCase()] : []));
  return [...new Set(all)].slice(0, Math.max(0, maxCount));
}

/** A row's smart entry: addresses a party was sent to or from, or the row a party without an address points at. */
export function smartEntryOf(
  e: KnownEmail & { addresses?: string[]; partyIds?: string[]; at?: string; mailboxId?: string },
  s: SmartMatching,
): SmartEntry {
  const first = (xs: string[] | undefined) =>
    [...new Set((xs ?? []).map((x) => x.trim().toLowerCase()).filter(Boolean))].slice(0, Math.max(0, s.maxCount));
  const parties = [...first(e.addresses).map(addressHash), ...first(e.partyIds).map(rowHash)];
  const { addresses: _a, partyIds: _p, ...rest } = e;
  return { ...rest, words: subjectHashes(e.subject ?? '', s), parties: [...new Set(parties)].sort() };
}

/**
 * Keys an entry is filed under: each party with each of its first words in hash order. Two subjects that
 * share all but d of their words share one of their first d+1 words in that order (their smallest common
 * word), so a lookup by an item's first d+1 words finds every entry filed under at least d+1 words.
 */
export function entryKeys(e: SmartEntry, s: Pick<SmartMatching, 'deltaSubjectCount'>): string[] {
  const words = e.words.slice(0, Math.max(INDEX_PREFIX_WORDS, s.deltaSubjectCount + 1));
  return e.parties.flatMap((p) => words.map((w) => `${p}.${w}`));
}

/** Keys to read for an item: its addresses, and the rows they resolve to, with its first d+1 words. */
export function lookupKeys(item: MailItem, s: SmartMatching, rowsOf: (address: string) => string[]): string[] {
  const words = subjectHashes(item.subject, s).slice(0, s.deltaSubjectCount + 1);
  const parties = itemAddresses(item, s.maxCount).flatMap((a) => [addressHash(a), ...rowsOf(a).map(rowHash)]);
  return [...new Set(parties.flatMap((p) => words.map((w) => `${p}.${w}`)))];
}

/**
 * The earlier email this item correlates with, if any. Subjects: the words both have must cover each
 * subject but for at most HashDeltaSubjectCount words (so their counts differ by at most that much), and at
 * least one word is shared. Addresses: at least HashMinAddressCount of the item's addresses are the
 * candidate's (by address, or by the row the address resolves to); at least one, as the search goes by
 * address. Among several, the best match wins: more shared words, then more shared addresses, then the
 * latest, then the activity id, so the order candidates were found in never decides.
 */
export function smartMatch(
  item: MailItem,
  candidates: SmartEntry[],
  s: SmartMatching,
  rowsOf: (address: string) => string[] = () => [],
): SmartEntry | undefined {
  const words = new Set(subjectHashes(item.subject, s));
  if (words.size === 0) return undefined;
  const addresses = itemAddresses(item, s.maxCount).map((a) => [addressHash(a), ...rowsOf(a).map(rowHash)]);
  const since = Date.parse(item.receivedDateTime) - s.windowDays * 86_400_000;
  const minAddresses = Math.max(1, s.minAddressCount);
  const scored: { e: SmartEntry; common: number; shared: number }[] = [];
  const seen = new Set<string>();
  for (const e of candidates) {
    if (seen.has(e.activityid)) continue;
    seen.add(e.activityid);
    if (e.at && Date.parse(e.at) < since) continue;
    const common = e.words.filter((w) => words.has(w)).length;
    if (common === 0 || Math.max(words.size, e.words.length) - common > s.deltaSubjectCount) continue;
    const theirs = new Set(e.parties);
    const shared = addresses.filter((hashes) => hashes.some((h) => theirs.has(h))).length;
    if (shared < minAddresses) continue;
    scored.push({ e, common, shared });
  }
  scored.sort(
    (a, b) =>
      b.common - a.common ||
      b.shared - a.shared ||
      (b.e.at ?? '').localeCompare(a.e.at ?? '') ||
      (a.e.activityid < b.e.activityid ? -1 : a.e.activityid > b.e.activityid ? 1 : 0),
  );
  return scored[0]?.e;
}
