// The dates a patternedRecurrence produces, as Exchange expands a series into occurrences: the calendar dates
// (in the series' zone) from the range's start, by the pattern's rules
// (https://learn.microsoft.com/graph/api/resources/recurrencepattern, recurrencerange).
import type { PatternedRecurrence, RecurrencePatternJson, Weekday } from './recurrence-pattern';
import { WEEK_INDEX, WEEKDAYS } from './recurrence-pattern';

/** No series is expanded past this many occurrences (a guard for "no end" ranges). */
export const MAX_OCCURRENCES = 1000;

const DAY = 86_400_000;
const ms = (date: string) => Date.parse(`${date}T00:00:00Z`);
const ymd = (t: number) => new Date(t).toISOString().slice(0, 10);
const weekday = (t: number) => new Date(t).getUTCDay();
const daysIn = (y: number, m0: number) => new Date(Date.UTC(y, m0 + 1, 0)).getUTCDate();
const dayNums = (days: readonly Weekday[] | undefined) => (days ?? []).map((d) => WEEKDAYS.indexOf(d)).sort();

/** The date of the index-th (or last) of the given weekdays in a month. */
function nthWeekday(y: number, m0: number, p: RecurrencePatternJson): number | undefined {
  const wanted = new Set(dayNums(p.daysOfWeek));
  const all: number[] = [];
  for (let d = 1; d <= daysIn(y, m0); d++) {
    const t = Date.UTC(y, m0, d);
    if (wanted.has(weekday(t))) all.push(t);
  }
  const i = WEEK_INDEX.indexOf(p.index ?? 'first');
  return i === 4 ? all[all.length - 1] : all[i];
}

/** Candidate dates of the period that starts at `t` (a day, a week, a month or a year after the start). */
function* periods(p: RecurrencePatternJson, start: number): Generator<number[]> {
  const s = new Date(start);
  const interval = Math.max(1, p.interval || 1);
  if (p.type === 'daily') for (let t = start; ; t += interval * DAY) yield [t];
  if (p.type === 'weekly') {
    const first = WEEKDAYS.indexOf(p.firstDayOfWeek ?? 'sunday');
    const weekStart = start - ((weekday(start) - first + 7) % 7) * DAY;
    for (let w = weekStart; ; w += interval * 7 * DAY)
      yield dayNums(p.daysOfWeek)
        .map((d) => w + ((d - first + 7) % 7) * DAY)
        .sort((a, b) => a - b);
  }
  const monthly = p.type === 'absoluteMonthly' || p.type === 'relativeMonthly';
  for (let k = 0; ; k += interval) {
    const y = s.getUTCFullYear() + (monthly ? Math.floor((s.getUTCMonth() + k) / 12) : k);
    const m0 = monthly ? (s.getUTCMonth() + k) % 12 : (p.month ?? s.getUTCMonth() + 1) - 1;
    if (p.type === 'relativeMonthly' || p.type === 'relativeYearly') {
      const t = nthWeekday(y, m0, p);
      yield t === undefined ? [] : [t];
    } else yield [Date.UTC(y, m0, Math.min(p.dayOfMonth ?? s.getUTCDate(), daysIn(y, m0)))];
  }
}

/** The occurrence dates (YYYY-MM-DD) of a series, in order, at most `limit` (and never past MAX_OCCURRENCES). */
export function occurrenceDates(r: PatternedRecurrence, limit = MAX_OCCURRENCES): string[] {
  const start = ms(r.range.startDate);
  const end = r.range.type === 'endDate' && r.range.endDate ? ms(r.range.endDate) : Infinity;
  const count = r.range.type === 'numbered' ? (r.range.numberOfOccurrences ?? 1) : Infinity;
  const max = Math.min(limit, count, MAX_OCCURRENCES);
  const out: string[] = [];
  let emptyRun = 0;
  for (const dates of periods(r.pattern, start)) {
    for (const t of dates) {
      if (t < start) continue;
      if (t > end || out.length >= max) return out;
      out.push(ymd(t));
    }
    // A pattern that can never produce a date (weekly with no day) ends instead of looping.
    emptyRun = dates.length ? 0 : emptyRun + 1;
    if (emptyRun > 48 || (dates.length && dates[0] > end)) return out;
  }
  return out;
}
