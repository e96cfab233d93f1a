// EmailActivity -> Dataverse email record (a pure converter), and creating emails in $batch change sets:
// create with its parties, then set Completed/Received|Sent in the same change set (statecode cannot be
// given on create), create-only by activity id so a replay or a second mailbox never makes a second row.
import type { EmailActivity } from '../../domain/activity';
import type { EmailWriteResult } from '../../ports';
import type { BatchItem, ItemResponse } from './batch';
import type { WebApi } from './http';
import { bind, EMAIL_NAV } from './navigation';
import { FIELD_LIMITS, truncate } from '../../domain/limits';
import { queueItemId } from '../../domain/message-id';
import { translateBatchPart } from './errors';
import type { QueueItemOnly, RegardingUpdate } from '../../domain/activity';
import type { RegardingState } from '../../ports';

export function toEmailRecord(a: EmailActivity): Record<string, unknown> {
  return {
    activityid: a.activityid,
    subject: a.subject,
    description: a.description,
    directioncode: a.directioncode,
    messageid: a.messageid,
    ...(a.trackingtoken ? { trackingtoken: a.trackingtoken } : {}),
    actualend: a.actualend,
    ...(a.internetmessageheaders ? { internetmessageheaders: a.internetmessageheaders } : {}),
    ...(a.notifications ? { notifications: a.notifications } : {}),
    ...(a.correlatedsubjectchanged !== undefined ? { correlatedsubjectchanged: a.correlatedsubjectchanged } : {}),
    ...(a.regarding ? bind(EMAIL_NAV.regarding(a.regarding.type), a.regarding.type, a.regarding.id) : {}),
    ...(a.parentActivityId ? bind(EMAIL_NAV.parentActivity, 'email', a.parentActivityId) : {}),
    ...(a.correlatedActivityId ? bind(EMAIL_NAV.correlatedActivity, 'email', a.correlatedActivityId) : {}),
    ...(a.acceptingEntity
      ? bind(EMAIL_NAV.acceptingEntity(a.acceptingEntity.type), a.acceptingEntity.type, a.acceptingEntity.id)
      : {}),
    ...bind(EMAIL_NAV.receivingMailbox, 'mailbox', a.receivingMailboxId),
    ...(a.owner ? bind(EMAIL_NAV.owner, a.owner.type, a.owner.id) : {}),
    email_activity_parties: a.parties.map((p) => ({
      participationtypemask: p.mask,
      addressused: truncate(p.addressused, FIELD_LIMITS.addressused).value,
      ...(p.party ? bind(EMAIL_NAV.party(p.party.type), p.party.type, p.party.id) : {}),
    })),
  };
}

function createItem(a: EmailActivity): BatchItem {
  return {
    changeset: [
      { method: 'POST', url: '/emails', body: toEmailRecord(a) },
      { method: 'PATCH', url: '$1', body: { statecode: 1, statuscode: a.statuscode } },
      ...(a.queueItems ?? []).map((q) => ({
        method: 'POST' as const,
        url: '/queueitems',
        body: {
          queueitemid: queueItemId(a.activityid, q),
          ...bind('objectid_email', 'email', a.activityid),
          ...bind('queueid', 'queue', q),
        },
      })),
    ],
  };
}

const errorCode = (body: unknown) => ((body as { error?: { code?: string } })?.error?.code ?? '').toLowerCase();
export const errorText = (r: ItemResponse) => {
  const p = r.parts.find((x) => x.status >= 400) ?? r.parts[0];
  const e = (p.body as { error?: { code?: string; message?: string } })?.error;
  return `${p.status} ${e?.code ?? ''} ${e?.message ?? ''}`.trim().slice(0, 300);
};

/** A create that failed because the row exists (412 DuplicateRecord, or 0x80040237 under another status). */
export const isDuplicate = (r: ItemResponse) =>
  r.parts.some((p) => p.status === 412 || errorCode(p.body) === '0x80040237');
