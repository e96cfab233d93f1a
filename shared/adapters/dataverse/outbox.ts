// The outbox: emails in Pending Send (statuscode 6) or Sending (7) from a user or queue, and their way to
// Sent (3) or Failed (8). The claim is a PATCH conditional on the row's ETag
// (learn.microsoft.com/power-apps/developer/data-platform/webapi/perform-conditional-operations-using-web-api),
// so of two workers only one can move a row to Sending. A completed email takes no column but its state:
// Sent reopens it, writes the Message-ID, subject and token, and completes it, in one change set.
import type { EntityRef } from '../../domain/refs';
import type { OutboxPort, OutgoingAddress, PendingEmail, SentFacts } from '../../ports-send';
import type { TokenFormat } from '../../domain/tracking-token';
import { EMAIL_STATUS } from '../../domain/send';
import type { BatchRequest } from './batch';
import type { WebApi } from './http';
import { translateBatchPart } from './errors';
import { outgoingAttachments } from './outgoing-attachments';

type Row = Record<string, unknown>;
const MASK = { from: 1, to: 2, cc: 3, bcc: 4 } as const;
const RECIPIENT_MASKS: number[] = [MASK.to, MASK.cc, MASK.bcc];
const WAITING = `directioncode eq true and (statuscode eq ${EMAIL_STATUS.pendingSend} or statuscode eq ${EMAIL_STATUS.sending})`;
const PARTIES = 'email_activity_parties($select=participationtypemask,_partyid_value,addressused)';
const quoted = (s: string) => `'${s.replace(/'/g, "''")}'`;
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

export function createOutbox(api: WebApi): OutboxPort {
  const one = async (what: string, request: BatchRequest | BatchRequest[]) => {
    const [res] = await api.batch([Array.isArray(request) ? { changeset: request } : { request }]);
    if (!res?.ok) throw translateBatchPart(what, res?.parts[0], api.now?.() ?? new Date());
  };
  return {
    async pending(owner: EntityRef) {
      const query = `$select=activityid,subject,description,statuscode,trackingtoken,createdon,delayedemailsendtime,deliveryprioritycode,deliveryattempts&$filter=${encodeURIComponent(WAITING)}&$orderby=${encodeURIComponent('createdon asc,activityid asc')}&$expand=${encodeURIComponent(PARTIES)}`;
      const rows = await api.getAll(`/emails?${query}`);
      return rows.filter((r) => senderOf(r) === owner.id.toLowerCase()).map(toPending);
    },
    async waitingSenders() {
      const query = `$select=activityid&$filter=${encodeURIComponent(WAITING)}&$expand=${encodeURIComponent(PARTIES)}`;
      const rows = await api.getAll(`/emails?${query}`);
      return new Set(rows.flatMap((r) => senderOf(r) ?? []));
    },
    async tokenFormat() {
      const q = '$select=trackingprefix,trackingtokenidbase,trackingtokeniddigits,maximumtrackingnumber';
      const [o] = await api.getAll(`/organizations?${q}`);
      return o ? toTokenFormat(o) : undefined;
    },
    userNumber: (userId) => positionIn(api, 'systemusers', 'systemuserid', userId),
    queuePosition: (queueId) => positionIn(api, 'queues', 'queueid', queueId),
    async lastToken(stem) {
      // Rows sent within one second share modifiedon: the higher token (fixed width) is the later one.
      const filter = `startswith(trackingtoken,${quoted(stem)})`;
      const page = await api.get(
        `/emails?$select=trackingtoken&$filter=${encodeURIComponent(filter)}&$orderby=${encodeURIComponent('modifiedon desc,trackingtoken desc')}&$top=1`,
      );
      return str((page.value as Row[] | undefined)?.[0]?.trackingtoken);
    },
    claim: (email: PendingEmail) => claim(api, email),
    markSent: (activityid: string, facts: SentFacts) =>
      one('could not mark the email Sent', [
        patch(activityid, { statecode: 0, statuscode: EMAIL_STATUS.draft }),
        patch(activityid, {
          messageid: facts.messageid,
          subject: facts.subject,
          ...(facts.trackingtoken ? { trackingtoken: facts.trackingtoken } : {}),
        }),
        patch(activityid, { statecode: 1, statuscode: EMAIL_STATUS.sent }),
      ]),
    release: (activityid) =>
      one('could not put the email back in Pending Send', patch(activityid, { statuscode: EMAIL_STATUS.pendingSend })),
    markFailed: (activityid) =>
      one('could not mark the email Failed', patch(activityid, { statecode: 0, statuscode: EMAIL_STATUS.failed })),
    attachments: (activityid) => outgoingAttachments(api, activityid),
  };
}

