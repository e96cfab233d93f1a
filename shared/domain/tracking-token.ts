// Tracking tokens of outgoing email as Dynamics 365 builds them: prefix, one fixed designator digit, the
// user's number, then the user's message counter ("Use tracking tokens", learn.microsoft.com/power-platform/
// admin/email-message-tracking-correlation). Appended to the subject after a space, within Exchange's
// 255-character subject.

export interface TokenFormat {
  /** The current prefix (e.g. `CRM:`). */
  prefix: string;
  /** Digits of the user number (trackingtokeniddigits, default 3). */
  userDigits: number;
  /** The largest counter (maximumtrackingnumber, default 999): its digits are the counter's, then it wraps to 0. */
  maxCounter: number;
  /** Added to each user's number (trackingtokenidbase, default 0). */
  base: number;
}

/** The legacy online/offline designator, always this digit. */
const DESIGNATOR = '0';
/** Exchange's longest subject (MaximumSubjectLengthOnMailServer). */
export const MAX_SUBJECT_CHARS = 255;

const counterDigits = (f: TokenFormat) => String(Math.max(1, f.maxCounter)).length;

/** What every token of one user starts with: prefix, designator and the user's number. */
export function userTokenStem(f: TokenFormat, userNumber: number): string {
  return `${f.prefix}${DESIGNATOR}${String(f.base + userNumber).padStart(f.userDigits, '0')}`;
}

/** The token after `last` (that user's latest token, if any): the counter goes up by one and wraps past the maximum. */
export function nextToken(f: TokenFormat, userNumber: number, last: string | undefined): string {
  const stem = userTokenStem(f, userNumber);
  const digits = counterDigits(f);
  const tail = last?.toUpperCase().startsWith(stem.toUpperCase()) ? last.slice(stem.length) : undefined;
  const previous = tail !== undefined && /^\d+$/.test(tail) && tail.length === digits ? Number(tail) : 0;
  const counter = previous >= f.maxCounter ? 0 : previous + 1;
  return `${stem}${String(counter).padStart(digits, '0')}`;
}

/**
 * The subject as sent: subject, a space and the token, the subject cut so the whole fits in 255 characters;
 * when the token alone does not fit, the subject cut to 255 and no token. `token` is what the row keeps.
 */
export function subjectWithToken(subject: string, token: string | undefined): { subject: string; token?: string } {
  if (!token) return { subject: subject.slice(0, MAX_SUBJECT_CHARS) };
  const room = MAX_SUBJECT_CHARS - token.length - 1;
  if (room < 0) return { subject: subject.slice(0, MAX_SUBJECT_CHARS) };
  const kept = subject.slice(0, room).trimEnd();
  return { subject: kept ? `${kept} ${token}` : token, token };
}

/**
 * A queue's number in tokens, counted down from the top of the user numbers (the first queue is 999 with three
 * digits and any base), so a queue's tokens have a stem no user and no other queue has: each stem is counted by
 * one mailbox's send jobs only, which run one at a time in the mailbox's session. The number excludes the base,
 * as a user's does; undefined (no token) when the digits leave no room.
 */
export function queueTokenNumber(f: TokenFormat, position: number): number | undefined {
  const n = 10 ** f.userDigits - position - f.base;
  return position >= 1 && n >= 1 ? n : undefined;
}
