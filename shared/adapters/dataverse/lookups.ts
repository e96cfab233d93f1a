// One $batch of GETs per delta page: existing emails by Message-ID and by tracking token, and every row
// whose email columns hold one of the page's addresses (never one query per email).
import type { ExistingEmail, LookupRequest, PageLookup, PartyCandidate } from '../../ports';
import { conversationRoot } from '../../domain/graph-message';
import { normalizeMessageId } from '../../domain/message-id';
import type { BatchItem } from './batch';
import type { WebApi } from './http';
import { entitySet } from './navigation';
import { classifyHttp, TransientError } from '../../domain/errors';

/** A failed part of the lookup batch, classified like a whole answer: a throttled or 5xx part is retried later. */
function lookupFailure(part: { status: number; headers: Record<string, string>; body?: unknown }): Error {
  const message = `Dataverse lookup failed: ${part.status} ${JSON.stringify(part.body).slice(0, 200)}`;
  if (!part.status) return new TransientError(message, 'dataverse');
  const code = (part.body as { error?: { code?: string } } | undefined)?.error?.code;
  const seconds = Number(part.headers['retry-after']);
  const wait = Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds * 1000) : part.status === 429 ? 5_000 : 0;
  return classifyHttp('dataverse', part.status, code, message, wait);
}

export interface PartySource {
  set: string;
  type: string;
  key: string;
  columns: readonly string[];
  extra: readonly string[];
}

/** Email-format columns of the email-enabled tables SSS resolves against by default; PARTY_EXTRA_TABLES adds more. */
export const PARTY_SOURCES: readonly PartySource[] = [
  { set: 'systemusers', type: 'systemuser', key: 'systemuserid', columns: ['internalemailaddress'], extra: ['isdisabled'] },
  { set: 'queues', type: 'queue', key: 'queueid', columns: ['emailaddress'], extra: ['statecode', '_ownerid_value'] },
  { set: 'contacts', type: 'contact', key: 'contactid', columns: ['emailaddress1', 'emailaddress2', 'emailaddress3'], extra: ['statecode', '_ownerid_value'] },
  { set: 'accounts', type: 'account', key: 'accountid', columns: ['emailaddress1', 'emailaddress2', 'emailaddress3'], extra: ['statecode', '_ownerid_value'] },
  { set: 'leads', type: 'lead', key: 'leadid', columns: ['emailaddress1', 'emailaddress2', 'emailaddress3'], extra: ['statecode', '_ownerid_value'] },
];

export function partySources(extra: { logicalName: string; columns: string[] }[]): PartySource[] {
  return [...PARTY_SOURCES, ...extra.map((t) => ({ set: entitySet(t.logicalName), type: t.logicalName, key: `${t.logicalName}id`, columns: t.columns, extra: ['statecode'] }))];
}

const CHUNK = 100;
const MAX_PARTS = 500;
const LOOKUP_NAME = '@Microsoft.Dynamics.CRM.lookuplogicalname';
const ANNOTATIONS = { Prefer: 'odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname",odata.maxpagesize=5000' };

const literal = (v: string) => `'${v.replace(/'/g, "''")}'`;
const inFilter = (column: string, values: string[]) => `Microsoft.Dynamics.CRM.In(PropertyName=${literal(column)},PropertyValues=[${values.map(literal).join(',')}])`;
const chunks = <T>(xs: T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));
const get = (path: string, filter: string, select: string[]): BatchItem => ({
  request: { method: 'GET', url: `${path}?$select=${select.join(',')}&$filter=${encodeURIComponent(filter)}`, headers: ANNOTATIONS },
});

const EMAIL_SELECT = ['activityid', 'messageid', 'directioncode', 'trackingtoken', 'subject', 'conversationindex', 'createdon', '_regardingobjectid_value', '_receivingmailboxid_value', '_ownerid_value'];
const SMART_TOP = 50;

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
    ...(conversationRoot(r.conversationindex as string | undefined) ? { conversationRoot: conversationRoot(r.conversationindex as string)! } : {}),
    ...(typeof r.conversationindex === 'string' && r.conversationindex ? { conversationIndex: r.conversationindex } : {}),
    ...(Array.isArray(r.email_activity_parties)
      ? {
          addresses: (r.email_activity_parties as { addressused?: unknown }[]).flatMap((p) => (typeof p.addressused === 'string' ? [p.addressused.toLowerCase()] : [])),
          partyIds: (r.email_activity_parties as { _partyid_value?: unknown }[]).flatMap((p) => (typeof p._partyid_value === 'string' ? [p._partyid_value] : [])),
        }
      : {}),
  };
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

