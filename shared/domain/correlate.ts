// Correlation in SSS's order (learn.microsoft.com, "Use email message filtering and correlation"):
// In-Reply-To, tracking token, conversation index, smart matching; the first hit wins. Enhanced: References
// (newest first) right after In-Reply-To, and a same-subject guard that keeps a forwarded thread from
// pulling unrelated mail into a record.
import type { CorrelationMethod } from './reasons';
import type { EntityRef } from './refs';
import type { MailItem } from './item';
import { smartMatch, type SmartEntry, type SmartMatching, normalizedSubject } from './smart-match';

/** An earlier email the engine can correlate with, from Dataverse or from the correlation index. */
export interface KnownEmail {
  messageKey?: string;
  activityid: string;
  outgoing: boolean;
  regarding?: EntityRef;
  trackingtoken?: string;
  ownerId?: string;
  subject?: string;
  conversationRoot?: string;
  /** The whole Thread-Index (base64): a reply's is its parent's plus 5 bytes, so it shows the nearest ancestor. */
  conversationIndex?: string;
  /** Every party address (smart matching). */
  addresses?: string[];
  /** Every party's row id (smart matching, for parties without addressused). */
  partyIds?: string[];
  createdon?: string;
  /** The Exchange item this engine decided the row from (index entries only). */
  graphId?: string;
}

export interface CorrelationSettings {
  /** "Use correlation to track email conversations": the header methods. */
  headerCorrelation: boolean;
  /** IgnoreConversationIndexAndInReplyToForCorrelation. */
  ignoreHeaderCorrelation: boolean;
  tokensEnabled: boolean;
  /** Current prefix first, then the history (organization.trackingprefix is a comma-separated list). */
  tokenPrefixes: string[];
  /** Digits after the prefix: designator + user digits + counter digits. */
  tokenDigits: number;
  smartMatching?: SmartMatching;
  /** Enhanced: walk the References header, newest first, after In-Reply-To. */
  references?: boolean;
  /** Enhanced: header correlation needs the same subject (prefixes like RE:/FW: aside). */
  sameSubjectGuard?: boolean;
}

export interface Correlation {
  method: CorrelationMethod;
  target?: KnownEmail;
  /** SSS sets parentactivityid only for In-Reply-To and ConversationIndex. */
  setsParent: boolean;
}

