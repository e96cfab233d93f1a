// One $batch of GETs per delta page: existing emails by Message-ID and by tracking token, and every row
// whose email columns hold one of the page's addresses (never one query per email).
import type { ExistingEmail, LookupRequest, PageLookup, PartyCandidate } from '../../ports';
import { conversationRoot } from '../../domain/graph-message';
import { normalizeMessageId } from '../../domain/message-id';
import type { BatchItem, ItemResponse } from './batch';
import type { WebApi } from './http';
import { translateBatchPart } from './errors';
import { PARTY_SOURCES, type PartySource } from './party-sources';

export { PARTY_SOURCES, partySources } from './party-sources';

const CHUNK = 100;
const MAX_PARTS = 500;
const LOOKUP_NAME = '@Microsoft.Dynamics.CRM.lookuplogicalname';
const ANNOTATIONS = {
  Prefer: 'odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname",odata.maxpagesize=5000',
};

/** An OData string literal: a quote is doubled. */
const literal = (v: string) => `'${v.replace(/'/g, "''")}'`;
/**
 * The value of contains/startswith/endswith, which Dataverse runs as SQL LIKE: `%`, `_` and `[` are
 * wildcards unless put in brackets (learn.microsoft.com/power-apps/developer/data-platform/wildcard-characters).
 */
export const likeLiteral = (v: string) => literal(v.replace(/[[%_]/g, '[$&]'));
const inFilter = (column: string, values: string[]) =>
  `Microsoft.Dynamics.CRM.In(PropertyName=${literal(column)},PropertyValues=[${values.map(literal).join(',')}])`;
const chunks = <T>(xs: T[], n: number): T[][] =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));
const get = (path: string, filter: string, select: string[]): BatchItem => ({
  request: {
    method: 'GET',
    url: `${path}?$select=${select.join(',')}&$filter=${encodeURIComponent(filter)}`,
    headers: ANNOTATIONS,
  },
});

const EMAIL_SELECT = [
  'activityid',
  'messageid',
  'directioncode',
  'trackingtoken',
  'subject',
  'conversationindex',
  'createdon',
  '_regardingobjectid_value',
  '_receivingmailboxid_value',
  '_ownerid_value',
];

function toExisting(r: Record<string, unknown>): ExistingEmail | undefined {
  if (typeof r.activityid !== 'string') return undefined;
  const messageid = typeof r.messageid === 'string' ? r.messageid : '';
  const regardingId = r._regardingobjectid_value as string | undefined;
  const regardingType = r[`_regardingobjectid_value${LOOKUP_NAME}`] as string | undefined;
  return {
    activityid: r.activityid,
    messageid,
    messageKey: normalizeMessageId(messageid),
    outgoing: r.directioncode !== false,
    ...(typeof r.trackingtoken === 'string' && r.trackingtoken ? { trackingtoken: r.trackingtoken } : {}),
    ...(regardingId && regardingType ? { regarding: { type: regardingType, id: regardingId } } : {}),
    ...(typeof r._receivingmailboxid_value === 'string' ? { receivingMailboxId: r._receivingmailboxid_value } : {}),
    ...(typeof r._ownerid_value === 'string' ? { ownerId: r._ownerid_value } : {}),
    ...(typeof r.subject === 'string' ? { subject: r.subject } : {}),
    ...(typeof r.createdon === 'string' ? { createdon: r.createdon } : {}),
    ...(conversationRoot(r.conversationindex as string | undefined)
      ? { conversationRoot: conversationRoot(r.conversationindex as string)! }
      : {}),
    ...(typeof r.conversationindex === 'string' && r.conversationindex
      ? { conversationIndex: r.conversationindex }
      : {}),
    ...(Array.isArray(r.email_activity_parties)
      ? partiesOf(r.email_activity_parties as { addressused?: unknown; _partyid_value?: unknown }[])
      : {}),
  };
}

/** Party addresses, and the row of each party that has no address (smart matching compares either). */
function partiesOf(parties: { addressused?: unknown; _partyid_value?: unknown }[]): {
  addresses: string[];
  partyIds: string[];
} {
  const addresses: string[] = [];
  const partyIds: string[] = [];
  for (const p of parties) {
    if (typeof p.addressused === 'string' && p.addressused.trim()) addresses.push(p.addressused.trim().toLowerCase());
    else if (typeof p._partyid_value === 'string') partyIds.push(p._partyid_value);
  }
  return { addresses, partyIds };
}

