// Schema answers: `GET $metadata` (CSDL XML, enough for navigation-property names and their target types) and
// `GET EntityDefinitions…` (EntitySetName, PrimaryIdAttribute, keys) for the entity sets the simulator knows.
// Property types are derived from column names; navigation names follow the simulator's own bind rules.
import { createHash } from 'node:crypto';
import type { Json } from '../../tenant/fixture';
import type { Db } from './db';
import { invalidArgument, notFound } from './errors';
import { parseFilter, test } from './filter';
import type { KeySpec } from './keys';
import { allDefs, extraSets, PARTY_TYPES, REGARDING_TARGETS, type EntityDef } from './metadata';

const NS = 'Microsoft.Dynamics.CRM';

export interface SingleNav {
  name: string;
  column: string;
  /** Logical name of the target type (`principal`/`crmbaseentity` for open polymorphic ones). */
  target: string;
}

const keyOfLogical = (logical: string): string => allDefs().find((d) => d.logical === logical)?.key ?? `${logical}id`;

/** The single-valued navigation properties of a definition, as $metadata lists them. */
export function singleNavs(d: EntityDef): SingleNav[] {
  const out: SingleNav[] = [];
  const covered = new Set<string>();
  for (const [name, [column, fixed]] of Object.entries(d.navs)) {
    const targets = d.lookups[column]?.targets;
    const target =
      fixed ??
      (column === 'ownerid'
        ? 'principal'
        : Array.isArray(targets) && targets.length === 1
          ? targets[0]
          : 'crmbaseentity');
    out.push({ name, column, target });
    if (targets !== '*') covered.add(column);
  }
  for (const [column, { targets }] of Object.entries(d.lookups)) {
    if (covered.has(column)) continue;
    if (targets === '*') {
      for (const t of REGARDING_TARGETS) out.push({ name: `${column}_${t}_${d.logical}`, column, target: t });
      continue;
    }
    if (column === 'ownerid') out.push({ name: 'ownerid', column, target: 'principal' });
    else if (targets.length === 1) out.push({ name: column, column, target: targets[0] });
    else for (const t of targets) out.push({ name: `${column}_${t}`, column, target: t });
  }
  if (d.lookups.regardingobjectid?.targets === '*' && !out.some((n) => n.name === 'regardingobjectid_asyncoperation')) {
    out.push({ name: 'regardingobjectid_asyncoperation', column: 'regardingobjectid', target: 'asyncoperation' });
  }
  return out;
}