/** The part that makes the whole message worth retrying: throttled, server-side trouble, or no answer (a 404 is isWaiting's). */
const retryPart = (r: ItemResponse) => r.parts.find((p) => p.status === 429 || p.status >= 500 || p.status === 0);
export const isRetryable = (r: ItemResponse) => retryPart(r) !== undefined;
/**
 * A part to retry, with the wait its throttled part asked for (its own Retry-After, translated like any
 * answer): the retry of the whole message then honours it instead of backing off blind.
 */
export function retry(id: string, r: ItemResponse, api: WebApi): EmailWriteResult {
  const failure = translateBatchPart('Dataverse write', retryPart(r), api.now?.() ?? new Date());
  const wait = failure.kind === 'throttled' && failure.retryAfterMs > 0 ? { retryAfterMs: failure.retryAfterMs } : {};
  return { activityid: id, status: 'retry', error: errorText(r), ...wait };
}
/** A 404 on create: a row the email binds to (the email it correlates with) is not there yet. */
export const isWaiting = (r: ItemResponse) => r.parts.some((p) => p.status === 404);

/** Dataverse takes at most 1,000 requests in one $batch: an email is 2 requests plus one per queue item. */
const MAX_BATCH_REQUESTS = 1000;
function batchesOf(activities: EmailActivity[], maxEmails: number): EmailActivity[][] {
  const out: EmailActivity[][] = [];
  let current: EmailActivity[] = [];
  let requests = 0;
  for (const a of activities) {
    const cost = 2 + (a.queueItems?.length ?? 0);
    if (current.length && (current.length >= maxEmails || requests + cost > MAX_BATCH_REQUESTS)) {
      out.push(current);
      current = [];
      requests = 0;
    }
    current.push(a);
    requests += cost;
  }
  if (current.length) out.push(current);
  return out;
}

export async function createEmails(
  api: WebApi,
  activities: EmailActivity[],
  batchSize: number,
): Promise<EmailWriteResult[]> {
  const results: EmailWriteResult[] = [];
  for (const slice of batchesOf(activities, batchSize)) {
    const responses = await api.batch(slice.map(createItem));
    const existing: EmailActivity[] = [];
    const sliceResults: EmailWriteResult[] = slice.map((a, j) => {
      const r = responses[j];
      if (r.ok) return { activityid: a.activityid, status: 'created' };
      if (isDuplicate(r)) return (existing.push(a), { activityid: a.activityid, status: 'exists' });
      if (isRetryable(r)) return retry(a.activityid, r, api);
      if (isWaiting(r)) return { activityid: a.activityid, status: 'waiting', error: errorText(r) };
      return { activityid: a.activityid, status: 'failed', error: errorText(r) };
    });
    if (existing.length) {
      // Who created the row decides between "ours, replayed" and "a duplicate from another mailbox".
      const owners = await api.batch(
        existing.map((a) => ({
          request: { method: 'GET' as const, url: `/emails(${a.activityid})?$select=_receivingmailboxid_value` },
        })),
      );
      existing.forEach((a, k) => {
        const body = owners[k]?.parts[0]?.body as { _receivingmailboxid_value?: string } | undefined;
        const res = sliceResults.find((r) => r.activityid === a.activityid)!;
        if (body?._receivingmailboxid_value) res.existingReceivingMailboxId = body._receivingmailboxid_value;
      });
    }
    results.push(...sliceResults);
  }
  return results;
}

/** Folder tracking: set Regarding on rows that exist (a closed email keeps Regarding updatable). */
export async function updateRegarding(
  api: WebApi,
  updates: RegardingUpdate[],
  batchSize: number,
): Promise<EmailWriteResult[]> {
  const results: EmailWriteResult[] = [];
  for (let i = 0; i < updates.length; i += batchSize) {
    const slice = updates.slice(i, i + batchSize);
    const responses = await api.batch(
      slice.map((u) => ({
        request: {
          method: 'PATCH' as const,
          url: `/emails(${u.activityid})`,
          headers: { 'If-Match': '*' },
          body: bind(EMAIL_NAV.regarding(u.regarding.type), u.regarding.type, u.regarding.id),
        },
      })),
    );
    slice.forEach((u, j) => {
      const r = responses[j];
      if (r.ok) results.push({ activityid: u.activityid, status: 'updated' });
      else if (isRetryable(r)) results.push(retry(u.activityid, r, api));
      else results.push({ activityid: u.activityid, status: 'failed', error: errorText(r) });
    });
  }
  return results;
}

