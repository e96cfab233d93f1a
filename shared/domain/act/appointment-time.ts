// Appointment times between the two sides: Dataverse keeps scheduledstart/scheduledend in UTC; Graph gives
// and takes a wall-clock dateTime plus a timeZone name, Windows or IANA
// (https://learn.microsoft.com/graph/api/resources/datetimetimezone). A wall-clock time that does not exist
// (skipped by a spring-forward change) moves forward by the gap; one that exists twice (autumn) is the earlier:
// the "compatible" rule of JavaScript's Temporal and of calendar clients.
import { ianaZone } from './appointment-zones';

export interface GraphTime {
  dateTime: string;
  timeZone: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** The wall clock of an instant in an IANA zone, read as if it were UTC (epoch ms). */
function wallAsUtc(ms: number, zone: string): number {
  const p: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(ms)))
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
}

const offsetAt = (ms: number, zone: string) => wallAsUtc(ms, zone) - Math.floor(ms / 1000) * 1000;

const WALL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,7})?)?$/;

/** Epoch ms of a wall-clock dateTime (no offset) in an IANA zone; NaN when the text is not one. */
export function wallToUtcMs(dateTime: string, zone: string): number {
  const m = WALL.exec(dateTime.trim());
  if (!m) return NaN;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
  const DAY = 86_400_000;
  const before = offsetAt(wall - DAY, zone);
  const after = offsetAt(wall + DAY, zone);
  const valid = [wall - before, wall - after].filter((t) => wallAsUtc(t, zone) === wall);
  if (valid.length > 0) return Math.min(...valid);
  return wall - before;
}

/** A Graph dateTimeTimeZone as a UTC instant (ISO, seconds), or undefined when the value or its zone is unknown. */
export function graphTimeToUtc(t: GraphTime | undefined): string | undefined {
  if (!t || typeof t.dateTime !== 'string') return undefined;
  const zone = ianaZone(t.timeZone);
  if (!zone) return undefined;
  const ms = wallToUtcMs(t.dateTime.replace(/Z$/, ''), zone);
  return Number.isNaN(ms) ? undefined : toIsoSeconds(ms);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const toIsoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The wall clock of a UTC instant in a zone, in Graph's dateTime form (seven fraction digits). */
export function utcToWall(utc: string, zone: string): string {
  const iana = ianaZone(zone);
  if (!iana) throw new RangeError(`unknown time zone ${zone}`);
  const d = new Date(wallAsUtc(Date.parse(utc), iana));
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return `${date}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.0000000`;
}

/** A Dataverse UTC time as Graph's dateTimeTimeZone in the zone the event is written in. */
export function utcToGraphTime(utc: string, zone: string): GraphTime {
  return { dateTime: utcToWall(utc, zone), timeZone: zone };
}

/** Whether a UTC instant falls on midnight in the zone (an all-day boundary). */
export function isMidnightIn(utc: string, zone: string): boolean {
  return utcToWall(utc, zone).slice(11, 19) === '00:00:00';
}

/** The calendar date (YYYY-MM-DD) of a UTC instant in a zone. */
export function dateIn(utc: string, zone: string): string {
  return utcToWall(utc, zone).slice(0, 10);
}

/** The date after a YYYY-MM-DD date. */
export function nextDate(date: string): string {
  const ms = Date.parse(`${date}T00:00:00Z`) + 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * An all-day span in a zone: midnight to midnight, whole days. A start that is not midnight keeps its date;
 * an end that is not midnight runs to the next midnight, so the span still covers the row's time.
 */
export function allDaySpan(startUtc: string, endUtc: string, zone: string): { start: GraphTime; end: GraphTime } {
  const startDate = dateIn(startUtc, zone);
  let endDate = isMidnightIn(endUtc, zone) ? dateIn(endUtc, zone) : nextDate(dateIn(endUtc, zone));
  if (endDate <= startDate) endDate = nextDate(startDate);
  return {
    start: { dateTime: `${startDate}T00:00:00.0000000`, timeZone: zone },
    end: { dateTime: `${endDate}T00:00:00.0000000`, timeZone: zone },
  };
}
