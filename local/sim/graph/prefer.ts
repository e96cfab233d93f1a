// The Prefer header (RFC 7240): several preferences may share one header or come in several headers.
import type { IncomingHttpHeaders } from 'node:http';

export interface Preferences {
  maxPageSize?: number;
  immutableId: boolean;
  /** outlook.body-content-type="text": HTML bodies come back as plain text. */
  bodyText: boolean;
  /** outlook.timezone="…": event start and end come back in this zone (Windows or IANA name) instead of UTC. */
  timeZone?: string;
}

/** Splits on commas outside quotes, so `IdType="ImmutableId", odata.maxpagesize=5` yields two entries. */
function splitList(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter(Boolean);
}

export function parsePrefer(headers: IncomingHttpHeaders): Preferences {
  const raw = headers.prefer;
  const text = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  const prefs: Preferences = { immutableId: false, bodyText: false };
  for (const entry of splitList(text)) {
    const eq = entry.indexOf('=');
    const name = (eq < 0 ? entry : entry.slice(0, eq)).trim().toLowerCase();
    const value =
      eq < 0
        ? ''
        : entry
            .slice(eq + 1)
            .trim()
            .replace(/^"(.*)"$/, '$1');
    if (name === 'odata.maxpagesize') {
      const n = Number(value);
      if (Number.isInteger(n) && n > 0) prefs.maxPageSize = n;
    } else if (name === 'idtype' && value.toLowerCase() === 'immutableid') {
      prefs.immutableId = true;
    } else if (name === 'outlook.body-content-type') {
      prefs.bodyText = value.toLowerCase() === 'text';
    } else if (name === 'outlook.timezone' && value) {
      prefs.timeZone = value;
    }
  }
  return prefs;
}
