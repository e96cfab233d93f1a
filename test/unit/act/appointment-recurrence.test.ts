// Recurring series: Graph's patternedRecurrence ↔ recurringappointmentmaster columns, and the occurrence dates.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  samePattern,
  toMasterPattern,
  toPatternedRecurrence,
  type PatternedRecurrence,
} from '../../../shared/domain/act/recurrence-pattern';
import { occurrenceDates } from '../../../shared/domain/act/recurrence-expand';
import { instanceTypeFor } from '../../../shared/domain/act/recurrence-series';

const rec = (
  pattern: PatternedRecurrence['pattern'],
  range: Partial<PatternedRecurrence['range']> = {},
): PatternedRecurrence => ({
  pattern,
  range: { type: 'numbered', startDate: '2026-06-01', numberOfOccurrences: 4, recurrenceTimeZone: 'UTC', ...range },
});

describe('Appointment field — recurrence pattern ↔ recurring appointment master', () => {
  it('weekly on Monday and Wednesday, 4 times', () => {
    const r = rec({ type: 'weekly', interval: 1, daysOfWeek: ['monday', 'wednesday'], firstDayOfWeek: 'sunday' });
    const m = toMasterPattern(r);
    assert.equal(m.recurrencepatterntype, 1);
    assert.equal(m.daysofweekmask, 2 + 8);
    assert.equal(m.patternendtype, 2);
    assert.equal(m.occurrences, 4);
    assert.deepEqual(toPatternedRecurrence(m, 'UTC'), r);
  });
  it('every weekday is Dataverse daily "every weekday" and back', () => {
    const r = rec({
      type: 'weekly',
      interval: 1,
      daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
      firstDayOfWeek: 'sunday',
    });
    const m = toMasterPattern(r);
    assert.equal(m.recurrencepatterntype, 0);
    assert.equal(m.isweekdaypattern, true);
    assert.deepEqual(toPatternedRecurrence(m, 'UTC'), r);
  });
  it('relative monthly (last Friday), absolute yearly (15 March), end date and no end', () => {
    const last = rec(
      { type: 'relativeMonthly', interval: 1, daysOfWeek: ['friday'], index: 'last', firstDayOfWeek: 'sunday' },
      { type: 'endDate', endDate: '2026-12-31', numberOfOccurrences: undefined },
    );
    const m = toMasterPattern(last);
    assert.deepEqual(
      [m.recurrencepatterntype, m.isnthmonthly, m.instance, m.patternendtype, m.patternenddate],
      [2, true, 5, 3, '2026-12-31'],
    );
    assert.deepEqual(toPatternedRecurrence(m, 'UTC'), {
      ...last,
      range: { type: 'endDate', startDate: '2026-06-01', endDate: '2026-12-31', recurrenceTimeZone: 'UTC' },
    });
    const yearly = rec(
      { type: 'absoluteYearly', interval: 1, month: 3, dayOfMonth: 15, firstDayOfWeek: 'sunday' },
      { type: 'noEnd', numberOfOccurrences: undefined },
    );
    const y = toMasterPattern(yearly);
    assert.deepEqual([y.recurrencepatterntype, y.monthofyear, y.dayofmonth, y.patternendtype], [3, 3, 15, 1]);
    assert.deepEqual(toPatternedRecurrence(y, 'UTC').pattern, yearly.pattern);
  });
  it('a changed interval is a changed pattern', () => {
    const a = toMasterPattern(rec({ type: 'daily', interval: 1 }));
    assert.equal(samePattern(a, { ...a }), true);
    assert.equal(samePattern(a, { ...a, interval: 2 }), false);
  });
  it('Graph event types map to Dataverse instance types', () => {
    assert.deepEqual(
      ['singleInstance', 'seriesMaster', 'occurrence', 'exception'].map((t) => instanceTypeFor(t as never)),
      [0, 1, 2, 3],
    );
  });
});

describe('Recurring series — occurrence dates', () => {
  it('daily every 2 days, 4 times', () => {
    assert.deepEqual(occurrenceDates(rec({ type: 'daily', interval: 2 })), [
      '2026-06-01',
      '2026-06-03',
      '2026-06-05',
      '2026-06-07',
    ]);
  });
  it('weekly on Monday and Wednesday every 2 weeks', () => {
    // 2026-06-01 is a Monday.
    const r = rec({ type: 'weekly', interval: 2, daysOfWeek: ['wednesday', 'monday'] });
    assert.deepEqual(occurrenceDates(r), ['2026-06-01', '2026-06-03', '2026-06-15', '2026-06-17']);
  });
  it('weekly starting mid-week skips the days before the start', () => {
    const r = rec({ type: 'weekly', interval: 1, daysOfWeek: ['monday', 'friday'] }, { startDate: '2026-06-03' });
    assert.deepEqual(occurrenceDates(r), ['2026-06-05', '2026-06-08', '2026-06-12', '2026-06-15']);
  });
  it('absolute monthly on the 31st falls on the last day of shorter months', () => {
    const r = rec({ type: 'absoluteMonthly', interval: 1, dayOfMonth: 31 }, { startDate: '2026-01-31' });
    assert.deepEqual(occurrenceDates(r), ['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30']);
  });
  it('relative monthly: the last Friday and the second Tuesday', () => {
    assert.deepEqual(
      occurrenceDates(rec({ type: 'relativeMonthly', interval: 1, daysOfWeek: ['friday'], index: 'last' }), 3),
      ['2026-06-26', '2026-07-31', '2026-08-28'],
    );
    assert.deepEqual(
      occurrenceDates(rec({ type: 'relativeMonthly', interval: 1, daysOfWeek: ['tuesday'], index: 'second' }), 2),
      ['2026-06-09', '2026-07-14'],
    );
  });
  it('yearly, absolute and relative', () => {
    assert.deepEqual(occurrenceDates(rec({ type: 'absoluteYearly', interval: 1, month: 3, dayOfMonth: 15 }), 2), [
      '2027-03-15',
      '2028-03-15',
    ]);
    assert.deepEqual(
      occurrenceDates(
        rec({ type: 'relativeYearly', interval: 1, month: 11, daysOfWeek: ['thursday'], index: 'fourth' }),
        2,
      ),
      ['2026-11-26', '2027-11-25'],
    );
  });
  it('an end date closes the range; no end stops at the limit; a pattern with no day gives nothing', () => {
    assert.deepEqual(occurrenceDates(rec({ type: 'daily', interval: 1 }, { type: 'endDate', endDate: '2026-06-03' })), [
      '2026-06-01',
      '2026-06-02',
      '2026-06-03',
    ]);
    assert.equal(occurrenceDates(rec({ type: 'daily', interval: 1 }, { type: 'noEnd' }), 50).length, 50);
    assert.deepEqual(occurrenceDates(rec({ type: 'weekly', interval: 1, daysOfWeek: [] }, { type: 'noEnd' })), []);
  });
});
