// Small predicates and the problem list shared by the fixture validators. Every problem names the JSON
// path of the value at fault, in the form a reader can paste into a jq/JS expression.

export type Obj = Record<string, unknown>;

export class Problems {
  readonly list: string[] = [];
  add(path: string, message: string): void {
    this.list.push(`${path || '(root)'}: ${message}`);
  }
}

/** `parent.key`, or `parent["key"]` when the key is not an identifier (addresses, odata annotations). */
export function keyPath(parent: string, key: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

export function indexPath(parent: string, i: number): string {
  return `${parent}[${i}]`;
}

export function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isGuid(v: unknown): v is string {
  return typeof v === 'string' && GUID.test(v);
}

// A date and time must carry its zone: "2025-01-10T10:00:00" would be read as local time and shift
// every watermark by the machine's offset. A bare date is UTC midnight in JS, which is unambiguous.
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2}))?$/;
export function isIsoDate(v: unknown): v is string {
  return typeof v === 'string' && ISO_DATE.test(v) && !Number.isNaN(Date.parse(v));
}

/** x@y.z, the shape SSS itself accepts (anything else is an invalid-format address). */
export function looksLikeAddress(v: unknown): v is string {
  return typeof v === 'string' && /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;.]+$/.test(v);
}

/** What was found, for "expected …, got …": never "undefined undefined" for a missing key. */
export function describe(v: unknown): string {
  if (v === undefined) return 'nothing (the key is missing)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return `${typeof v} ${String(v)}`;
  return typeof v === 'object' ? 'an object' : typeof v;
}

/** Checks an optional column's type; returns false when present and wrong. */
export function checkOptional(
  p: Problems,
  record: Obj,
  path: string,
  column: string,
  kind: 'boolean' | 'string' | 'date' | 'guid' | 'address' | { min: number; max: number },
): boolean {
  if (!(column in record) || record[column] === null) return true;
  const v = record[column];
  const at = keyPath(path, column);
  if (kind === 'boolean' && typeof v !== 'boolean') p.add(at, `expected true or false, got ${describe(v)}`);
  else if (kind === 'string' && typeof v !== 'string') p.add(at, `expected a string, got ${describe(v)}`);
  else if (kind === 'date' && !isIsoDate(v))
    p.add(at, `expected an ISO 8601 date and time with its zone (e.g. 2025-01-10T10:00:00Z), got ${describe(v)}`);
  else if (kind === 'guid' && !isGuid(v)) p.add(at, `expected a GUID, got ${describe(v)}`);
  else if (kind === 'address' && !looksLikeAddress(v))
    p.add(at, `expected an email address (x@y.z), got ${describe(v)}`);
  else if (typeof kind === 'object' && !(Number.isInteger(v) && (v as number) >= kind.min && (v as number) <= kind.max))
    p.add(at, `expected an integer from ${kind.min} to ${kind.max}, got ${describe(v)}`);
  else return true;
  return false;
}

/** An array whose elements are all objects; reports the ones that are not and returns the objects with their index. */
export function objectsIn(p: Problems, v: unknown, path: string): Array<[Obj, number]> {
  if (!Array.isArray(v)) {
    p.add(path, `expected an array, got ${describe(v)}`);
    return [];
  }
  const out: Array<[Obj, number]> = [];
  v.forEach((item, i) => {
    if (isObject(item)) out.push([item, i]);
    else p.add(indexPath(path, i), `expected an object, got ${describe(item)}`);
  });
  return out;
}
