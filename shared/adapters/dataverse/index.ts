// The Dataverse adapter: the DataversePort over our thin Web API client, with the org context cached
// for a refresh interval (SSS reads its settings the same way, not per email).
import type { Clock, DataversePort, OrgContext } from '../../ports';
import { createWebApi } from './http';
import { loadOrgContext } from './org';
import { emailsChangedSince, lookupPage, partySources } from './lookups';
import { createEmails, createQueueItems, regardingOf, updateRegarding } from './emails';

export interface DataverseAdapterOptions {
  url: string;
  token: () => Promise<string>;
  clock: Clock;
  batchSize: number;
  settingsRefreshMs?: number;
  /** PARTY_EXTRA_TABLES. */
  partyTables?: { logicalName: string; columns: string[] }[];
  onRequest?: (route: string) => void;
}

export function createDataverseAdapter(o: DataverseAdapterOptions): DataversePort {
  const api = createWebApi({ url: o.url, token: o.token, clock: o.clock, ...(o.onRequest ? { onRequest: o.onRequest } : {}) });
  const refreshMs = o.settingsRefreshMs ?? 5 * 60_000;
  let cached: { at: number; value: Promise<OrgContext> } | undefined;
  const sources = partySources(o.partyTables ?? []);
  return {
    loadOrgContext() {
      const now = o.clock.now().getTime();
      if (!cached || now - cached.at > refreshMs) {
        const value = loadOrgContext(api);
        cached = { at: now, value };
        value.catch(() => (cached = undefined));
      }
      return cached.value;
    },
    lookup: (req) => lookupPage(api, req, sources),
    emailsChangedSince: (since, max) => emailsChangedSince(api, since, max),
    createEmails: (activities) => createEmails(api, activities, o.batchSize),
    updateRegarding: (updates) => updateRegarding(api, updates, o.batchSize),
    createQueueItems: (items) => createQueueItems(api, items),
    regardingOf: (ids) => regardingOf(api, ids),
    async disableIncoming(mailboxId) {
      const [res] = await api.batch([{ request: { method: 'PATCH', url: `/mailboxes(${mailboxId})`, headers: { 'If-Match': '*' }, body: { enabledforincomingemail: false, incomingemailstatus: 2 } } }]);
      if (!res?.ok) throw new Error(`could not disable incoming email on the mailbox: ${res?.parts[0]?.status ?? 'no answer'}`);
      cached = undefined; // the scheduler must see the change at once
    },
  };
}
