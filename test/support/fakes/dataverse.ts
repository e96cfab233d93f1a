// The Dataverse port in memory: emails are created once per activity id (a second create answers `exists`
// with the mailbox that created the row), an email pointing at a row that is not there yet answers
// `waiting`, a queue holds one queue item per email, and disabling a mailbox clears its incoming flag.
// `refuse` fails one write for good; `throttleWrites` answers `retry` to that many writes, as a 429 part does;
// `down` makes every call fail with that error (a whole request throttled or refused).
import type {
  DataversePort,
  DvMailbox,
  EmailWriteResult,
  ExistingEmail,
  OrgContext,
  PartyCandidate,
} from '../../../shared/ports';
import type { MailboxTestResult, MailboxTestRetry } from '../../../shared/ports-test-enable';
import type { EmailActivity } from '../../../shared/domain/activity';
import type { AttachmentRow } from '../../../shared/domain/attachments';
import type { EntityRef } from '../../../shared/domain/refs';
import { normalizeMessageId, queueItemId } from '../../../shared/domain/message-id';
import { toOrgSettings } from '../../../shared/adapters/dataverse/org';

export interface FakeDataverse extends DataversePort {
  org: OrgContext;
  emails: Map<string, EmailActivity & { modifiedon: string }>;
  /** queueItemId -> the queue item's email and queue. */
  queueItems: Map<string, { activityid: string; queueId: string }>;
  /** Rows whose email columns hold an address, by lower-cased address. */
  parties: Map<string, PartyCandidate[]>;
  refuse: Map<string, string>;
  throttleWrites: number;
  down: Error | undefined;
  disabled: string[];
  /** Test & Enable results written, in order. */
  tests: ({ mailboxId: string } & MailboxTestResult)[];
  /** Test & Enable retries postponed, in order. */
  testRetries: ({ mailboxId: string } & MailboxTestRetry)[];
  createCalls: number;
  /** Attachment rows by id: a second create of one answers `exists`. */
  attachments: Map<string, AttachmentRow>;
}

/** A user mailbox synced by server-side sync, enabled and approved. */
export function userMailbox(id: string, address: string, ownerId: string, over: Partial<DvMailbox> = {}): DvMailbox {
  return {
    mailboxid: id,
    address,
    owner: { type: 'systemuser', id: ownerId },
    incomingDeliveryMethod: 2,
    enabledForIncoming: true,
    approval: 1,
    active: true,
    incomingStatus: 1,
    outgoingStatus: 1,
    ...over,
  };
}

/** An organization with the settings Dataverse has by default, and these mailboxes (their owners accept all email). */
export function orgWith(mailboxes: DvMailbox[]): OrgContext {
  const users = mailboxes.filter((m) => m.owner.type === 'systemuser');
  return {
    org: toOrgSettings({}),
    userFilters: new Map(users.map((m) => [m.owner.id, 0])),
    users: new Map(users.map((m) => [m.owner.id, { address: m.address, disabled: false }])),
    queues: new Map(),
    mailboxes,
    trackingFolders: new Map(),
  };
}

