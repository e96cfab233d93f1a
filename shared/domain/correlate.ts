// Correlation in SSS's order (sss-behaviour.md 1.5): In-Reply-To, then tracking token. Later methods
// (conversation index, smart matching, References) slot in here in that order.
import type { CorrelationMethod } from './reasons';
import type { EntityRef } from './refs';
import type { MailItem } from './item';

/** An earlier email the engine can correlate with, from Dataverse or from the correlation index. */
export interface KnownEmail {
  messageKey?: string;
  activityid: string;
  outgoing: boolean;
  regarding?: EntityRef;
  trackingtoken?: string;
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
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Tracking tokens found in a subject, upper-cased, last occurrence first (it is appended at the end). */
export function findTrackingTokens(subject: string, s: Pick<CorrelationSettings, 'tokenPrefixes' | 'tokenDigits'>): string[] {
  const found: { at: number; token: string }[] = [];
  for (const prefix of s.tokenPrefixes) {
    if (!prefix) continue;
    const re = new RegExp(`${escape(prefix)}(\\d{${s.tokenDigits}})(?!\\d)`, 'gi');
    for (const m of subject.matchAll(re)) found.push({ at: m.index ?? 0, token: `${prefix}${m[1]}`.toUpperCase() });
  }
  // By position in the subject, not by prefix: with a prefix history the newest token may use any prefix.
  return found.sort((a, b) => b.at - a.at).map((f) => f.token);
}

/** Prefers the outgoing row (the email Dynamics sent) when both directions of a message are known. */
const pick = (list: KnownEmail[]): KnownEmail | undefined => list.find((e) => e.outgoing) ?? list[0];

export function correlate(item: MailItem, known: KnownEmails, s: CorrelationSettings): Correlation {
  if (s.headerCorrelation && !s.ignoreHeaderCorrelation) {
    for (const key of item.inReplyTo) {
      const hit = pick(known.byMessageKey(key).filter((e) => e.messageKey !== item.messageKey));
      if (hit) return { method: 'InReplyTo', target: hit, setsParent: true };
    }
  }
  if (s.tokensEnabled) {
    for (const token of findTrackingTokens(item.subject, s)) {
      const hit = pick(known.byToken(token).filter((e) => e.messageKey !== item.messageKey));
      if (hit) return { method: 'TrackingToken', target: hit, setsParent: false };
    }
  }
  return { method: 'None', setsParent: false };
}