export interface KnownEmails {
  byMessageKey(key: string): KnownEmail[];
  byToken(token: string): KnownEmail[];
  byConversationRoot(root: string): KnownEmail[];
  /** Earlier emails that may match by subject words and addresses (smart matching), with their hashes. */
  smartCandidates(item: MailItem): SmartEntry[];
  /** Row ids an address resolves to (smart matching compares parties by address or row). */
  rowsOf?(address: string): string[];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Tracking tokens found in a subject, upper-cased, last occurrence first (it is appended at the end). */
export function findTrackingTokens(
  subject: string,
  s: Pick<CorrelationSettings, 'tokenPrefixes' | 'tokenDigits'>,
): string[] {
  const found: { at: number; token: string }[] = [];
  for (const prefix of s.tokenPrefixes) {
    if (!prefix) continue;
    const re = new RegExp(`${escape(prefix)}(\\d{${s.tokenDigits}})(?!\\d)`, 'gi');
    for (const m of subject.matchAll(re)) found.push({ at: m.index ?? 0, token: `${prefix}${m[1]}`.toUpperCase() });
  }
  // By position in the subject, not by prefix: with a prefix history the newest token may use any prefix.
  return found.sort((a, b) => b.at - a.at).map((f) => f.token);
}

const indexHex = (b64: string | undefined) =>
  b64 && /^[A-Za-z0-9+/=]+$/.test(b64) ? Buffer.from(b64, 'base64').toString('hex') : undefined;

/**
 * The one email to correlate with when several qualify (a thread's many rows share its root and often its
 * token): the outgoing row first (the email Dynamics sent, when both directions of a message are known),
 * then the nearest ancestor in the thread (the longest conversation index the item's begins with), then
 * the row nearest the thread's root, then the activity id. The choice never depends on the order rows
 * were found in, so the same mail correlates the same way however the queues interleaved.
 */
function pick(list: KnownEmail[], item: MailItem): KnownEmail | undefined {
  if (list.length <= 1) return list[0];
  const own = indexHex(item.conversationIndex);
  const rank = (e: KnownEmail): [number, number, number] => {
    const hex = indexHex(e.conversationIndex);
    const ancestor = !!own && !!hex && hex.length < own.length && own.startsWith(hex);
    return [e.outgoing ? 0 : 1, ancestor ? -hex.length : 1, hex ? hex.length : Number.MAX_SAFE_INTEGER];
  };
  const ranked = list.map((e) => ({ e, r: rank(e) }));
  ranked.sort(
    (a, b) =>
      a.r[0] - b.r[0] ||
      a.r[1] - b.r[1] ||
      a.r[2] - b.r[2] ||
      (a.e.activityid < b.e.activityid ? -1 : a.e.activityid > b.e.activityid ? 1 : 0),
  );
  return ranked[0].e;
}

export function correlate(item: MailItem, known: KnownEmails, s: CorrelationSettings): Correlation {
  const others = <T extends KnownEmail>(list: T[]) => list.filter((e) => e.messageKey !== item.messageKey);
  const sameThread = (target: KnownEmail) =>
    !s.sameSubjectGuard ||
    target.subject === undefined ||
    normalizedSubject(target.subject, s.smartMatching) === normalizedSubject(item.subject, s.smartMatching);
  const headers = s.headerCorrelation && !s.ignoreHeaderCorrelation;
  if (headers) {
    for (const key of item.inReplyTo) {
      const hit = pick(others(known.byMessageKey(key)), item);
      if (hit && sameThread(hit)) return { method: 'InReplyTo', target: hit, setsParent: true };
    }
    if (s.references) {
      for (const key of [...item.references].reverse()) {
        const hit = pick(others(known.byMessageKey(key)), item);
        if (hit && sameThread(hit)) return { method: 'References', target: hit, setsParent: true };
      }
    }
  }
  if (s.tokensEnabled) {
    for (const token of findTrackingTokens(item.subject, s)) {
      const hit = pick(others(known.byToken(token)), item);
      if (hit) return { method: 'TrackingToken', target: hit, setsParent: false };
    }
  }
  if (headers && item.conversationRoot) {
    const hit = pick(others(known.byConversationRoot(item.conversationRoot)), item);
    if (hit && sameThread(hit)) return { method: 'ConversationIndex', target: hit, setsParent: true };
  }
  if (s.smartMatching?.enabled) {
    const hit = smartMatch(item, others(known.smartCandidates(item)), s.smartMatching, (a) => known.rowsOf?.(a) ?? []);
    if (hit) return { method: 'SmartMatching', target: hit, setsParent: false };
  }
  return { method: 'None', setsParent: false };
}

/**
 * Dataverse's email.correlatedsubjectchanged: whether the subject differs from the correlated email's.
 * As the service compares (learn.microsoft.com, Customer Service "Create a new case when email subject
 * changes"): leading "Re:" prefixes are ignored, "Fw:"/"Fwd:" are not, so a forward counts as changed. We
 * also ignore tracking tokens (added by the system, not by the person replying), white space runs and case.
 * Undefined when the correlated email's subject is not known.
 */
export function correlatedSubjectChanged(
  subject: string,
  target: KnownEmail,
  s: Pick<CorrelationSettings, 'tokenPrefixes' | 'tokenDigits'>,
): boolean | undefined {
  if (target.subject === undefined) return undefined;
  return comparableSubject(subject, s) !== comparableSubject(target.subject, s);
}

function comparableSubject(subject: string, s: Pick<CorrelationSettings, 'tokenPrefixes' | 'tokenDigits'>): string {
  let out = subject;
  for (const prefix of s.tokenPrefixes)
    if (prefix) out = out.replace(new RegExp(`${escape(prefix)}\\d{${s.tokenDigits}}(?!\\d)`, 'gi'), ' ');
  return out
    .replace(/^\s*(re\s*:\s*)+/i, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}
