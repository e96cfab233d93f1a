// A recurring series on both sides: Graph's patternedRecurrence on the series master event
// (https://learn.microsoft.com/graph/api/resources/patternedrecurrence) ↔ the pattern columns of Dataverse's
// recurringappointmentmaster (https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/recurringappointmentmaster).
export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const WEEK_INDEX = ['first', 'second', 'third', 'fourth', 'last'] as const;
export type WeekIndex = (typeof WEEK_INDEX)[number];

export interface RecurrencePatternJson {
  type: 'daily' | 'weekly' | 'absoluteMonthly' | 'relativeMonthly' | 'absoluteYearly' | 'relativeYearly';
  interval: number;
  month?: number;
  dayOfMonth?: number;
  daysOfWeek?: Weekday[];
  firstDayOfWeek?: Weekday;
  index?: WeekIndex;
}

export interface RecurrenceRangeJson {
  type: 'endDate' | 'noEnd' | 'numbered';
  /** YYYY-MM-DD in the series' zone. */
  startDate: string;
  endDate?: string;
  numberOfOccurrences?: number;
  recurrenceTimeZone?: string;
}

export interface PatternedRecurrence {
  pattern: RecurrencePatternJson;
  range: RecurrenceRangeJson;
}

/** The pattern columns of a recurringappointmentmaster row. */
export interface MasterPattern {
  /** 0 Daily, 1 Weekly, 2 Monthly, 3 Yearly. */
  recurrencepatterntype: 0 | 1 | 2 | 3;
  interval: number;
  /** Sunday 1, Monday 2, Tuesday 4, … Saturday 64. */
  daysofweekmask?: number;
  isweekdaypattern?: boolean;
  dayofmonth?: number;
  /** 1 January … 12 December. */
  monthofyear?: number;
  /** 1 First … 4 Fourth, 5 Last. */
  instance?: number;
  isnthmonthly?: boolean;
  isnthyearly?: boolean;
  /** 0 Sunday … 6 Saturday. */
  firstdayofweek?: number;
  /** 1 No End Date, 2 Occurrences, 3 Pattern End Date. */
  patternendtype: 1 | 2 | 3;
  occurrences?: number;
  patternstartdate: string;
  patternenddate?: string;
}

/** Monday to Friday. */
const WEEKDAY_MASK = 2 + 4 + 8 + 16 + 32;
export const maskOf = (days: readonly Weekday[] | undefined): number =>
  (days ?? []).reduce((m, d) => m | (1 << WEEKDAYS.indexOf(d)), 0);
export const daysOf = (mask: number | undefined): Weekday[] => WEEKDAYS.filter((_, i) => ((mask ?? 0) >> i) & 1);

/** Graph → Dataverse. Weekly Monday to Friday every week is Dataverse's "every weekday" daily pattern. */
export function toMasterPattern(r: PatternedRecurrence): MasterPattern {
  const p = r.pattern;
  const mask = maskOf(p.daysOfWeek);
  const typeCode = {
    daily: 0,
    weekly: 1,
    absoluteMonthly: 2,
    relativeMonthly: 2,
    absoluteYearly: 3,
    relativeYearly: 3,
  }[p.type] as MasterPattern['recurrencepatterntype'];
  const everyWeekday = p.type === 'weekly' && p.interval === 1 && mask === WEEKDAY_MASK;
  const relative = p.type === 'relativeMonthly' || p.type === 'relativeYearly';
  return {
    recurrencepatterntype: everyWeekday ? 0 : typeCode,
    interval: p.interval,
    ...(mask ? { daysofweekmask: mask } : {}),
    ...(everyWeekday ? { isweekdaypattern: true } : {}),
    ...(p.dayOfMonth ? { dayofmonth: p.dayOfMonth } : {}),
    ...(p.month ? { monthofyear: p.month } : {}),
    ...(relative ? { instance: WEEK_INDEX.indexOf(p.index ?? 'first') + 1 } : {}),
    ...(p.type === 'relativeMonthly' ? { isnthmonthly: true } : {}),
    ...(p.type === 'relativeYearly' ? { isnthyearly: true } : {}),
    ...(p.firstDayOfWeek ? { firstdayofweek: WEEKDAYS.indexOf(p.firstDayOfWeek) } : {}),
    patternendtype: r.range.type === 'noEnd' ? 1 : r.range.type === 'numbered' ? 2 : 3,
    ...(r.range.type === 'numbered' ? { occurrences: r.range.numberOfOccurrences ?? 1 } : {}),
    patternstartdate: r.range.startDate,
    ...(r.range.type === 'endDate' && r.range.endDate ? { patternenddate: r.range.endDate } : {}),
  };
}

function patternType(m: MasterPattern): RecurrencePatternJson['type'] {
  if (m.recurrencepatterntype === 0) return m.isweekdaypattern ? 'weekly' : 'daily';
  if (m.recurrencepatterntype === 1) return 'weekly';
  if (m.recurrencepatterntype === 2) return m.isnthmonthly ? 'relativeMonthly' : 'absoluteMonthly';
  return m.isnthyearly ? 'relativeYearly' : 'absoluteYearly';
}

/** Dataverse → Graph, in the zone the series is written in. */
export function toPatternedRecurrence(m: MasterPattern, zone: string): PatternedRecurrence {
  const type = patternType(m);
  const days = m.isweekdaypattern ? daysOf(WEEKDAY_MASK) : daysOf(m.daysofweekmask);
  const pattern: RecurrencePatternJson = {
    type,
    interval: m.isweekdaypattern ? 1 : m.interval,
    ...(days.length ? { daysOfWeek: days } : {}),
    ...(type.startsWith('absolute') && m.dayofmonth ? { dayOfMonth: m.dayofmonth } : {}),
    ...(type.endsWith('Yearly') && m.monthofyear ? { month: m.monthofyear } : {}),
    ...(type.startsWith('relative') ? { index: WEEK_INDEX[(m.instance ?? 1) - 1] ?? 'first' } : {}),
    firstDayOfWeek: WEEKDAYS[m.firstdayofweek ?? 0] ?? 'sunday',
  };
  const start = m.patternstartdate.slice(0, 10);
  const range: RecurrenceRangeJson =
    m.patternendtype === 2
      ? { type: 'numbered', startDate: start, numberOfOccurrences: m.occurrences ?? 1, recurrenceTimeZone: zone }
      : m.patternendtype === 3 && m.patternenddate
        ? { type: 'endDate', startDate: start, endDate: m.patternenddate.slice(0, 10), recurrenceTimeZone: zone }
        : { type: 'noEnd', startDate: start, recurrenceTimeZone: zone };
  return { pattern, range };
}

/** Whether two patterns describe the same series (the "RecurrencePattern" sensitive property). */
export function samePattern(a: MasterPattern, b: MasterPattern): boolean {
  const key = (m: MasterPattern) => JSON.stringify(toPatternedRecurrence(m, ''));
  return key(a) === key(b);
}
