// Smart matching (sss-behaviour.md 1.5): subject words with noise removed by HashFilterKeywords, and
// address sets; two emails correlate when their subject hash counts differ by at most
// HashDeltaSubjectCount and they share at least HashMinAddressCount addresses, within the window.
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
  enabled: false, filterKeywords: '^[\\s]*([\\w]+\\s?:[\\s]*)+', maxCount: 20, deltaSubjectCount: 0, minAddressCount: 2, windowDays: 90,
};

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

/** One "hash" per non-empty word, case and RE:/FW: prefixes ignored, the first HashMaxCount words. */
export function subjectHashes(subject: string, s: Pick<SmartMatching, 'filterKeywords' | 'maxCount'>): string[] {
  return normalizedSubject(subject, s).split(' ').filter(Boolean).slice(0, s.maxCount);
}

export function addressHashes(item: MailItem, maxCount: number): string[] {
  const all = [item.from, ...item.to, ...item.cc, ...item.bcc].flatMap((a) => (a ? [a.address.toLowerCase()] : []));
  return [...new Set(all)].slice(0, maxCount);
}

/**
 * `rowsOf` gives the rows an address resolves to: an earlier email's party may carry only the row it
 * points at (a party resolved by id, with no addressused), and it is still the same address.
 */
export function smartMatch(item: MailItem, candidates: KnownEmail[], s: SmartMatching, rowsOf: (address: string) => string[] = () => []): KnownEmail | undefined {
  const words = subjectHashes(item.subject, s);
  if (words.length === 0) return undefined;
  const addresses = addressHashes(item, s.maxCount);
  const since = Date.parse(item.receivedDateTime) - s.windowDays * 86_400_000;
  const matches = candidates.filter((c) => {
    if (c.subject === undefined || (!c.addresses && !c.partyIds)) return false;
    if (c.createdon && Date.parse(c.createdon) < since) return false;
    const theirs = subjectHashes(c.subject, s);
    if (Math.abs(theirs.length - words.length) > s.deltaSubjectCount) return false;
    const shorter = theirs.length <= words.length ? theirs : words;
    const longer = new Set(shorter === theirs ? words : theirs);
    if (!shorter.every((w) => longer.has(w))) return false;
    const theirAddresses = new Set((c.addresses ?? []).map((a) => a.toLowerCase()));
    const theirRows = new Set((c.partyIds ?? []).map((id) => id.toLowerCase()));
    const shared = addresses.filter((a) => theirAddresses.has(a) || rowsOf(a).some((id) => theirRows.has(id.toLowerCase())));
    return shared.length >= s.minAddressCount;
  });
  // The most recent earlier email wins, as a reply continues the latest message of a thread.
  // The activity id breaks ties, so the order rows were found in never decides.
  return matches.sort((a, b) => (b.createdon ?? '').localeCompare(a.createdon ?? '') || a.activityid.localeCompare(b.activityid))[0];
}