export async function lookupPage(api: WebApi, req: LookupRequest, sources: readonly PartySource[] = PARTY_SOURCES): Promise<PageLookup> {
  // Dataverse keeps messageid as the client gave it; SSS stores the bracketed form, others may not.
  const ids = [...new Set(req.messageIds.flatMap((id) => [`<${normalizeMessageId(id)}>`, normalizeMessageId(id)]))];
  const tokens = [...new Set(req.trackingTokens)];
  const addresses = [...new Set(req.addresses.map((a) => a.toLowerCase()))];
  const roots = [...new Set(req.conversationRoots ?? [])];
  const subjects = [...new Set(req.smartSubjects ?? [])].filter(Boolean);
  const items: { kind: 'email' | 'token' | 'conversation' | 'smart' | PartySource; item: BatchItem }[] = [];
  for (const root of roots) items.push({ kind: 'conversation', item: get('/emails', `startswith(conversationindex,${literal(rootPrefix(root))})`, EMAIL_SELECT) });
  for (const subject of subjects) {
    const url = `/emails?$select=${EMAIL_SELECT.join(',')}&$filter=${encodeURIComponent(`contains(subject,${literal(subject)})`)}&$orderby=${encodeURIComponent('createdon desc')}&$top=${SMART_TOP}&$expand=${encodeURIComponent('email_activity_parties($select=addressused,_partyid_value)')}`;
    items.push({ kind: 'smart', item: { request: { method: 'GET', url, headers: ANNOTATIONS } } });
  }
  for (const c of chunks(ids, CHUNK)) items.push({ kind: 'email', item: get('/emails', inFilter('messageid', c), EMAIL_SELECT) });
  for (const c of chunks(tokens, CHUNK)) items.push({ kind: 'token', item: get('/emails', inFilter('trackingtoken', c), EMAIL_SELECT) });
  for (const src of sources) {
    for (const c of chunks(addresses, CHUNK)) {
      const filter = src.columns.map((col) => inFilter(col, c)).join(' or ');
      items.push({ kind: src, item: get(`/${src.set}`, filter, [src.key, ...src.columns, ...src.extra, 'createdon']) });
    }
  }
  const result: PageLookup = { emails: new Map(), tokens: new Map(), conversations: new Map(), smartCandidates: [], parties: new Map() };
  if (items.length === 0) return result;
  // A $batch holds at most 1,000 requests: a page with thousands of addresses takes several.
  const responses: Awaited<ReturnType<WebApi['batch']>> = [];
  for (let i = 0; i < items.length; i += MAX_PARTS) responses.push(...(await api.batch(items.slice(i, i + MAX_PARTS).map((x) => x.item))));
  responses.forEach((res, i) => {
    const kind = items[i]!.kind;
    const part = res.parts[0]!;
    if (!res.ok) throw lookupFailure(part);
    const rows = ((part.body as { value?: unknown[] })?.value ?? []) as Record<string, unknown>[];
    for (const r of rows) {
      if (kind === 'email' || kind === 'token' || kind === 'conversation' || kind === 'smart') {
        const e = toExisting(r);
        if (!e) continue;
        if (kind === 'email') push(result.emails, e.messageKey, e);
        else if (kind === 'token') {
          if (e.trackingtoken) push(result.tokens, e.trackingtoken.toUpperCase(), e);
        } else if (kind === 'conversation') {
          if (e.conversationRoot && roots.includes(e.conversationRoot)) push(result.conversations, e.conversationRoot, e);
        } else result.smartCandidates.push(e);
        continue;
      }
      const id = r[kind.key] as string;
      const seen = new Set<string>();
      for (const col of kind.columns) {
        const address = typeof r[col] === 'string' ? (r[col] as string).toLowerCase() : undefined;
        if (!address || seen.has(address) || !addresses.includes(address)) continue;
        seen.add(address);
        const active = kind.type === 'systemuser' ? r.isdisabled !== true : (r.statecode ?? 0) === 0;
        const candidate: PartyCandidate = {
          ref: { type: kind.type, id },
          column: col,
          active,
          ...(typeof r._ownerid_value === 'string' ? { ownerId: r._ownerid_value } : {}),
          ...(typeof r.createdon === 'string' ? { createdon: r.createdon } : {}),
        };
        push(result.parties, address, candidate);
      }
    }
  });
  return result;
}
