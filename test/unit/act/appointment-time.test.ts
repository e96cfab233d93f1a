// Appointment times between Dataverse (UTC) and Graph (wall clock + zone), across DST edges and all-day spans.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  allDaySpan,
  graphTimeToUtc,
  isMidnightIn,
  utcToGraphTime,
  wallToUtcMs,
} from '../../../shared/domain/act/appointment-time';
import { ianaZone } from '../../../shared/domain/act/appointment-zones';

const iso = (ms: number) => new Date(ms).toISOString();

describe('Appointment field — scheduledstart/scheduledend ↔ start/end with time zones', () => {
  it('a Windows zone name (as Graph gives it) maps to its IANA zone', () => {
    assert.equal(ianaZone('Pacific Standard Time'), 'America/Los_Angeles');
    assert.equal(ianaZone('W. Europe Standard Time'), 'Europe/Berlin');
    assert.equal(ianaZone('UTC'), 'Etc/UTC');
    assert.equal(ianaZone('Europe/Paris'), 'Europe/Paris');
  });
  it('an unknown zone name is reported (undefined), never guessed', () => {
    assert.equal(ianaZone('Mars Standard Time'), undefined);
    assert.equal(
      graphTimeToUtc({ dateTime: '2026-01-05T10:00:00.0000000', timeZone: 'Mars Standard Time' }),
      undefined,
    );
  });
  it('Graph dateTime + Windows zone → Dataverse UTC, winter and summer', () => {
    const t = (dateTime: string) => graphTimeToUtc({ dateTime, timeZone: 'W. Europe Standard Time' });
    assert.equal(t('2026-01-15T10:00:00.0000000'), '2026-01-15T09:00:00Z');
    assert.equal(t('2026-07-15T10:00:00.0000000'), '2026-07-15T08:00:00Z');
  });
  it('Dataverse UTC → Graph dateTime in the user zone, keeping the zone name as given', () => {
    assert.deepEqual(utcToGraphTime('2026-07-15T08:00:00Z', 'W. Europe Standard Time'), {
      dateTime: '2026-07-15T10:00:00.0000000',
      timeZone: 'W. Europe Standard Time',
    });
    assert.deepEqual(
      utcToGraphTime('2026-01-15T18:30:00Z', 'Pacific Standard Time').dateTime,
      '2026-01-15T10:30:00.0000000',
    );
  });
  it('DST edge (spring): a wall time the clocks skip moves forward by the gap', () => {
    // New York skips 02:00-03:00 on 2026-03-08: 02:30 is read as 03:30 EDT (07:30Z).
    assert.equal(iso(wallToUtcMs('2026-03-08T02:30:00', 'America/New_York')), '2026-03-08T07:30:00.000Z');
    // Just before and after the gap are exact.
    assert.equal(iso(wallToUtcMs('2026-03-08T01:59:00', 'America/New_York')), '2026-03-08T06:59:00.000Z');
    assert.equal(iso(wallToUtcMs('2026-03-08T03:00:00', 'America/New_York')), '2026-03-08T07:00:00.000Z');
  });
  it('DST edge (autumn): a wall time that happens twice is the earlier one', () => {
    // Berlin repeats 02:00-03:00 on 2026-10-25: 02:30 CEST is 00:30Z, 02:30 CET would be 01:30Z.
    assert.equal(iso(wallToUtcMs('2026-10-25T02:30:00', 'Europe/Berlin')), '2026-10-25T00:30:00.000Z');
    assert.equal(iso(wallToUtcMs('2026-10-25T03:00:00', 'Europe/Berlin')), '2026-10-25T02:00:00.000Z');
  });
  it('DST edge: a meeting across the change keeps its real length in UTC', () => {
    const start = graphTimeToUtc({ dateTime: '2026-10-25T01:00:00', timeZone: 'Europe/Berlin' })!;
    const end = graphTimeToUtc({ dateTime: '2026-10-25T04:00:00', timeZone: 'Europe/Berlin' })!;
    assert.equal((Date.parse(end) - Date.parse(start)) / 3_600_000, 4);
  });
  it('a southern-hemisphere zone changes the other way (Sydney, April)', () => {
    assert.equal(
      graphTimeToUtc({ dateTime: '2026-04-05T12:00:00.0000000', timeZone: 'AUS Eastern Standard Time' }),
      '2026-04-05T02:00:00Z',
    );
    assert.equal(
      graphTimeToUtc({ dateTime: '2026-01-05T12:00:00.0000000', timeZone: 'AUS Eastern Standard Time' }),
      '2026-01-05T01:00:00Z',
    );
  });
});

describe('Appointment field — isalldayevent ↔ isAllDay (midnight to midnight in the zone)', () => {
  it('a Dataverse all-day row (local midnights in UTC) is whole days in the event zone', () => {
    // 2026-07-15 all day in Berlin: 2026-07-14T22:00Z to 2026-07-15T22:00Z.
    const s = allDaySpan('2026-07-14T22:00:00Z', '2026-07-15T22:00:00Z', 'W. Europe Standard Time');
    assert.deepEqual(s.start, { dateTime: '2026-07-15T00:00:00.0000000', timeZone: 'W. Europe Standard Time' });
    assert.deepEqual(s.end, { dateTime: '2026-07-16T00:00:00.0000000', timeZone: 'W. Europe Standard Time' });
  });
  it('an all-day span that ends off midnight runs to the next midnight; an empty one is one day', () => {
    const s = allDaySpan('2026-07-14T22:00:00Z', '2026-07-15T10:00:00Z', 'Europe/Berlin');
    assert.equal(s.end.dateTime, '2026-07-16T00:00:00.0000000');
    const e = allDaySpan('2026-07-14T22:00:00Z', '2026-07-14T22:00:00Z', 'Europe/Berlin');
    assert.equal(e.end.dateTime, '2026-07-16T00:00:00.0000000');
    assert.equal(e.start.dateTime, '2026-07-15T00:00:00.0000000');
  });
  it('an all-day event on a DST day is 23 hours long in UTC, midnight to midnight', () => {
    const start = graphTimeToUtc({ dateTime: '2026-03-29T00:00:00.0000000', timeZone: 'Europe/Berlin' })!;
    const end = graphTimeToUtc({ dateTime: '2026-03-30T00:00:00.0000000', timeZone: 'Europe/Berlin' })!;
    assert.equal(start, '2026-03-28T23:00:00Z');
    assert.equal((Date.parse(end) - Date.parse(start)) / 3_600_000, 23);
    assert.equal(isMidnightIn(end, 'Europe/Berlin'), true);
  });
});
