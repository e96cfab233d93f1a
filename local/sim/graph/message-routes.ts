// Messages under /users/{u} and /users/{u}/mailFolders/{f}: list (with the internetMessageId lookup), create
// a draft, delta, get, patch, send a draft, and $value.
import type { Json } from '../../tenant/fixture';
import { badRequest, itemNotFound } from './errors';
import { deltaPage } from './delta';
import { canonicalId, expanded, parseExtendedExpand, type ExtendedProperty } from './extended-properties';
import { createDraft, messageInput, sendDraft } from './mail-write';
import { messageId, parseSelect, renderMessage } from './message-json';
import { renderMime } from './mime';
import { attachmentRoutes } from './attachment-routes';
import type { Route, RouteContext, RouteResult } from './routes';
import type { MailStore, SimFolder, SimMailbox, SimMessage } from './store';

const ok = (json: unknown): RouteResult => ({ status: 200, json });

export function messageRoutes(
  store: MailStore,
  u: string,
  mbx: () => SimMailbox,
  folder: (() => SimFolder) | undefined,
  tail: string[],
  base: string,
): Route | undefined {
  if (tail.length === 0) {
    return {
      name: base,
      methods: ['GET', 'POST'],
      mailbox: u,
      run: (c) => {
        if (c.method === 'GET') return ok(listMessages(store, mbx(), folder?.(), c));
        const m = createDraft(store, mbx(), messageInput(c.body(), false), folder?.().id);
        return {
          status: 201,
          json: withContext(
            renderMessage(m, { immutableId: c.prefs.immutableId, headers: false }),
            `${c.baseUrl}/$metadata#users('${encodeURIComponent(u)}')/messages/$entity`,
          ),
        };
      },
    };
  }
  if (tail.length === 1 && (tail[0] === 'delta' || tail[0] === 'delta()')) {
    if (!folder) return undefined; // Graph has no mailbox-wide message delta
    return {
      name: 'messages/delta',
      methods: ['GET'],
      mailbox: u,
      run: (c) => {
        const r = deltaPage(store, {
          mbx: mbx(),
          folder: folder(),
          query: c.query,
          prefs: c.prefs,
          baseUrl: c.baseUrl,
        });
        const headers: Record<string, string> = c.prefs.maxPageSize
          ? { 'Preference-Applied': `odata.maxpagesize=${r.pageSize}` }
          : {};
        return { status: 200, json: r.body, headers };
      },
    };
  }
  const id = tail[0];
  const message = (): SimMessage => {
    const m = store.message(mbx(), id);
    if (folder && m.folderId !== folder().id) throw itemNotFound();
    return m;
  };
  if (tail.length === 1) {
    return {
      name: 'message',
      // DELETE is left out on purpose (the existing suite pins 405; see CONFORMANCE.md).
      methods: ['GET', 'PATCH'],
      mailbox: u,
      run: (c) => {
        if (c.method === 'PATCH') {
          const m = store.patchFromClient(mbx(), messageId(message(), true), c.body());
          return ok(renderMessage(m, { immutableId: c.prefs.immutableId, headers: false }));
        }
        const select = parseSelect(c.query.get('$select'));
        const render = {
          select,
          immutableId: c.prefs.immutableId,
          headers: (m: SimMessage) => store.headersOf(mbx(), m),
          bodyText: c.prefs.bodyText,
          extended: expandOf(store, mbx(), c),
        };
        return ok(
          withContext(
            renderMessage(message(), render),
            `${c.baseUrl}/$metadata#users('${encodeURIComponent(u)}')/messages/$entity`,
          ),
        );
      },
    };
  }
  if (tail.length === 2 && tail[1] === 'send') {
    return {
      name: 'message/send',
      methods: ['POST'],
      mailbox: u,
      run: () => (sendDraft(store, mbx(), message().immutableId), { status: 202 }),
    };
  }
  if (tail[1] === 'attachments') return attachmentRoutes(store, u, mbx, message, tail.slice(2));
  if (tail.length === 2 && tail[1] === '$value') {
    return {
      name: 'message/$value',
      methods: ['GET'],
      mailbox: u,
      run: () => ({ status: 200, text: { contentType: 'text/plain', content: mimeOf(store, mbx(), message()) } }),
    };
  }
  return undefined;
}

