// Change tracking (use-change-tracking-synchronize-data-external-systems.md): `Prefer: odata.track-changes` on a
// collection GET returns the rows plus an `@odata.deltaLink` (…?$deltatoken=…); following it returns the rows
// created or updated since, and deletes as `$deletedEntity` entries. Versions are the database-wide row versions,
// so tokens survive snapshot/restore. Pages are keyed on the primary key below a fixed upper version, so rows
// changing while a client pages are never skipped: they come again in the next delta.
import type { Json } from '../../tenant/fixture';
import type { Db } from './db';
import { DataverseError, invalidArgument } from './errors';
import { present } from './records';
import type { Prefer } from './query';
import { wantsLookupNames } from './query';
import type { Row } from './store';

/** Tables with change tracking enabled by default (the ones the sync reads incrementally; appointments and tasks for ACT). */
export const DEFAULT_TRACKED_SETS = [
  'contacts',
  'accounts',
  'leads',
  'systemusers',
  'queues',
  'tasks',
  'appointments',
  'recurringappointmentmasters',
];

const DEFAULT_PAGE = 5000;
/** ExpiredVersionStamp: a change-tracking token older than the changes the organization keeps. */
const EXPIRED_VERSION_STAMP = '0x80044352';
/** Options that cannot be combined with change tracking [INFERENCE: the docs only show $select]. */
const NOT_WITH_TRACKING = ['$filter', '$orderby', '$top', '$expand', '$count', '$apply'];

interface DeltaToken {
  s: string;
  v: number;
}
interface PageToken {
  after?: string;
  to: number;
  size: number;
  from?: number;
}

const enc = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
function dec<T>(text: string, ok: (o: T) => boolean, what: string): T {
  try {
    const o = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as T;
    if (o && ok(o)) return o;
  } catch {
    /* fall through */
  }
  throw invalidArgument(`The ${what} is not valid.`);
}

/** Opaque delta token: `<version>!<checksum-ish payload>`, shaped like the service's `919042!08/22/2017…`. */
export const encodeDeltaToken = (set: string, version: number): string => `${version}!${enc({ s: set, v: version })}`;
export function decodeDeltaToken(token: string): DeltaToken {
  const bang = token.indexOf('!');
  const t = dec<DeltaToken>(
    bang < 0 ? token : token.slice(bang + 1),
    (o) => typeof o.s === 'string' && Number.isInteger(o.v),
    '$deltatoken',
  );
  if (bang >= 0 && token.slice(0, bang) !== String(t.v)) throw invalidArgument('The $deltatoken is not valid.');
  return t;
}

type Item = { key: string; row?: Row };

/** Answers a tracked collection GET, or returns undefined when the request is not a tracking one. */
export function trackedQuery(
  db: Db,
  set: string,
  params: URLSearchParams,
  prefer: Prefer,
  baseUrl: string,
  tracked: ReadonlySet<string>,
): { body: Json; headers: Record<string, string> } | undefined {
  const deltaText = params.get('$deltatoken');
  const skipText = params.get('$skiptoken');
  if (deltaText === null && !prefer.trackChanges) return undefined;
  if (!tracked.has(set)) {
    if (deltaText === null) return undefined; // preference not applied: a plain read
    throw new DataverseError(400, '0x80048d0b', `Change tracking is not enabled for the entity set '${set}'.`);
  }
  for (const k of NOT_WITH_TRACKING)
    if (params.has(k)) throw invalidArgument(`The query option ${k} is not supported with change tracking.`);
  for (const k of params.keys()) {
    if (k.startsWith('$') && !['$select', '$deltatoken', '$skiptoken'].includes(k))
      throw invalidArgument(`The query parameter ${k} is not supported`);
  }
  const delta = deltaText === null ? undefined : decodeDeltaToken(deltaText);
  if (delta && delta.s !== set) throw invalidArgument(`The $deltatoken was issued for '${delta.s}', not '${set}'.`);
  // Changes are kept for a number of days (ExpireChangeTrackingInDays); an older token must start over.
  if (delta && delta.v < db.trackingFloor)
    throw new DataverseError(400, EXPIRED_VERSION_STAMP, 'The version stamp associated with the client has expired.');
  const page: PageToken = skipText
    ? dec<PageToken>(skipText, (o) => Number.isInteger(o.to) && Number.isInteger(o.size), '$skiptoken')
    : { to: db.currentVersion(), size: prefer.maxPageSize ?? DEFAULT_PAGE };
  if (prefer.maxPageSize) page.size = prefer.maxPageSize;
  const from = delta?.v ?? -1;

  const d = db.def(set);
  const version = (r: Row): number => Number(r.values.versionnumber ?? 0);
  const items: Item[] = [];
  for (const row of db.store.table(set).values()) {
    const v = version(row);
    if (v > from && v <= page.to) items.push({ key: db.keyOf(set, row).toLowerCase(), row });
  }
  if (delta) {
    for (const [key, t] of db.store.tombstones(set)) {
      const v = version(t);
      if (v > from && v <= page.to && !db.store.get(set, key)) items.push({ key });
    }
  }
  items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const start = page.after === undefined ? 0 : items.findIndex((i) => i.key > page.after!);
  const slice = start < 0 ? [] : items.slice(start, start + page.size);
  const more = start >= 0 && start + page.size < items.length;

  const select = params
    .get('$select')
    ?.split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  for (const c of select ?? []) db.checkColumn(set, c);
  const annotate = wantsLookupNames(prefer);
  const value = slice.map((i) =>
    i.row
      ? present(d, i.row, { select, annotate })
      : { '@odata.context': `${baseUrl}/$metadata#${set}/$deletedEntity`, id: i.key, reason: 'deleted' },
  );
  const keep = select ? `$select=${select.join(',')}&` : '';
  const body: Json = { '@odata.context': `${baseUrl}/$metadata#${set}${select ? `(${select.join(',')})` : ''}/$delta` };
  body.value = value;
  if (more) {
    const next: PageToken = { after: slice[slice.length - 1].key, to: page.to, size: page.size };
    body['@odata.nextLink'] =
      `${baseUrl}/${set}?${keep}${deltaText !== null ? `$deltatoken=${encodeURIComponent(deltaText)}&` : ''}$skiptoken=${enc(next)}`;
  } else {
    body['@odata.deltaLink'] =
      `${baseUrl}/${set}?${keep}$deltatoken=${encodeURIComponent(encodeDeltaToken(set, page.to))}`;
  }
  const applied = ['odata.track-changes', ...(prefer.maxPageSize ? [`odata.maxpagesize=${prefer.maxPageSize}`] : [])];
  return { body, headers: { 'Preference-Applied': applied.join(',') } };
}
