// Times between the two sides: Dataverse keeps date-time columns in UTC (ISO 8601 with Z); Graph's To Do and
// calendar items carry a dateTimeTimeZone pair (learn.microsoft.com/graph/api/resources/datetimetimezone) whose
// zone is an IANA or a Windows name. Everything is compared as UTC to the second.
import { graphTimeToUtc } from './appointment-time';
import { ianaZone } from './appointment-zones';

/** A UTC instant as ISO 8601 to the second (`2025-01-01T10:00:00Z`), or null for no value or a bad one. */
export function utcSecond(v: unknown): string | null {
  if (typeof v !== 'string' || !v) return null;
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) || !/T/.test(v) ? v : `${v}Z`);
  return isNaN(t) ? null : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A Graph dateTimeTimeZone as a UTC instant; undefined when the zone is unknown (reported, never guessed). */
export function fromGraphDateTime(v: unknown): string | null | undefined {
  const o = v as { dateTime?: unknown; timeZone?: unknown } | null | undefined;
  if (!o || typeof o.dateTime !== 'string' || !o.dateTime) return null;
  const timeZone = typeof o.timeZone === 'string' ? o.timeZone : '';
  if (!ianaZone(timeZone)) return undefined;
  // One conversion for every workload: the appointments' zone table and daylight-saving rule.
  return graphTimeToUtc({ dateTime: o.dateTime, timeZone }) ?? null;
}

/** A UTC instant as Graph's dateTimeTimeZone in UTC, or null to clear the property. */
export function toGraphDateTime(utc: string | null | undefined): { dateTime: string; timeZone: string } | null {
  if (!utc) return null;
  return { dateTime: utc.replace(/Z$/, '').replace(/(\.\d+)?$/, '.0000000'), timeZone: 'UTC' };
}

/** A calendar date (`YYYY-MM-DD`) from a date-only or date-time value, or null. */
export function dateOnly(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(v);
  return m ? m[1] : null;
}