export function withContext(item: Json, context: string): Json {
  return { '@odata.context': context, ...item };
}

/** `$expand=singleValueExtendedProperties($filter=id eq '…' or …)`: what each item answers, or nothing asked. */
function expandOf(
  store: MailStore,
  mbx: SimMailbox,
  c: RouteContext,
): ((m: SimMessage) => ExtendedProperty[]) | undefined {
  const ids = parseExtendedExpand(c.query.get('$expand'));
  return ids ? (m) => expanded(store.extendedPropertiesOf(mbx, m), ids) : undefined;
}

/** $value: a delivered copy without a fixture list carries the headers Exchange kept on delivery. */
function mimeOf(store: MailStore, mbx: SimMailbox, m: SimMessage): string {
  return renderMime(m.data, Array.isArray(m.data.internetMessageHeaders) ? undefined : store.headersOf(mbx, m));
}

/**
 * The filters clients need: lookup by internetMessageId, and by a single-value extended property's value
 * (`singleValueExtendedProperties/Any(ep: ep/id eq '…' and ep/value eq '…')`, as "Get
 * singleValueLegacyExtendedProperty" documents for finding messages).
 */
function listFilter(store: MailStore, mbx: SimMailbox, filter: string): (m: SimMessage) => boolean {
  const unquote = (s: string) => s.replace(/''/g, "'");
  const byId = /^\s*internetMessageId\s+eq\s+'(.*)'\s*$/i.exec(filter);
  if (byId) return (x) => x.data.internetMessageId === unquote(byId[1]);
  const ext =
    /^\s*singleValueExtendedProperties\/Any\(\s*(\w+)\s*:\s*\1\/id\s+eq\s+'((?:[^']|'')*)'\s+and\s+\1\/value\s+eq\s+'((?:[^']|'')*)'\s*\)\s*$/i.exec(
      filter,
    );
  const id = ext ? canonicalId(unquote(ext[2])) : undefined;
  if (!ext || !id)
    throw badRequest(
      "Only $filter=internetMessageId eq '…' or singleValueExtendedProperties/Any(ep: ep/id eq '…' and ep/value eq '…') is supported on message lists.",
    );
  const value = unquote(ext[3]);
  return (x) => store.extendedPropertiesOf(mbx, x).get(id) === value;
}

/** Plain listing with $top/$skip paging, and the one filter clients need: lookup by internetMessageId. */
function listMessages(store: MailStore, mbx: SimMailbox, folder: SimFolder | undefined, c: RouteContext): Json {
  const select = parseSelect(c.query.get('$select'));
  const top = Math.min(1000, Number(c.query.get('$top') ?? 10) || 10);
  const skip = Number(c.query.get('$skip') ?? 0) || 0;
  let all = folder ? store.members(folder) : [...mbx.folders.values()].flatMap((f) => store.members(f));
  const filter = c.query.get('$filter');
  if (filter) all = all.filter(listFilter(store, mbx, filter));
  const extended = expandOf(store, mbx, c);
  const value = all.slice(skip, skip + top).map((m) =>
    renderMessage(m, {
      select,
      immutableId: c.prefs.immutableId,
      headers: (x) => store.headersOf(mbx, x),
      bodyText: c.prefs.bodyText,
      extended,
    }),
  );
  const out: Json = { '@odata.context': `${c.baseUrl}/$metadata#Collection(message)`, value };
  if (skip + top < all.length) {
    const next = new URLSearchParams(c.query);
    next.set('$skip', String(skip + top));
    next.set('$top', String(top));
    const path = folder
      ? `users/${mbx.userId}/mailFolders/${encodeURIComponent(folder.id)}/messages`
      : `users/${mbx.userId}/messages`;
    out['@odata.nextLink'] = `${c.baseUrl}/${path}?${next.toString()}`;
  }
  return out;
}
