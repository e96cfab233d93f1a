// Single-value extended properties (MAPI properties by id) as Graph serves them through
// `$expand=singleValueExtendedProperties($filter=id eq '…')` ("Get singleValueLegacyExtendedProperty",
// learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-get; id forms in "Outlook extended
// properties overview", learn.microsoft.com/graph/api/resources/extended-properties-overview).
import type { Json } from '../../tenant/fixture';
import { badRequest } from './errors';
import type { Header } from './mime';

export interface ExtendedProperty {
  id: string;
  value: string;
}

/** The MAPI properties Exchange sets from the In-Reply-To and References header fields (PidTagInReplyToId, PidTagInternetReferences). */
const FROM_HEADERS: [header: string, id: string][] = [
  ['in-reply-to', 'String 0x1042'],
  ['references', 'String 0x1039'],
];

/** MAPI property types as Graph spells them in an id. */
const TYPES = [
  'ApplicationTime',
  'Binary',
  'Boolean',
  'CLSID',
  'Currency',
  'Double',
  'Float',
  'Integer',
  'Long',
  'Object',
  'Short',
  'String',
  'SystemTime',
];
const TYPE_BY_LOWER = new Map(TYPES.map((t) => [t.toLowerCase(), t]));

/**
 * The id as Graph answers it: a proptag id in Graph's own spelling (type as Graph names it, tag in lower-case
 * hex without leading zeros: "String 0x001A" is answered as "String 0x1a"); a named property's with its
 * GUID in lower case (its name is case-sensitive). Undefined for an id in none of the documented forms.
 */
export function canonicalId(raw: string): string | undefined {
  const tag = /^\s*(\w+)\s+0x0*([0-9a-f]{1,4})\s*$/i.exec(raw);
  if (tag) {
    const type = TYPE_BY_LOWER.get(tag[1].toLowerCase());
    return type ? `${type} 0x${parseInt(tag[2], 16).toString(16)}` : undefined;
  }
  const named = /^\s*(\w+)\s+\{([0-9a-f-]{36})\}\s+(Name|Id)\s+(\S.*?)\s*$/i.exec(raw);
  const type = named ? TYPE_BY_LOWER.get(named[1].toLowerCase()) : undefined;
  return type
    ? `${type} {${named![2].toLowerCase()}} ${named![3].toLowerCase() === 'name' ? 'Name' : 'Id'} ${named![4]}`
    : undefined;
}

/**
 * The ids a `$expand` asks for, or undefined when it names no singleValueExtendedProperties. Other expansions
 * are accepted and not simulated. The filter is `id eq '…'`, several joined with `or`, as clients send it.
 */
export function parseExtendedExpand(raw: string | null): string[] | undefined {
  if (raw === null) return undefined;
  let ids: string[] | undefined;
  for (const item of splitTopLevel(raw)) {
    const m = /^\s*singleValueExtendedProperties\s*(?:\((.*)\))?\s*$/is.exec(item);
    if (!m) continue;
    const filter = /^\s*\$filter\s*=\s*(.*)$/is.exec(m[1] ?? '');
    if (!filter) throw badRequest('Expanding singleValueExtendedProperties requires a $filter on id.');
    ids = [...(ids ?? []), ...filterIds(filter[1])];
  }
  return ids;
}

function filterIds(expr: string): string[] {
  const ids: string[] = [];
  for (const term of expr.split(/\s+or\s+/i)) {
    const m = /^\s*\(?\s*id\s+eq\s+'((?:[^']|'')*)'\s*\)?\s*$/i.exec(term);
    const id = m ? canonicalId(m[1].replace(/''/g, "'")) : undefined;
    if (!id) throw badRequest('Parsing Select and Expand failed.');
    ids.push(id);
  }
  return ids;
}

/** `a,b(x,y),c` → [a, b(x,y), c]. */
function splitTopLevel(raw: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '(') depth++;
    else if (raw[i] === ')') depth--;
    else if (raw[i] === ',' && depth === 0) {
      out.push(raw.slice(start, i));
      start = i + 1;
    }
  }
  out.push(raw.slice(start));
  return out;
}

/**
 * The properties an item has: those a client or fixture set (`singleValueExtendedProperties`), then the
 * threading properties Exchange keeps from the item's In-Reply-To and References headers.
 */
export function itemProperties(data: Json, headers: Header[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of Array.isArray(data.singleValueExtendedProperties)
    ? (data.singleValueExtendedProperties as Json[])
    : []) {
    const id = typeof p?.id === 'string' ? canonicalId(p.id) : undefined;
    if (id && typeof p.value === 'string' && !out.has(id)) out.set(id, p.value);
  }
  for (const [header, id] of FROM_HEADERS) {
    const h = headers?.find((x) => typeof x?.name === 'string' && x.name.toLowerCase() === header);
    if (h && typeof h.value === 'string' && !out.has(id)) out.set(id, h.value);
  }
  return out;
}

/** In-Reply-To and References a client set as PidTagInReplyToId / PidTagInternetReferences: Exchange writes them into the sent MIME. */
export function headersFromProperties(data: Json): Header[] {
  const props = itemProperties({ singleValueExtendedProperties: data.singleValueExtendedProperties }, undefined);
  const out: Header[] = [];
  for (const [header, id] of FROM_HEADERS) {
    const value = props.get(id);
    if (value !== undefined) out.push({ name: header === 'in-reply-to' ? 'In-Reply-To' : 'References', value });
  }
  return out;
}

/** What the expansion answers: the asked properties the item has, in the order asked; none means no array. */
export function expanded(props: Map<string, string>, ids: string[]): ExtendedProperty[] {
  const seen = new Set<string>();
  const out: ExtendedProperty[] = [];
  for (const id of ids) {
    const value = props.get(id);
    if (value !== undefined && !seen.has(id)) out.push({ id, value });
    seen.add(id);
  }
  return out;
}
