// The Dataverse adapter: the DataversePort over our thin Web API client, with the org context cached
// for a refresh interval (SSS reads its settings the same way, not per email).
import type { Clock, DataversePort, OrgContext } from '../../ports';
import { createWebApi, type WebApi } from './http';
import { loadOrgContext } from './org';
import { emailsChangedSince, lookupPage, partySources } from './lookups';
import { createEmails, createQueueItems, regardingOf, updateRegarding } from './emails';
import { translateBatchPart } from './errors';
import { postponeMailboxTest, recordMailboxTest } from './mailbox-test';
import { attachmentIdsOf, createAttachments } from './attachments';
import { recordMailboxAlert } from './trace-log';

export interface DataverseAdapterOptions {
  url: string;
  token: () => Promise<string>;
  clock: Clock;
  batchSize: number;
  settingsRefreshMs?: number;
  /** PARTY_EXTRA_TABLES. */
  partyTables?: { logicalName: string; columns: string[] }[];
  onRequest?: (route: string) => void;
  /** The Web API client to use, shared with the outbox: one concurrency limit, one service-protection wait. */
  api?: WebApi;
}

export function createDataverseAdapter(o: DataverseAdapterOptions): DataversePort {
  const api =
    o.api ??
    createWebApi({
      url: o.url,
      token: o.token,
      clock: o.clock,
      ...(o.onRequest ? { onRequest: o.onRequest } : {}),
    });
  const org = orgContextCache(api, o.clock, o.settingsRefreshMs ?? 5 * 60_000);
  const sources = partySources(o.partyTables ?? []);
  return {
    loadOrgContext: () => org.get(),
    lookup: (req) => lookupPage(api, req, sources),
    emailsChangedSince: (since, max) => emailsChangedSince(api, since, max),
    createEmails: (activities) => createEmails(api, activities, o.batchSize),
    updateRegarding: (updates) => updateRegarding(api, updates, o.batchSize),
    createQueueItems: (items) => createQueueItems(api, items),
    regardingOf: (ids) => regardingOf(api, ids),
    createAttachments: (rows) => createAttachments(api, rows),
    attachmentIdsOf: (ids) => attachmentIdsOf(api, ids),
    recordMailboxAlert: (alert) => recordMailboxAlert(api, alert),
    async disableIncoming(mailboxId) {
      await disableIncoming(api, mailboxId);
      org.forget(); // the scheduler must see the change at once
    },
    async recordMailboxTest(mailboxId, result) {
      await recordMailboxTest(api, mailboxId, result);
      org.forget();
    },
    async postponeMailboxTest(mailboxId, retry) {
      await postponeMailboxTest(api, mailboxId, retry);
      org.forget();
    },
  };
}

/**
 * The org context, read once per refresh interval. A refresh that fails part-way keeps the tables it did
 * read (for one refresh interval), and the next attempt reads only the rest: a flaky service then cannot
 * fail every attempt of a seven-query refresh.
 */
function orgContextCache(api: WebApi, clock: Clock, refreshMs: number) {
  let cached: { at: number; value: Promise<OrgContext> } | undefined;
  let read: { at: number; rows: Map<string, Record<string, unknown>[]> } | undefined;
  const readOnce: WebApi = {
    ...api,
    async getAll(pathAndQuery, headers) {
      const kept = read?.rows.get(pathAndQuery);
      if (kept) return kept;
      const rows = await api.getAll(pathAndQuery, headers);
      read?.rows.set(pathAndQuery, rows);
      return rows;
    },
  };
  return {
    get(): Promise<OrgContext> {
      const now = clock.now().getTime();
      if (!cached || now - cached.at > refreshMs) {
        if (!read || now - read.at > refreshMs) read = { at: now, rows: new Map() };
        const value = loadOrgContext(readOnce);
        cached = { at: now, value };
        value.then(
          () => (read = undefined),
          () => (cached = undefined),
        );
      }
      return cached.value;
    },
    forget(): void {
      cached = undefined;
      read = undefined;
    },
  };
}

/** As SSS does on a permanent failure: clear enabledforincomingemail and mark incoming Failure. */
async function disableIncoming(api: WebApi, mailboxId: string): Promise<void> {
  const [res] = await api.batch([
    {
      request: {
        method: 'PATCH',
        url: `/mailboxes(${mailboxId})`,
        headers: { 'If-Match': '*' },
        body: { enabledforincomingemail: false, incomingemailstatus: 2 },
      },
    },
  ]);
  // Translated like any answer, so a 5xx part is retried later (withReschedule) instead of at once.
  if (!res?.ok)
    throw translateBatchPart(
      'could not disable incoming email on the mailbox',
      res?.parts[0],
      api.now?.() ?? new Date(),
    );
}