/** The row's position (1 = first) in its table by createdon, then id: a user's or a queue's number in tokens. */
async function positionIn(api: WebApi, set: string, key: string, id: string): Promise<number> {
  const rows = await api.getAll(`/${set}?$select=${key},createdon`);
  const order = rows
    .map((u) => ({ id: String(u[key]).toLowerCase(), at: str(u.createdon) ?? '' }))
    .sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
  return order.findIndex((u) => u.id === id.toLowerCase()) + 1;
}

/**
 * Pending Send -> Sending if the row still has the ETag it was read with; a 412 means another worker has it.
 * The claim counts one delivery attempt (deliveryattempts): a completed email takes no column but its state, so
 * the change set reopens it (conditional on the ETag), counts, and moves it to Sending, all or nothing.
 */
async function claim(api: WebApi, email: PendingEmail): Promise<boolean> {
  const [res] = await api.batch([
    {
      changeset: [
        {
          ...patch(email.activityid, { statecode: 0, statuscode: EMAIL_STATUS.draft }),
          headers: { 'If-Match': email.etag },
        },
        patch(email.activityid, { deliveryattempts: email.deliveryattempts + 1 }),
        patch(email.activityid, { statecode: 1, statuscode: EMAIL_STATUS.sending }),
      ],
    },
  ]);
  if (res?.ok) return true;
  if (res?.parts[0]?.status === 412) return false;
  throw translateBatchPart('could not claim the email for sending', res?.parts[0], api.now?.() ?? new Date());
}

const patch = (id: string, body: Row): BatchRequest => ({
  method: 'PATCH',
  url: `/emails(${id})`,
  headers: { 'If-Match': '*' },
  body,
});

function parties(r: Row): Row[] {
  return Array.isArray(r.email_activity_parties) ? (r.email_activity_parties as Row[]) : [];
}

function senderOf(r: Row): string | undefined {
  return str(parties(r).find((p) => p.participationtypemask === MASK.from)?._partyid_value)?.toLowerCase();
}

function addresses(r: Row, mask: number): OutgoingAddress[] {
  return parties(r)
    .filter((p) => p.participationtypemask === mask && str(p.addressused))
    .map((p) => ({ address: String(p.addressused) }));
}

/** Recipients with no record behind them (no partyid): only the address typed. */
const unresolvedCount = (r: Row) =>
  parties(r).filter((p) => RECIPIENT_MASKS.includes(Number(p.participationtypemask)) && !str(p._partyid_value)).length;

function toPending(r: Row): PendingEmail {
  const content = str(r.description) ?? '';
  const token = str(r.trackingtoken);
  const notBefore = str(r.delayedemailsendtime);
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  return {
    activityid: String(r.activityid),
    etag: str(r['@odata.etag']) ?? '*',
    statuscode: Number(r.statuscode),
    subject: str(r.subject) ?? '',
    body: { contentType: /<[a-z][\s\S]*>/i.test(content) ? 'html' : 'text', content },
    to: addresses(r, MASK.to),
    cc: addresses(r, MASK.cc),
    bcc: addresses(r, MASK.bcc),
    ...(token ? { trackingtoken: token } : {}),
    ...(notBefore ? { notBefore } : {}),
    ...(num(r.deliveryprioritycode) !== undefined ? { priority: num(r.deliveryprioritycode) } : {}),
    deliveryattempts: num(r.deliveryattempts) ?? 0,
    unresolved: unresolvedCount(r),
  };
}

/** The current prefix is the first of the history list; no prefix means tokens are off. */
function toTokenFormat(o: Row): TokenFormat | undefined {
  const prefix = (str(o.trackingprefix) ?? 'CRM:').split(',')[0]?.trim();
  if (!prefix) return undefined;
  const n = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : d);
  return {
    prefix,
    userDigits: n(o.trackingtokeniddigits, 3),
    maxCounter: n(o.maximumtrackingnumber, 999),
    base: n(o.trackingtokenidbase, 0),
  };
}