export function fakeDataverse(org: OrgContext, clock: { now(): Date }): FakeDataverse {
  const existing = (a: EmailActivity & { modifiedon: string }): ExistingEmail & { modifiedon: string } => ({
    activityid: a.activityid,
    messageid: a.messageid,
    messageKey: normalizeMessageId(a.messageid),
    outgoing: a.directioncode,
    receivingMailboxId: a.receivingMailboxId,
    subject: a.subject,
    modifiedon: a.modifiedon,
    ...(a.regarding ? { regarding: a.regarding } : {}),
    ...(a.trackingtoken ? { trackingtoken: a.trackingtoken } : {}),
  });
  const refused = (id: string): EmailWriteResult | undefined => {
    if (dv.refuse.has(id)) return { activityid: id, status: 'failed', error: dv.refuse.get(id)! };
    if (dv.throttleWrites > 0) {
      dv.throttleWrites--;
      return { activityid: id, status: 'retry', error: '429 Too Many Requests' };
    }
    return undefined;
  };
  const addQueueItem = (activityid: string, queueId: string): EmailWriteResult => {
    const id = queueItemId(activityid, queueId);
    if (dv.queueItems.has(id)) return { activityid: id, status: 'exists' };
    dv.queueItems.set(id, { activityid, queueId });
    return { activityid: id, status: 'created' };
  };
  const byKey = <K>(keyOf: (e: ExistingEmail) => K | undefined, wanted: K[]) => {
    const out = new Map<K, ExistingEmail[]>();
    for (const e of [...dv.emails.values()].map(existing)) {
      const k = keyOf(e);
      if (k !== undefined && wanted.includes(k)) out.set(k, [...(out.get(k) ?? []), e]);
    }
    return out;
  };
  const dv: FakeDataverse = {
    org,
    emails: new Map(),
    queueItems: new Map(),
    parties: new Map(),
    refuse: new Map(),
    throttleWrites: 0,
    down: undefined,
    disabled: [],
    tests: [],
    testRetries: [],
    createCalls: 0,
    attachments: new Map(),
    loadOrgContext: async () => structuredClone(dv.org),
    async lookup(req) {
      const addresses = req.addresses.map((a) => a.toLowerCase());
      return {
        emails: byKey((e) => e.messageKey, req.messageIds.map(normalizeMessageId)),
        tokens: byKey((e) => e.trackingtoken?.toUpperCase(), req.trackingTokens),
        conversations: new Map(),
        parties: new Map([...dv.parties].filter(([a]) => addresses.includes(a))),
      };
    },
    async emailsChangedSince(since, max) {
      const rows = [...dv.emails.values()]
        .filter((e) => e.modifiedon >= since)
        .sort((a, b) => a.modifiedon.localeCompare(b.modifiedon))
        .map(existing);
      return { rows: rows.slice(0, max), complete: rows.length <= max };
    },
    async createEmails(activities) {
      dv.createCalls++;
      return activities.map((a): EmailWriteResult => {
        const row = dv.emails.get(a.activityid);
        if (row)
          return { activityid: a.activityid, status: 'exists', existingReceivingMailboxId: row.receivingMailboxId };
        const no = refused(a.activityid);
        if (no) return no;
        const target = [a.correlatedActivityId, a.parentActivityId].find((t) => t && !dv.emails.has(t));
        if (target) return { activityid: a.activityid, status: 'waiting', error: `${target} does not exist` };
        dv.emails.set(a.activityid, { ...structuredClone(a), modifiedon: clock.now().toISOString() });
        for (const q of a.queueItems ?? []) addQueueItem(a.activityid, q);
        return { activityid: a.activityid, status: 'created' };
      });
    },
    async updateRegarding(updates) {
      return updates.map(({ activityid, regarding }): EmailWriteResult => {
        const row = dv.emails.get(activityid);
        if (!row) return { activityid, status: 'failed', error: 'email does not exist' };
        const no = refused(activityid);
        if (no) return no;
        row.regarding = regarding;
        return { activityid, status: 'updated' };
      });
    },
    async createQueueItems(items) {
      return items.map(({ activityid, queueId }) =>
        dv.emails.has(activityid)
          ? addQueueItem(activityid, queueId)
          : { activityid: queueItemId(activityid, queueId), status: 'waiting' as const },
      );
    },
    async regardingOf(ids) {
      return ids.flatMap((id) => {
        const row = dv.emails.get(id);
        return row ? [{ activityid: id, ...(row.regarding ? { regarding: row.regarding as EntityRef } : {}) }] : [];
      });
    },
    async createAttachments(rows) {
      return rows.map((r) => {
        const id = r.activitymimeattachmentid;
        if (!dv.emails.has(r.activityid)) return { activityid: id, status: 'waiting' as const };
        const no = refused(id);
        if (no) return no;
        if (dv.attachments.has(id)) return { activityid: id, status: 'exists' as const };
        dv.attachments.set(id, r);
        return { activityid: id, status: 'created' as const };
      });
    },
    async attachmentIdsOf(ids) {
      const emails = new Set(ids);
      return new Set(
        [...dv.attachments.values()]
          .filter((r) => emails.has(r.activityid))
          .map((r) => r.activitymimeattachmentid.toLowerCase()),
      );
    },
    async disableIncoming(mailboxId) {
      dv.disabled.push(mailboxId);
      dv.org.mailboxes = dv.org.mailboxes.map((m) =>
        m.mailboxid === mailboxId ? { ...m, enabledForIncoming: false, modifiedon: clock.now().toISOString() } : m,
      );
    },
    async recordMailboxTest(mailboxId, result) {
      dv.tests.push({ mailboxId, ...result });
      dv.org.mailboxes = dv.org.mailboxes.map((m) =>
        m.mailboxid === mailboxId
          ? {
              ...m,
              testRequested: false,
              testRetryCount: 0,
              testPostponedUntil: undefined,
              ...(result.incoming !== undefined ? { incomingStatus: result.incoming } : {}),
              modifiedon: clock.now().toISOString(),
            }
          : m,
      );
    },
    async postponeMailboxTest(mailboxId, retry) {
      dv.testRetries.push({ mailboxId, ...retry });
      dv.org.mailboxes = dv.org.mailboxes.map((m) =>
        m.mailboxid === mailboxId ? { ...m, testRetryCount: retry.count, testPostponedUntil: retry.until } : m,
      );
    },
  };
  const calls = dv as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const name of PORT_CALLS) {
    const call = calls[name]!;
    calls[name] = async (...args) => {
      if (dv.down) throw dv.down;
      return call(...args);
    };
  }
  return dv;
}

const PORT_CALLS: readonly (keyof DataversePort)[] = [
  'loadOrgContext',
  'lookup',
  'emailsChangedSince',
  'createEmails',
  'updateRegarding',
  'createQueueItems',
  'regardingOf',
  'disableIncoming',
  'recordMailboxTest',
  'postponeMailboxTest',
  'createAttachments',
];