function edmType(d: { key: string }, column: string): string {
  if (column === d.key || /^_.+_value$/.test(column) || /(uniqueid|trackingid|dupcheck|objectid)$/.test(column))
    return 'Edm.Guid';
  if (column === 'versionnumber') return 'Edm.Int64';
  if (
    /(^is|^enabledfor|^donot|directioncode|requested$|changed$|compressed|^allow|^enable|^ignore|isforwardmailbox)/.test(
      column,
    )
  )
    return 'Edm.Boolean';
  if (
    /(code|method|mask|minutes|count|number|status|type|digits|approval|sequence|percentcomplete|filteringmethod)$/.test(
      column,
    ) &&
    !/accountnumber|ticketnumber|trackingnumber$/.test(column)
  )
    return 'Edm.Int32';
  if (/(on|time|start|end|date|until|after)$/.test(column) && !/(description|location|ion)$/.test(column))
    return 'Edm.DateTimeOffset';
  return 'Edm.String';
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

export const ACTIVITY_PARTY: EntityDef = {
  set: 'activityparties',
  logical: 'activityparty',
  key: 'activitypartyid',
  lookups: {
    partyid: { targets: PARTY_TYPES },
    activityid: { targets: ['email', 'appointment', 'recurringappointmentmaster'] },
  },
  navs: {},
  readOnly: {},
  columns: new Set([
    'activitypartyid',
    'participationtypemask',
    'addressused',
    'unresolvedpartyname',
    '_partyid_value',
    '_activityid_value',
    'ispartydeleted',
    'scheduledstart',
    'scheduledend',
    'effort',
  ]),
};

function entityType(d: EntityDef, tracked: boolean, extraNavs: string[] = []): string {
  const cols = [...(d.columns ?? new Set([d.key]))].sort();
  const lines = [
    `<EntityType Name="${d.logical}" BaseType="mscrm.crmbaseentity">`,
    `<Key><PropertyRef Name="${d.key}" /></Key>`,
  ];
  for (const c of cols) lines.push(`<Property Name="${esc(c)}" Type="${edmType(d, c)}" />`);
  for (const n of singleNavs(d)) {
    const ref = n.target === 'principal' || n.target === 'crmbaseentity' ? undefined : keyOfLogical(n.target);
    lines.push(
      `<NavigationProperty Name="${n.name}" Type="mscrm.${n.target}">${ref ? `<ReferentialConstraint Property="_${n.column}_value" ReferencedProperty="${ref}" />` : ''}</NavigationProperty>`,
    );
  }
  if (d.parties)
    lines.push(
      `<NavigationProperty Name="${d.parties.nav}" Type="Collection(mscrm.activityparty)" Partner="activityid_${d.logical}" />`,
    );
  lines.push(...extraNavs);
  if (tracked)
    lines.push(
      '<Annotation Term="Org.OData.Capabilities.V1.ChangeTracking"><Record><PropertyValue Property="Supported" Bool="true" /></Record></Annotation>',
    );
  lines.push('</EntityType>');
  return lines.join('\n');
}

/** The CSDL document of `GET $metadata`. */
export function csdl(db: Db, tracked: ReadonlySet<string>): string {
  const defs = allDefs();
  const types: string[] = [
    '<EntityType Name="crmbaseentity" Abstract="true" />',
    '<EntityType Name="principal" BaseType="mscrm.crmbaseentity" Abstract="true"><Key><PropertyRef Name="ownerid" /></Key><Property Name="ownerid" Type="Edm.Guid" /></EntityType>',
  ];
  for (const d of defs) types.push(entityType(d, tracked.has(d.set)));
  const partyNavs = defs
    .filter((d) => d.parties)
    .map(
      (d) =>
        `<NavigationProperty Name="activityid_${d.logical}" Type="mscrm.${d.logical}" Partner="${d.parties!.nav}"><ReferentialConstraint Property="_activityid_value" ReferencedProperty="${d.key}" /></NavigationProperty>`,
    );
  const partyDef: EntityDef = { ...ACTIVITY_PARTY, lookups: { partyid: { targets: PARTY_TYPES } } };
  types.push(entityType(partyDef, false, partyNavs));
  const sets: [string, string][] = [
    ...defs.map((d): [string, string] => [d.set, d.logical]),
    ['activityparties', 'activityparty'],
  ];
  const known = new Set(sets.map(([s]) => s));
  for (const [set, logical] of extraSets()) {
    if (known.has(set)) continue;
    types.push(
      `<EntityType Name="${logical}" BaseType="mscrm.crmbaseentity"><Key><PropertyRef Name="${logical}id" /></Key><Property Name="${logical}id" Type="Edm.Guid" /></EntityType>`,
    );
    sets.push([set, logical]);
    known.add(set);
  }
  for (const set of db.store.sets()) {
    if (known.has(set)) continue;
    const d = db.def(set);
    types.push(
      `<EntityType Name="${d.logical}" BaseType="mscrm.crmbaseentity"><Key><PropertyRef Name="${d.key}" /></Key><Property Name="${d.key}" Type="Edm.String" /></EntityType>`,
    );
    sets.push([set, d.logical]);
  }
  const container = sets.map(([set, logical]) => `<EntitySet Name="${set}" EntityType="${NS}.${logical}" />`);
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">',
    '<edmx:DataServices>',
    `<Schema Namespace="${NS}" Alias="mscrm" xmlns="http://docs.oasis-open.org/odata/ns/edm">`,
    ...types,
    '<EntityContainer Name="System">',
    ...container,
    '</EntityContainer>',
    '</Schema>',
    '</edmx:DataServices>',
    '</edmx:Edmx>',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------- EntityDefinitions
function metadataId(logical: string): string {
  const h = createHash('sha1').update(`entitydefinition|${logical}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-9${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function definitionRows(db: Db, tracked: ReadonlySet<string>): Json[] {
  const seen = new Set<string>();
  const rows: Json[] = [];
  const add = (set: string, logical: string, key: string, isActivity: boolean): void => {
    if (seen.has(set)) return;
    seen.add(set);
    rows.push({
      MetadataId: metadataId(logical),
      LogicalName: logical,
      SchemaName: logical.charAt(0).toUpperCase() + logical.slice(1),
      EntitySetName: set,
      LogicalCollectionName: set,
      PrimaryIdAttribute: key,
      IsActivity: isActivity,
      ChangeTrackingEnabled: tracked.has(set),
      Keys: db.alternateKeysOf(set).map((cols) => ({
        LogicalName: `${logical}_${cols.join('_')}`,
        KeyAttributes: cols,
        EntityKeyIndexStatus: 'Active',
      })),
    });
  };
  for (const d of allDefs()) add(d.set, d.logical, d.key, !!d.closedWritable);
  add('activityparties', 'activityparty', 'activitypartyid', false);
  for (const [set, logical] of extraSets()) add(set, logical, `${logical}id`, false);
  for (const set of db.store.sets()) add(set, db.def(set).logical, db.def(set).key, false);
  return rows;
}

function project(row: Json, select: string[] | undefined, expandKeys: string[] | undefined | null): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(row)) {
    if (k === 'Keys') continue;
    if (!select || select.includes(k) || k === 'MetadataId') out[k] = v;
  }
  if (expandKeys !== null) {
    out.Keys = (row.Keys as Json[]).map((k) =>
      expandKeys ? Object.fromEntries(Object.entries(k).filter(([n]) => expandKeys.includes(n))) : k,
    );
  }
  return out;
}

/** `Keys` or `Keys($select=KeyAttributes)` -> the selected key columns; undefined = all; null = not expanded. */
function parseKeysExpand(raw: string | null): string[] | undefined | null {
  if (!raw) return null;
  const m = /^\s*Keys\s*(?:\(\s*\$select=([^)]*)\))?\s*$/.exec(raw);
  if (!m) throw invalidArgument(`$expand '${raw}' is not supported on EntityDefinitions by the simulator.`);
  return m[1] ? m[1].split(',').map((s) => s.trim()) : undefined;
}

export function entityDefinitions(
  db: Db,
  tracked: ReadonlySet<string>,
  spec: KeySpec | undefined,
  query: URLSearchParams,
  baseUrl: string,
): Json {
  const rows = definitionRows(db, tracked);
  const select = query
    .get('$select')
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const expandKeys = parseKeysExpand(query.get('$expand'));
  const ctxSel = select ? `(${select.join(',')})` : '';
  if (spec) {
    const want = spec.kind === 'id' ? spec.id : spec.values.LogicalName;
    if (spec.kind === 'alt' && Object.keys(spec.values).some((k) => k !== 'LogicalName'))
      throw invalidArgument('EntityDefinitions are addressed by MetadataId or LogicalName.');
    const row = rows.find((r) =>
      spec.kind === 'id' ? r.MetadataId === want : r.LogicalName === String(want).toLowerCase(),
    );
    if (!row) throw notFound('EntityMetadata', String(want));
    return {
      '@odata.context': `${baseUrl}/$metadata#EntityDefinitions${ctxSel}/$entity`,
      ...project(row, select, expandKeys),
    };
  }
  const filterText = query.get('$filter');
  const filter = filterText ? parseFilter(filterText) : undefined;
  const value = rows
    .filter((r) => !filter || test(filter, r as Record<string, unknown>))
    .map((r) => project(r, select, expandKeys));
  return { '@odata.context': `${baseUrl}/$metadata#EntityDefinitions${ctxSel}`, value };
}
