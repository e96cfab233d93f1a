// The user's sync filters (learn.microsoft.com/dynamics365/outlook-addin/admin-guide/filter-synchronization-of-items):
// `userquery` rows of query type 256 (Outlook filters) per table, FetchXML, enabled when statecode is 0. Several
// filters on a table are OR-ed; no enabled filter means nothing of that table syncs. A condition we cannot
// evaluate faithfully makes the filter "unsupported" and the row's decision says which, never a guess.
import { parseXml, type XmlNode } from './fetchxml';

/** querytype of the Outlook sync filters (16 is the old client's offline filters, not sync). */
export const OUTLOOK_FILTER_QUERY_TYPE = 256;

export interface SyncFilter {
  id: string;
  /** Logical name of the table (`returnedtypecode`). */
  table: string;
  fetchxml: string;
  enabled: boolean;
  ownerId?: string;
}
export interface FilterContext {
  /** The syncing user (systemuserid, lower-cased). */
  userId: string;
  /** Teams the user is a member of (lower-cased ids), for eq-useroruserteams. */
  teamIds: readonly string[];
  now: Date;
}
export type FilterVerdict =
  { match: true } | { match: false; why: 'NoSyncFilter' | 'NotInSyncFilter' } | { unsupported: string };

type Row = Record<string, unknown>;
type Result = boolean | { unsupported: string };
const DAY = 86_400_000;

/** The enabled filters of one table among a user's filters. */
export const filtersFor = (all: readonly SyncFilter[], table: string): SyncFilter[] =>
  all.filter((f) => f.enabled && f.table === table);

/** The union of the table's enabled filters over one row. */
export function rowMatches(filters: readonly SyncFilter[], row: Row, ctx: FilterContext): FilterVerdict {
  if (!filters.length) return { match: false, why: 'NoSyncFilter' };
  let unsupported: string | undefined;
  for (const f of filters) {
    const r = evaluateFetch(f.fetchxml, row, ctx);
    if (r === true) return { match: true };
    if (r !== false) unsupported ??= r.unsupported;
  }
  return unsupported ? { unsupported } : { match: false, why: 'NotInSyncFilter' };
}

export function evaluateFetch(fetchxml: string, row: Row, ctx: FilterContext): Result {
  const doc = parseXml(fetchxml);
  const entity = doc?.name === 'fetch' ? doc.children.find((c) => c.name === 'entity') : undefined;
  if (!entity) return { unsupported: 'FetchXML not readable' };
  return all(entity.children, row, ctx);
}

/** Conditions and filters side by side under an entity or an "and" filter: all must hold. */
function all(nodes: readonly XmlNode[], row: Row, ctx: FilterContext): Result {
  let out: Result = true;
  for (const n of nodes) {
    const r = node(n, row, ctx);
    if (r === false) return false;
    if (r !== true) out = r;
  }
  return out;
}

function node(n: XmlNode, row: Row, ctx: FilterContext): Result {
  if (n.name === 'condition') return condition(n, row, ctx);
  if (n.name === 'link-entity') return { unsupported: `link-entity ${n.attrs.name ?? ''}`.trim() };
  if (n.name !== 'filter') return true; // attribute, order: no effect on which rows
  if ((n.attrs.type ?? 'and').toLowerCase() !== 'or') return all(n.children, row, ctx);
  let unsupported: Result | undefined;
  let any = false;
  for (const c of n.children.filter((x) => x.name === 'condition' || x.name === 'filter' || x.name === 'link-entity')) {
    any = true;
    const r = node(c, row, ctx);
    if (r === true) return true;
    if (r !== false) unsupported ??= r;
  }
  return unsupported ?? !any;
}

const scalar = (v: unknown): string | undefined =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
const lower = (v: unknown) => scalar(v)?.toLowerCase();

function valueOf(row: Row, attr: string): unknown {
  if (attr in row) return row[attr];
  return row[`_${attr}_value`];
}

