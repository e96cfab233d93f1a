// Times between the two sides: Dataverse keeps date-time columns in UTC (ISO 8601 with Z); Graph's To Do and
// calendar items carry a dateTimeTimeZone pair (learn.microsoft.com/graph/api/resources/datetimetimezone) whose
// zone is an IANA or a Windows name. Everything is compared as UTC to the second.

/** The Windows zone names Outlook uses most, as IANA zones (CLDR windowsZones, primary territory). */
const WINDOWS_ZONES: Record<string, string> = {
  UTC: 'UTC',
  'Coordinated Universal Time': 'UTC',
  'GMT Standard Time': 'Europe/London',
  'W. Europe Standard Time': 'Europe/Berlin',
  'Romance Standard Time': 'Europe/Paris',
  'Central Europe Standard Time': 'Europe/Budapest',
  'Central European Standard Time': 'Europe/Warsaw',
  'E. Europe Standard Time': 'Europe/Chisinau',
  'FLE Standard Time': 'Europe/Kiev',
  'Eastern Standard Time': 'America/New_York',
  'Central Standard Time': 'America/Chicago',
  'Mountain Standard Time': 'America/Denver',
  'Pacific Standard Time': 'America/Los_Angeles',
  'India Standard Time': 'Asia/Calcutta',
  'China Standard Time': 'Asia/Shanghai',
  'Tokyo Standard Time': 'Asia/Tokyo',
  'AUS Eastern Standard Time': 'Australia/Sydney',
};

/** A UTC instant as ISO 8601 to the second (`2025-01-01T10:00:00Z`), or null for no value or a bad one. */
export function utcSecond(v: unknown): string | null {
  if (typeof v !== 'string' || !v) return null;
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) || !/T/.test(v) ? v : `${v}Z`);
  return isNaN(t) ? null : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Offset of `zone` from UTC at the instant `utcMs`, in ms (Intl gives the zone's wall clock). */
function offsetMs(zone: string, utcMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const n = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - utcMs;
}

/** A Graph dateTimeTimeZone as a UTC instant; undefined when the zone is unknown (reported, never guessed). */
export function fromGraphDateTime(v: unknown): string | null | undefined {
  const o = v as { dateTime?: unknown; timeZone?: unknown } | null | undefined;
  if (!o || typeof o.dateTime !== 'string' || !o.dateTime) return null;
  const wall = o.dateTime.replace(/[zZ]$/, '');
  const zoneName = typeof o.timeZone === 'string' && o.timeZone ? o.timeZone : 'UTC';
  const zone = WINDOWS_ZONES[zoneName] ?? zoneName;
  const asUtc = Date.parse(`${wall}Z`);
  if (isNaN(asUtc)) return null;
  try {
    // Two steps settle the offset across a daylight-saving change.
    const first = asUtc - offsetMs(zone, asUtc);
    return utcSecond(new Date(asUtc - offsetMs(zone, first)).toISOString());
  } catch {
    return undefined;
  }
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
