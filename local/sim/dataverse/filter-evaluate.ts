// Evaluating a parsed $filter against a row: SQL-style comparison (nulls match only `eq null`/`ne null`,
// strings compare case-insensitively), LIKE for contains/startswith/endswith, and the CRM query functions.
import { invalidArgument } from './errors';
import type { Expr } from './filter';
import { scalarText } from '../json-scalar';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/**
 * SQL-style comparison: undefined when either side is null (so only `eq null`/`ne null` match nulls), or is an
 * object or array, which has no order.
 */
export function compareValues(a: unknown, b: unknown): number | undefined {
  if (a === null || a === undefined || b === null || b === undefined) return undefined;
  if (typeof a === 'string' && typeof b === 'string') {
    if (ISO.test(a) && ISO.test(b)) return Math.sign(Date.parse(a) - Date.parse(b));
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'number' && typeof b === 'string') return Math.sign(a - Number(b));
  if (typeof a === 'string' && typeof b === 'number') return Math.sign(Number(a) - b);
  if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b);
  return undefined;
}

function value(e: Expr, row: Record<string, unknown>): unknown {
  switch (e.kind) {
    case 'lit':
      return e.value;
    case 'prop':
      return row[e.name] ?? null;
    case 'list':
      return e.items.map((x) => value(x, row));
    default:
      return test(e, row);
  }
}

/**
 * The service runs contains/startswith/endswith as SQL LIKE, so `%`, `_`, `[…]` and `[^…]` in the value are
 * wildcards, and a wildcard in brackets (`[%]`, `[_]`, `[[]`) is the character itself
 * (learn.microsoft.com/power-apps/developer/data-platform/wildcard-characters).
 */
const LIKE_CACHE = new Map<string, RegExp>();
export function likePattern(pattern: string): RegExp {
  const cached = LIKE_CACHE.get(pattern);
  if (cached) return cached;
  if (LIKE_CACHE.size > 1000) LIKE_CACHE.clear();
  const compiled = compileLike(pattern);
  LIKE_CACHE.set(pattern, compiled);
  return compiled;
}

function compileLike(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      const body = pattern.slice(i + 1, end);
      const negated = body.startsWith('^') && body.length > 1;
      const chars = (negated ? body.slice(1) : body).replace(/[\\\]^]/g, '\\$&');
      re += `[${negated ? '^' : ''}${chars}]`;
      i = end;
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'i');
}

const str = (v: unknown): string | undefined => scalarText(v)?.toLowerCase();

function callFn(e: Extract<Expr, { kind: 'call' }>, row: Record<string, unknown>): boolean {
  const name = e.name.replace(/^Microsoft\.Dynamics\.CRM\./i, '').toLowerCase();
  if (name === 'contains' || name === 'startswith' || name === 'endswith') {
    const [h, n] = e.args.map((a) => str(value(a, row)));
    if (h === undefined || n === undefined) return false;
    return likePattern(name === 'startswith' ? `${n}%` : name === 'endswith' ? `%${n}` : `%${n}%`).test(h);
  }
  if (name === 'in' || name === 'notin') {
    const pn = e.named?.PropertyName;
    const pv = e.named?.PropertyValues;
    if (pn?.kind !== 'lit' || typeof pn.value !== 'string' || pv?.kind !== 'list') {
      throw invalidArgument(`${e.name} needs PropertyName='…' and PropertyValues=[…]`);
    }
    const v = row[pn.value] ?? null;
    if (v === null) return false;
    const hit = pv.items.some((x) => compareValues(v, value(x, row)) === 0);
    return name === 'in' ? hit : !hit;
  }
  if (name === 'null' || name === 'notnull') {
    const pn = e.named?.PropertyName;
    const v = pn?.kind === 'lit' && typeof pn.value === 'string' ? (row[pn.value] ?? null) : null;
    return name === 'null' ? v === null : v !== null;
  }
  throw invalidArgument(`The function '${e.name}' is not supported by this simulator.`);
}

export function test(e: Expr, row: Record<string, unknown>): boolean {
  switch (e.kind) {
    case 'and':
      return test(e.left, row) && test(e.right, row);
    case 'or':
      return test(e.left, row) || test(e.right, row);
    case 'not':
      return !test(e.expr, row);
    case 'call':
      return callFn(e, row);
    case 'cmp': {
      const a = value(e.left, row);
      const b = value(e.right, row);
      const aNull = a === null || a === undefined;
      const bNull = b === null || b === undefined;
      if (aNull || bNull) {
        if (e.op === 'eq') return aNull && bNull;
        if (e.op === 'ne') return aNull !== bNull && (e.right.kind === 'lit' ? bNull : aNull);
        return false;
      }
      const c = compareValues(a, b);
      if (c === undefined) return e.op === 'ne'; // an object or array equals nothing
      switch (e.op) {
        case 'eq':
          return c === 0;
        case 'ne':
          return c !== 0;
        case 'gt':
          return c > 0;
        case 'ge':
          return c >= 0;
        case 'lt':
          return c < 0;
        case 'le':
          return c <= 0;
      }
      return false;
    }
    case 'prop':
      return row[e.name] === true;
    case 'lit':
      return e.value === true;
    default:
      return false;
  }
}
