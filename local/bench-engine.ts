// The promotion engine's CPU cost per evaluated email, apart from I/O: Graph JSON normalised and promoted
// page by page against lookups served from per-page batches (as the sync stage has them), with the
// organization's settings read from the tenant fixture exactly as the Dataverse adapter reads them.
import type { PageLookup, PartyCandidate, ExistingEmail, OrgContext } from '../shared/ports';
import type { TenantFixture, FixtureFolder } from './tenant/fixture';
import type { WebApi } from '../shared/adapters/dataverse/http';
import { loadOrgContext } from '../shared/adapters/dataverse/org';
import { PARTY_SOURCES } from '../shared/adapters/dataverse/lookups';
import { normalizeGraphMessage } from '../shared/domain/graph-message';
import { normalizeMessageId } from '../shared/domain/message-id';
import { promote } from '../shared/domain/promote';
import type { MailItem } from '../shared/domain/item';
import { PageKnowledge } from '../shared/pipeline/known-emails';
import { promotionContext } from '../shared/pipeline/promotion-context';
import { loadSettings, stageSettings } from '../shared/config';
import { scalarText } from './sim/json-scalar';

/** The org settings come through the real reader, over the fixture's rows instead of HTTP. */
function fixtureApi(t: TenantFixture): WebApi {
  const rows = (path: string) => {
    const set = /^\/(\w+)/.exec(path)?.[1] ?? '';
    return (t.dataverse[set] ?? []).map((r) => {
      const out: Record<string, unknown> = { ...r };
      for (const [k, v] of Object.entries(r)) {
        const m = /^(\w+)@odata\.type$/.exec(k);
        if (m) out[`_${m[1]}_value@Microsoft.Dynamics.CRM.lookuplogicalname`] = v;
      }
      return out;
    });
  };
  return {
    apiRoot: 'fixture:',
    get: async (p) => ({ value: rows(p) }),
    getAll: async (p) => rows(p),
    batch: async () => [],
  };
}

function lookupFor(t: TenantFixture): PageLookup {
  const parties = new Map<string, PartyCandidate[]>();
  for (const src of PARTY_SOURCES) {
    for (const r of t.dataverse[src.set] ?? []) {
      for (const col of src.columns) {
        const a = typeof r[col] === 'string' ? r[col].toLowerCase() : undefined;
        if (!a) continue;
        const list = parties.get(a) ?? [];
        list.push({
          ref: { type: src.type, id: String(r[src.key]) },
          column: col,
          active: src.type === 'systemuser' ? r.isdisabled !== true : (r.statecode ?? 0) === 0,
          ...(typeof r._ownerid_value === 'string' ? { ownerId: r._ownerid_value } : {}),
        });
        parties.set(a, list);
      }
    }
  }
  const emails = new Map<string, ExistingEmail[]>();
  const tokens = new Map<string, ExistingEmail[]>();
  for (const e of t.dataverse.emails ?? []) {
    const x: ExistingEmail = {
      activityid: String(e.activityid),
      messageid: scalarText(e.messageid) ?? '',
      messageKey: normalizeMessageId(scalarText(e.messageid) ?? ''),
      outgoing: e.directioncode !== false,
      ...(typeof e.trackingtoken === 'string' ? { trackingtoken: e.trackingtoken } : {}),
    };
    emails.set(x.messageKey, [...(emails.get(x.messageKey) ?? []), x]);
    if (x.trackingtoken)
      tokens.set(x.trackingtoken.toUpperCase(), [...(tokens.get(x.trackingtoken.toUpperCase()) ?? []), x]);
  }
  return { emails, tokens, conversations: new Map(), parties };
}

const folderMessages = (folders: FixtureFolder[], wellKnown: string) =>
  folders.filter((f) => f.wellKnownName === wellKnown).flatMap((f) => f.messages ?? []);

export async function engineBenchmark(
  t: TenantFixture,
  pageSize = 100,
): Promise<{ items: number; microsPerItem: number }> {
  const ctx: OrgContext = await loadOrgContext(fixtureApi(t));
  const lookup = lookupFor(t);
  const pages: { mb: OrgContext['mailboxes'][number]; folder: string; values: Record<string, unknown>[] }[] = [];
  for (const mb of ctx.mailboxes) {
    const box = Object.entries(t.exchange).find(([a]) => a.toLowerCase() === mb.address)?.[1];
    for (const folder of ['inbox', 'sentitems']) {
      const messages = box ? folderMessages(box.mailFolders, folder) : [];
      for (let i = 0; i < messages.length; i += pageSize)
        pages.push({ mb, folder, values: messages.slice(i, i + pageSize) });
    }
  }
  const settings = stageSettings(loadSettings({})); // the declared defaults
  const run = () => {
    let n = 0;
    for (const p of pages) {
      const known = new PageKnowledge(lookup, new Map());
      const pctx = promotionContext(p.mb, ctx, settings, lookup, known, t.now ?? new Date().toISOString());
      for (const v of p.values) {
        const norm = normalizeGraphMessage(v, p.folder);
        if (norm.kind !== 'item') continue;
        const item: MailItem = norm.item;
        promote(item, pctx);
        n++;
      }
    }
    return n;
  };
  run(); // warm-up: JIT and caches, as a long-running worker would be
  const before = process.cpuUsage();
  let items = 0;
  const rounds = 5;
  for (let r = 0; r < rounds; r++) items += run();
  const used = process.cpuUsage(before);
  return { items: items / rounds, microsPerItem: Number(((used.user + used.system) / items).toFixed(2)) };
}
