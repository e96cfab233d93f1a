// The kinds of value a setting holds: each gives the label the settings table shows (kind, bounds, values)
// and the parser that turns the raw app-setting text into the typed value, or says what was expected.

/** A raw value that does not parse; the message says what was expected (the setting's name is added). */
export class SettingValueError extends Error {}

const bad: (why: string) => never = (why) => {
  throw new SettingValueError(why);
};

/** Free text, optionally held to a pattern (`why` says what the pattern allows). */
export const text = (pattern?: RegExp, why?: string) => ({
  kind: 'string' as const,
  parse: (raw: string): string => (pattern && !pattern.test(raw) ? bad(why ?? `does not match ${pattern}`) : raw),
});

/** An absolute http(s) URL, trailing slashes removed. */
export const url = () => ({
  kind: 'url' as const,
  parse: (raw: string): string => {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      return bad(`"${raw}" is not an absolute URL`);
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') bad('must be an http(s) URL');
    return raw.replace(/\/+$/, '');
  },
});

/** A whole number from min to max. */
export const int = (min: number, max: number) => ({
  kind: 'int' as const,
  min,
  max,
  parse: (raw: string): number => {
    if (!/^-?\d+$/.test(raw.trim())) bad(`"${raw}" is not a whole number`);
    const n = Number(raw);
    if (n < min) bad(`${n} is below the minimum ${min}`);
    if (n > max) bad(`${n} is above the maximum ${max}`);
    return n;
  },
});

/** true/1/yes or false/0/no, any case. */
export const bool = () => ({
  kind: 'bool' as const,
  parse: (raw: string): boolean => {
    const v = raw.trim().toLowerCase();
    if (['true', '1', 'yes'].includes(v)) return true;
    if (['false', '0', 'no'].includes(v)) return false;
    return bad(`"${raw}" is not true or false`);
  },
});

/** One of the given names, exactly. */
export const oneOf = <const V extends readonly string[]>(values: V) => ({
  kind: 'enum' as const,
  values,
  parse: (raw: string): V[number] =>
    (values as readonly string[]).includes(raw) ? raw : bad(`"${raw}" is not one of ${values.join(', ')}`),
});

/** A 6-field NCRONTAB expression, seconds first, as the Functions timer trigger takes it. */
export const cron = () => ({
  kind: 'cron' as const,
  parse: (raw: string): string => {
    const fields = raw.trim().split(/\s+/);
    if (fields.length !== 6 || !fields.every((f) => /^[\d*/,-]+$/.test(f)))
      bad(`"${raw}" is not a 6-field NCRONTAB expression (seconds first)`);
    return raw.trim();
  },
});

interface PartyTable {
  logicalName: string;
  columns: string[];
}

/** `new_vendor:emailaddress|emailaddress2, other:email` -> tables and columns (at most 20 tables: a cap on lookup cost). */
function parsePartyTables(raw: string): PartyTable[] {
  const items = raw
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  if (items.length > 20) bad('at most 20 extra tables');
  return items.map((item) => {
    const m = /^([a-z][a-z0-9_]*):([a-z0-9_]+(?:\|[a-z0-9_]+)*)$/i.exec(item);
    if (!m) bad(`"${item}" is not logicalname:column|column`);
    return { logicalName: m[1].toLowerCase(), columns: m[2].toLowerCase().split('|') };
  });
}

/** Extra email-enabled tables for party resolution (the table shows it as text: its format is in the doc). */
export const partyTables = () => ({ kind: 'string' as const, parse: parsePartyTables });
