// GET on a collection: $filter, $select, $orderby, $top, $count, $expand of activity parties, and paging
// with Prefer: odata.maxpagesize (absolute @odata.nextLink with an opaque $skiptoken).
import type { Json } from '../../tenant/fixture';
import type { Db } from './db';
import { invalidArgument, propertyNotFound } from './errors';
import { compareValues, parseFilter, propertiesOf, test } from './filter';
import { resolveNav, type EntityDef } from './metadata';
import { present, type PresentOptions } from './records';
import type { Row } from './store';
import { singleNavs } from './csdl';

export interface Prefer {
  returnRepresentation: boolean;
  maxPageSize?: number;
  annotations: string[];
  continueOnError: boolean;
  /** `odata.track-changes`: answer with an @odata.deltaLink (tracked sets only). */
  trackChanges: boolean;
}

/** Splits a Prefer header on commas outside quotes: `odata.include-annotations="a,b",return=representation`. */
export function parsePrefer(header: string | undefined): Prefer {
  const out: Prefer = { returnRepresentation: false, annotations: [], continueOnError: false, trackChanges: false };
  if (!header) return out;
  const items = header.match(/(?:[^,"]+|"[^"]*")+/g) ?? [];
  for (const item of items) {
    const [name, ...rest] = item.split('=');
    const key = name.trim().toLowerCase();
    const value = rest.join('=').trim().replace(/^"|"$/g, '');
    if (key === 'return' && value === 'representation') out.returnRepresentation = true;
    else if (key === 'odata.maxpagesize' && Number(value) > 0) out.maxPageSize = Math.min(Number(value), 5000);
    else if (key === 'odata.include-annotations') out.annotations.push(...value.split(',').map((s) => s.trim()));
    else if (key === 'odata.continue-on-error') out.continueOnError = true;
    else if (key === 'odata.track-changes') out.trackChanges = true;
  }
  return out;
}

export const wantsLookupNames = (p: Prefer): boolean =>
  p.annotations.some((a) => a === '*' || /^Microsoft\.Dynamics\.CRM\.(\*|lookuplogicalname)$/i.test(a));

const SUPPORTED = new Set(['$filter', '$select', '$orderby', '$top', '$count', '$expand', '$skiptoken']);
const DEFAULT_PAGE = 5000;

type ColumnCheck = (column: string) => void;

function selectList(check: ColumnCheck, raw: string | null): string[] | undefined {
  if (!raw) return undefined;
  const cols = raw
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  for (const c of cols) check(c);
  return cols;
}

/** A single-valued lookup to expand: `regardingobjectid_contact_email($select=fullname)`. */
export interface LookupExpand {
  nav: string;
  column: string;
  /** Target logical name; undefined = whatever the lookup points to (ownerid, bare polymorphic columns). */
  target?: string;
  select?: string[];
}
export interface ExpandSpec {
  parties?: PresentOptions['expandParties'];
  lookups: LookupExpand[];
}

/** Splits on commas outside parentheses and quotes. */
function splitTop(raw: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = false;
  let cur = '';
  for (const c of raw) {
    if (c === "'") quote = !quote;
    if (!quote && c === '(') depth++;
    if (!quote && c === ')') depth--;
    if (!quote && depth === 0 && c === ',') {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  if (cur.trim()) out.push(cur);
  return out.map((s) => s.trim()).filter(Boolean);
}

/**
 * `$expand`: the activity-party collection (`email_activity_parties($select=…)`) and single-valued lookups
 * (`regardingobjectid_contact_email($select=…)`), each with $select only.
 */
export function parseExpandAll(db: Db, set: string, raw: string | null): ExpandSpec {
  const spec: ExpandSpec = { lookups: [] };
  if (!raw) return spec;
  const d = db.def(set);
  for (const item of splitTop(raw)) {
    const m = /^\s*([\w]+)\s*(?:\((.*)\))?\s*$/.exec(item);
    if (!m) throw propertyNotFound(item, d.logical);
    let select: string[] | undefined;
    for (const opt of (m[2] ?? '')
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const [k, v = ''] = opt.split('=');
      if (k.trim().toLowerCase() !== '$select')
        throw invalidArgument(`$expand option '${k}' is not supported by the simulator.`);
      select = v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    }
    if (d.parties && m[1] === d.parties.nav) {
      spec.parties = select ? { select } : {};
      continue;
    }
    const listed = singleNavs(d).find((n) => n.name === m[1]);
    const resolved = listed
      ? {
          column: listed.column,
          logical: listed.target === 'principal' || listed.target === 'crmbaseentity' ? '' : listed.target,
        }
      : d.columns
        ? undefined
        : resolveNav(d, m[1], '');
    if (!resolved || !resolved.column) throw propertyNotFound(m[1], d.logical);
    spec.lookups.push({ nav: m[1], column: resolved.column, target: resolved.logical || undefined, select });
  }
  return spec;
}

/** Adds expanded lookups to a presented row: the target row (with its $select) or null. */
export function addLookupExpansions(db: Db, out: Json, row: Row, lookups: LookupExpand[], annotate: boolean): void {
  for (const l of lookups) {
    const id = row.values[`_${l.column}_value`];
    const logical = row.lookupTypes[l.column];
    if (typeof id !== 'string' || !logical || (l.target && l.target !== logical)) {
      out[l.nav] = null;
      continue;
    }
    const set = db.setOf(logical);
    const target = db.knowsSet(set) ? db.store.get(set, id) : undefined;
    if (l.select) for (const c of l.select) db.checkColumn(set, c);
    out[l.nav] = target ? present(db.def(set), target, { select: l.select, annotate }) : null;
  }
}

function orderBy(check: ColumnCheck, raw: string | null): ((a: Row, b: Row) => number) | undefined {
  if (!raw) return undefined;
  const keys = raw.split(',').map((part) => {
    const [col, dir = 'asc'] = part.trim().split(/\s+/);
    check(col);
    if (!/^(asc|desc)$/i.test(dir)) throw invalidArgument(`Bad $orderby direction '${dir}'.`);
    return { col, sign: dir.toLowerCase() === 'desc' ? -1 : 1 };
  });
  return (a, b) => {
    for (const { col, sign } of keys) {
      const x = a.values[col] ?? null;
      const y = b.values[col] ?? null;
      // SQL Server sorts NULL first ascending.
      const c = x === null ? (y === null ? 0 : -1) : y === null ? 1 : (compareValues(x, y) ?? 0);
      if (c) return c * sign;
    }
    return 0;
  };
}

interface Skip {
  offset: number;
  size: number;
}
const encodeSkip = (s: Skip): string => Buffer.from(JSON.stringify(s)).toString('base64url');
function decodeSkip(token: string): Skip {
  try {
    const s = JSON.parse(Buffer.from(token, 'base64url').toString()) as Skip;
    if (Number.isInteger(s.offset) && Number.isInteger(s.size)) return s;
  } catch {
    /* fall through */
  }
  throw invalidArgument('The $skiptoken is not valid.');
}

/** Rows to query instead of the set's table (derived sets such as `activityparties`), with their definition. */
export interface RowSource {
  def: EntityDef;
  rows: Row[];
}

export function queryCollection(
  db: Db,
  set: string,
  params: URLSearchParams,
  prefer: Prefer,
  baseUrl: string,
  source?: RowSource,
): { body: Json; headers: Record<string, string> } {
  for (const k of params.keys()) {
    if (k.startsWith('$') && !SUPPORTED.has(k)) throw invalidArgument(`The query parameter ${k} is not supported`);
    if (k === 'fetchXml') throw invalidArgument('fetchXml queries are not supported by the simulator.');
  }
  const d = source?.def ?? db.def(set);
  const check: ColumnCheck = source
    ? (c) => {
        if (!source.def.columns?.has(c)) throw propertyNotFound(c, source.def.logical);
      }
    : (c) => db.checkColumn(set, c);
  const select = selectList(check, params.get('$select'));
  const expand = source ? ({ lookups: [] } as ExpandSpec) : parseExpandAll(db, set, params.get('$expand'));
  if (source && params.get('$expand')) throw invalidArgument(`$expand is not supported on ${set} by the simulator.`);
  const expandParties = expand.parties;
  const filterText = params.get('$filter');
  const filter = filterText ? parseFilter(filterText) : undefined;
  if (filter) for (const p of propertiesOf(filter)) check(p);
  const sort = orderBy(check, params.get('$orderby'));
  const topRaw = params.get('$top');
  const top = topRaw === null ? undefined : Number(topRaw);
  if (top !== undefined && !(Number.isInteger(top) && top >= 0)) throw invalidArgument(`Bad $top '${topRaw}'.`);

  // The index only narrows the rows to test (same rows, same order as the scan); derived sets are scanned.
  const indexed = filter && !source ? db.store.index(set).candidates(filter) : undefined;
  let rows = source ? [...source.rows] : (indexed ?? [...db.store.table(set).values()]);
  if (filter) rows = rows.filter((r) => test(filter, r.values));
  if (sort) rows.sort(sort);
  const count = rows.length;

  const headers: Record<string, string> = {};
  const body: Json = {};
  let page: Row[];
  let next: Skip | undefined;
  if (top !== undefined) {
    // $top and odata.maxpagesize "cannot be combined" (query-data-web-api.md); which one the service honours is
    // not confirmed: here $top wins and nothing pages, so a client mixing them gets a bounded answer.
    page = rows.slice(0, top);
  } else {
    const token = params.get('$skiptoken');
    const skip = token ? decodeSkip(token) : undefined;
    const size = prefer.maxPageSize ?? skip?.size ?? DEFAULT_PAGE;
    if (prefer.maxPageSize) headers['Preference-Applied'] = `odata.maxpagesize=${prefer.maxPageSize}`;
    const offset = skip?.offset ?? 0;
    page = rows.slice(offset, offset + size);
    if (offset + size < rows.length) next = { offset: offset + size, size };
  }
  const ctxSelect = select ? `(${select.join(',')})` : '';
  body['@odata.context'] = `${baseUrl}/$metadata#${set}${ctxSelect}`;
  if (params.get('$count') === 'true') body['@odata.count'] = count;
  const annotate = wantsLookupNames(prefer);
  body.value = page.map((r) => {
    const out = present(d, r, { select, annotate, expandParties });
    if (expand.lookups.length) addLookupExpansions(db, out, r, expand.lookups, annotate);
    return out;
  });
  if (next) {
    // Keep the original options readable ($filter, not %24filter), as the service does.
    const q = [...params].filter(([k]) => k !== '$skiptoken').map(([k, v]) => `${k}=${encodeURIComponent(v)}`);
    q.push(`$skiptoken=${encodeSkip(next)}`);
    body['@odata.nextLink'] = `${baseUrl}/${set}?${q.join('&')}`;
  }
  return { body, headers };
}