function compare(a: unknown, b: string): number | undefined {
  if (a === null || a === undefined) return undefined;
  if (typeof a === 'number') return Number(b) === a ? 0 : a < Number(b) ? -1 : 1;
  if (typeof a === 'boolean') return a === (b === 'true' || b === '1') ? 0 : 1;
  const x = scalar(a)?.toLowerCase() ?? '';
  const y = b.toLowerCase();
  return x === y ? 0 : x < y ? -1 : 1;
}

function likeRegex(pattern: string): RegExp {
  const body = pattern
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/%/g, '.*')
    .replace(/_/g, '.');
  return new RegExp(`^${body}$`, 'is');
}

const dayStart = (t: number) => Math.floor(t / DAY) * DAY;

function condition(n: XmlNode, row: Row, ctx: FilterContext): Result {
  const attr = (n.attrs.attribute ?? '').toLowerCase();
  const op = (n.attrs.operator ?? '').toLowerCase();
  if (n.attrs.entityname) return { unsupported: `condition on linked table ${n.attrs.entityname}` };
  const v = valueOf(row, attr);
  const arg = n.attrs.value ?? '';
  const values = n.children.filter((c) => c.name === 'value').map((c) => c.text.trim());
  const str = lower(v);
  switch (op) {
    case 'eq':
      return compare(v, arg) === 0;
    case 'ne':
    case 'neq':
      return compare(v, arg) !== 0;
    case 'in':
      return values.some((x) => compare(v, x) === 0);
    case 'not-in':
      return !values.some((x) => compare(v, x) === 0);
    case 'null':
      return v === null || v === undefined || v === '';
    case 'not-null':
      return !(v === null || v === undefined || v === '');
    case 'like':
      return str !== undefined && likeRegex(arg).test(str);
    case 'not-like':
      return str === undefined || !likeRegex(arg).test(str);
    case 'begins-with':
      return str !== undefined && str.startsWith(arg.toLowerCase());
    case 'not-begin-with':
      return str === undefined || !str.startsWith(arg.toLowerCase());
    case 'ends-with':
      return str !== undefined && str.endsWith(arg.toLowerCase());
    case 'not-end-with':
      return str === undefined || !str.endsWith(arg.toLowerCase());
    case 'eq-userid':
      return str === ctx.userId;
    case 'ne-userid':
      return str !== ctx.userId;
    case 'eq-useroruserteams':
    case 'eq-useruserteams':
      return str === ctx.userId || (str !== undefined && ctx.teamIds.includes(str));
    default:
      return dateCondition(op, v, arg, ctx);
  }
}

/** Comparisons and the relative dates (days in UTC; the user's time zone is not applied). */
function dateCondition(op: string, v: unknown, arg: string, ctx: FilterContext): Result {
  const time = typeof v === 'string' ? Date.parse(v) : NaN;
  const days = Number(arg);
  switch (op) {
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le': {
      const c = isNaN(time) ? compare(v, arg) : time - Date.parse(arg);
      if (c === undefined || isNaN(c)) return false;
      return op === 'gt' ? c > 0 : op === 'ge' ? c >= 0 : op === 'lt' ? c < 0 : c <= 0;
    }
    case 'on':
    case 'on-or-after':
    case 'on-or-before': {
      const d = Date.parse(arg.slice(0, 10));
      if (isNaN(time) || isNaN(d)) return false;
      const t = dayStart(time);
      return op === 'on' ? t === d : op === 'on-or-after' ? t >= d : t <= d;
    }
    case 'today':
    case 'yesterday':
    case 'tomorrow': {
      const shift = op === 'today' ? 0 : op === 'yesterday' ? -DAY : DAY;
      return !isNaN(time) && dayStart(time) === dayStart(ctx.now.getTime()) + shift;
    }
    case 'last-x-days':
    case 'next-x-days': {
      if (isNaN(time) || !Number.isInteger(days)) return false;
      const now = ctx.now.getTime();
      return op === 'last-x-days'
        ? time <= now && time >= dayStart(now) - days * DAY
        : time >= now && time < dayStart(now) + (days + 1) * DAY;
    }
    default:
      return { unsupported: `operator ${op || '(none)'}` };
  }
}