export async function regardingOf(api: WebApi, activityIds: string[]): Promise<RegardingState[]> {
  const out: RegardingState[] = [];
  for (let i = 0; i < activityIds.length; i += 100) {
    const ids = activityIds.slice(i, i + 100);
    const filter = `Microsoft.Dynamics.CRM.In(PropertyName='activityid',PropertyValues=[${ids.map((id) => `'${id}'`).join(',')}])`;
    const rows = await api.getAll(
      `/emails?$select=activityid,_regardingobjectid_value&$filter=${encodeURIComponent(filter)}`,
      {
        Prefer: 'odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname"',
      },
    );
    for (const r of rows) {
      const id = r._regardingobjectid_value as string | undefined;
      const type = r['_regardingobjectid_value@Microsoft.Dynamics.CRM.lookuplogicalname'] as string | undefined;
      out.push({ activityid: String(r.activityid), ...(id && type ? { regarding: { type, id } } : {}) });
    }
  }
  return out;
}

/**
 * Queue items for emails that exist (SSSCreateAdditionalQueueItemsForAlreadyTrackedEmail): one only when
 * the queue has none for the email yet, by a plain create with a derived id. Results carry the queue
 * item's id as `activityid`; 'waiting' when the email is not written yet.
 */
export async function createQueueItems(api: WebApi, items: QueueItemOnly[]): Promise<EmailWriteResult[]> {
  const results: EmailWriteResult[] = [];
  for (let i = 0; i < items.length; i += 100) {
    const slice = items.slice(i, i + 100);
    const found = await api.batch(
      slice.map((q) => ({
        request: {
          method: 'GET' as const,
          url: `/queueitems?$select=queueitemid&$top=1&$filter=${encodeURIComponent(`_objectid_value eq ${guid(q.activityid)} and _queueid_value eq ${guid(q.queueId)}`)}`,
        },
      })),
    );
    const missing: QueueItemOnly[] = [];
    slice.forEach((q, j) => {
      const r = found[j];
      const id = queueItemId(q.activityid, q.queueId);
      if (!r.ok)
        results.push(isRetryable(r) ? retry(id, r, api) : { activityid: id, status: 'failed', error: errorText(r) });
      else if (((r.parts[0]?.body as { value?: unknown[] })?.value ?? []).length > 0)
        results.push({ activityid: id, status: 'exists' });
      else missing.push(q);
    });
    if (missing.length === 0) continue;
    const created = await api.batch(
      missing.map((q) => ({
        request: {
          method: 'POST' as const,
          url: '/queueitems',
          body: {
            queueitemid: queueItemId(q.activityid, q.queueId),
            ...bind('objectid_email', 'email', q.activityid),
            ...bind('queueid', 'queue', q.queueId),
          },
        },
      })),
    );
    missing.forEach((q, j) => {
      const r = created[j];
      const id = queueItemId(q.activityid, q.queueId);
      if (!r.ok && !isDuplicate(r) && isRetryable(r)) return void results.push(retry(id, r, api));
      const status = r.ok ? 'created' : isDuplicate(r) ? 'exists' : isWaiting(r) ? 'waiting' : 'failed';
      results.push({ activityid: id, status, ...(r.ok || status === 'exists' ? {} : { error: errorText(r) }) });
    });
  }
  return results;
}

/** A GUID for a filter literal; anything else cannot reach the query. */
function guid(id: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) throw new Error('not a GUID');
  return id;
}
