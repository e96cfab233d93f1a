// The entity registry: entity set <-> logical name <-> primary key, the lookups the product reads or binds,
// read-only columns, and the columns a $filter/$select may name. Navigation-property names come from the
// Dataverse table reference (email.md, mailbox.md, activityparty.md "Many-to-One" tables).
import { ALWAYS_READ_ONLY, DEFS } from './entity-defs';

export interface LookupDef {
  /** Logical names it may point to; '*' = polymorphic with no list (regardingobjectid). */
  targets: string[] | '*';
}

export interface EntityDef {
  set: string;
  logical: string;
  key: string;
  /** Lookup column (logical name, e.g. regardingobjectid) -> its targets. Stored as `_x_value`. */
  lookups: Record<string, LookupDef>;
  /** Exact single-valued navigation property names -> [lookup column, fixed target or undefined = take it from the bind URL]. */
  navs: Record<string, [string, string | undefined]>;
  /** Columns that cannot be written; 'create' = only not on create (appointment statecode). */
  readOnly: Record<string, 'always' | 'create'>;
  /** Columns known beyond the ones seen in records; undefined = a generic set (anything goes). */
  columns?: Set<string>;
  parties?: { nav: string; masks: number[] };
  /**
   * Activities only: columns an update may still set once the row is Completed (1) or Canceled (2); everything
   * else is refused, as the service refuses edits of closed activities.
   */
  closedWritable?: Set<string>;
  /** Default statecode/statuscode for rows created without them, and statuscode -> statecode. */
  state?: { statecode: number; statuscode: number; stateOf: Record<number, number> };
}

const BY_SET = new Map(DEFS.map((d) => [d.set, d]));
const BY_LOGICAL = new Map(DEFS.map((d) => [d.logical, d]));

/** Well-known logical names of sets the registry does not model, so binds like /businessunits(…) resolve. */
const EXTRA_SETS: Record<string, string> = {
  businessunits: 'businessunit',
  knowledgearticles: 'knowledgearticle',
  asyncoperations: 'asyncoperation',
  equipments: 'equipment',
  transactioncurrencies: 'transactioncurrency',
  templates: 'template',
};

/** The set's definition, or a generic one guessed from the name (unknown sets are stored as given). */
export function entityDef(set: string, sample?: Record<string, unknown>): EntityDef {
  const known = BY_SET.get(set);
  if (known) return known;
  const logical = logicalOfSet(set);
  const ids = sample ? Object.keys(sample).filter((k) => /^[a-z0-9_]+id$/i.test(k) && !k.startsWith('_')) : [];
  const key = ids.find((k) => k === `${logical}id`) ?? `${logical}id`;
  return {
    set,
    logical,
    key,
    lookups: {},
    navs: {},
    readOnly: Object.fromEntries(ALWAYS_READ_ONLY.map((c) => [c, 'always'])),
  };
}

export function isKnownSet(set: string): boolean {
  return BY_SET.has(set);
}

export function logicalOfSet(set: string): string {
  const known = BY_SET.get(set)?.logical ?? EXTRA_SETS[set];
  if (known) return known;
  if (set.endsWith('ies')) return `${set.slice(0, -3)}y`;
  if (/(ses|xes|ches|shes)$/.test(set)) return set.slice(0, -2);
  return set.endsWith('s') ? set.slice(0, -1) : set;
}

export function setOfLogical(logical: string): string {
  const known = BY_LOGICAL.get(logical)?.set ?? Object.entries(EXTRA_SETS).find(([, l]) => l === logical)?.[0];
  if (known) return known;
  if (/[^aeiou]y$/.test(logical)) return `${logical.slice(0, -1)}ies`;
  if (/(s|x|ch|sh)$/.test(logical)) return `${logical}es`;
  return `${logical}s`;
}

/**
 * Which lookup column a `nav@odata.bind` sets, and the target's logical name. Matching is case-insensitive
 * (the service is not) so a client's casing slip does not hide a real bug elsewhere; unknown names on
 * unmodelled sets fall back to `<column>_<target>` or the bare column.
 */
export function resolveNav(
  d: EntityDef,
  nav: string,
  boundLogical: string,
): { column: string; logical: string } | undefined {
  const n = nav.toLowerCase();
  const explicit = d.navs[n];
  if (explicit) return { column: explicit[0], logical: explicit[1] ?? boundLogical };
  for (const column of Object.keys(d.lookups)) {
    if (n === column) return { column, logical: boundLogical };
    const m = new RegExp(`^${column}_([a-z0-9_]+?)(?:_${d.logical})?$`).exec(n);
    if (m) return { column, logical: m[1] };
  }
  if (d.columns) return undefined;
  if (n.endsWith(`_${boundLogical}`)) return { column: n.slice(0, -boundLogical.length - 1), logical: boundLogical };
  return { column: n, logical: boundLogical };
}

/** Participation types and the party types each may point to (activityparty.md; organizer is systemuser only). */
export const PARTY_TYPES = ['account', 'contact', 'lead', 'queue', 'systemuser', 'knowledgearticle', 'equipment'];
export const ORGANIZER_MASK = 7;

/** Completed (1) or Canceled (2) activity: read-only except `closedWritable`. */
export function isClosedActivity(d: EntityDef, values: Record<string, unknown>): boolean {
  return !!d.closedWritable && (values.statecode === 1 || values.statecode === 2);
}

/** Every modelled entity definition (for $metadata and EntityDefinitions). */
export function allDefs(): EntityDef[] {
  return [...DEFS];
}

/** Well-known non-modelled sets (bind targets) as [set, logical]. */
export function extraSets(): [string, string][] {
  return Object.entries(EXTRA_SETS);
}

/**
 * Targets listed in $metadata for polymorphic Regarding lookups (`regardingobjectid_{target}_{activity}`). The
 * simulator accepts any target by pattern; these are the base tables plus the common Dynamics 365 apps ones.
 */
export const REGARDING_TARGETS = ['account', 'contact', 'lead', 'opportunity', 'incident', 'knowledgearticle'];

export function activityDefs(): EntityDef[] {
  return DEFS.filter((d) => d.parties);
}