/** The first 21 bytes of a root are exactly 28 base64 characters: a prefix Dataverse can match with startswith. */
function rootPrefix(rootHex: string): string {
  return Buffer.from(rootHex, 'hex').subarray(0, 21).toString('base64');
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V) {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

type LookupKind = 'email' | 'token' | 'conversation' | PartySource;
interface Lookup {
  kind: LookupKind;
  item: BatchItem;
}
/** What a page asks for, deduplicated: ids in both stored forms, tokens, lower-case addresses, thread roots. */
interface PageKeys {
  ids: string[];
  tokens: string[];
  addresses: string[];
  roots: string[];
}

export async function lookupPage(
  api: WebApi,
  req: LookupRequest,
  sources: readonly PartySource[] = PARTY_SOURCES,
): Promise<PageLookup> {
  const keys = pageKeys(req);
  const lookups = lookupsFor(keys, sources);
  const result: PageLookup = { emails: new Map(), tokens: new Map(), conversations: new Map(), parties: new Map() };
  if (lookups.length === 0) return result;
  const responses = await sendInBatches(
    api,
    lookups.map((x) => x.item),
  );
  responses.forEach((res, i) => {
    const part = res.parts[0];
    // Status and error code only: the error's text echoes the filter, i.e. the page's addresses and Message-IDs.
    if (!res.ok) throw translateBatchPart('Dataverse lookup failed', part, api.now?.() ?? new Date());
    const rows = ((part.body as { value?: unknown[] })?.value ?? []) as Record<string, unknown>[];
    const kind = lookups[i].kind;
    if (typeof kind === 'string') for (const r of rows) addEmail(result, kind, r, keys.roots);
    else for (const r of rows) addParty(result, kind, r, keys.addresses);
  });
  return result;
}

function pageKeys(req: LookupRequest): PageKeys {
  // Dataverse keeps messageid as the client gave it; SSS stores the bracketed form, others may not.
  const ids = req.messageIds.flatMap((id) => [`<${normalizeMessageId(id)}>`, normalizeMessageId(id)]);
  return {
    ids: [...new Set(ids)],
    tokens: [...new Set(req.trackingTokens)],
    addresses: [...new Set(req.addresses.map((a) => a.toLowerCase()))],
    roots: [...new Set(req.conversationRoots ?? [])],
  };
}

/** One GET per thread root, per 100 ids or tokens, and per source and 100 addresses. */
function lookupsFor(keys: PageKeys, sources: readonly PartySource[]): Lookup[] {
  const out: Lookup[] = [];
  for (const root of keys.roots)
    out.push({
      kind: 'conversation',
      item: get('/emails', `startswith(conversationindex,${likeLiteral(rootPrefix(root))})`, EMAIL_SELECT),
    });
  for (const c of chunks(keys.ids, CHUNK))
    out.push({ kind: 'email', item: get('/emails', inFilter('messageid', c), EMAIL_SELECT) });
  for (const c of chunks(keys.tokens, CHUNK))
    out.push({ kind: 'token', item: get('/emails', inFilter('trackingtoken', c), EMAIL_SELECT) });
  for (const src of sources) {
    for (const c of chunks(keys.addresses, CHUNK)) {
      const filter = src.columns.map((col) => inFilter(col, c)).join(' or ');
      out.push({ kind: src, item: get(`/${src.set}`, filter, [src.key, ...src.columns, ...src.extra, 'createdon']) });
    }
  }
  return out;
}

/** A $batch holds at most 1,000 requests: a page with thousands of addresses takes several. */
async function sendInBatches(api: WebApi, items: BatchItem[]): Promise<ItemResponse[]> {
  const responses: ItemResponse[] = [];
  for (let i = 0; i < items.length; i += MAX_PARTS) responses.push(...(await api.batch(items.slice(i, i + MAX_PARTS))));
  return responses;
}

function addEmail(
  result: PageLookup,
  kind: 'email' | 'token' | 'conversation',
  r: Record<string, unknown>,
  roots: string[],
) {
  const e = toExisting(r);
  if (!e) return;
  if (kind === 'email') push(result.emails, e.messageKey, e);
  else if (kind === 'token') {
    if (e.trackingtoken) push(result.tokens, e.trackingtoken.toUpperCase(), e);
  } else if (e.conversationRoot && roots.includes(e.conversationRoot))
    push(result.conversations, e.conversationRoot, e);
}

/** A row of an email-enabled table: a candidate for each of the page's addresses it holds, once per address. */
function addParty(result: PageLookup, src: PartySource, r: Record<string, unknown>, addresses: string[]) {
  const seen = new Set<string>();
  for (const col of src.columns) {
    const address = typeof r[col] === 'string' ? r[col].toLowerCase() : undefined;
    if (!address || seen.has(address) || !addresses.includes(address)) continue;
    seen.add(address);
    const active = src.type === 'systemuser' ? r.isdisabled !== true : (r.statecode ?? 0) === 0;
    const candidate: PartyCandidate = {
      ref: { type: src.type, id: r[src.key] as string },
      column: col,
      active,
      ...(typeof r._ownerid_value === 'string' ? { ownerId: r._ownerid_value } : {}),
      ...(typeof r.createdon === 'string' ? { createdon: r.createdon } : {}),
    };
    push(result.parties, address, candidate);
  }
}

/**
 * Completed emails (sent or received; not drafts) changed at or after `since`, oldest change first, with
 * their parties: the smart-matching index learns the emails other writers made from it. An email sent
 * from a draft made long ago changes when it is sent, so the range is on modifiedon. A range and a row
 * limit, never a text search.
 */
export async function emailsChangedSince(
  api: WebApi,
  since: string,
  max: number,
): Promise<{ rows: (ExistingEmail & { modifiedon?: string })[]; complete: boolean }> {
  if (!Number.isFinite(Date.parse(since))) throw new Error('emailsChangedSince: not a date');
  const at = new Date(since).toISOString();
  const query = [
    `$select=${[...EMAIL_SELECT, 'modifiedon'].join(',')}`,
    `$filter=${encodeURIComponent(`modifiedon ge ${at} and statecode eq 1`)}`,
    `$orderby=${encodeURIComponent('modifiedon asc,activityid asc')}`,
    `$top=${max}`,
    `$expand=${encodeURIComponent('email_activity_parties($select=addressused,_partyid_value)')}`,
  ].join('&');
  const page = await api.get(`/emails?${query}`, ANNOTATIONS);
  const raw = Array.isArray(page.value) ? (page.value as Record<string, unknown>[]) : [];
  return {
    rows: raw.flatMap((r) => {
      const e = toExisting(r);
      return e ? [{ ...e, ...(typeof r.modifiedon === 'string' ? { modifiedon: r.modifiedon } : {}) }] : [];
    }),
    complete: raw.length < max,
  };
}
