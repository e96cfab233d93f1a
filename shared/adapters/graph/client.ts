// Graph adapter: message delta per folder and message reads, through @microsoft/microsoft-graph-client
// with our own middleware chain (auth from the TokenCredential seam, then HTTP). No RetryHandler on
// purpose: throttling is answered by rescheduling the job for Retry-After, not by sleeping here.
import { Client, HTTPMessageHandler } from '@microsoft/microsoft-graph-client';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import type { Clock, DeltaPage, GraphJson, GraphPort } from '../../ports';
import type { FolderKind } from '../../domain/item';
import { MESSAGE_SELECT } from '../../domain/graph-message';
import { isKind, transient, unsafeLink } from '../../domain/errors';
import { checkServiceLink, serviceRoot, withinService, type ServiceRoot } from '../service-link';
import { batchItemWaitMs, translateGraphError } from './errors';
import { checkAccess } from './access';
import { asBatchItems, asDeltaPage, asFolderPage, asObject } from './answers';
import { attachmentBytes, moreAttachments } from './attachment-reads';

/** Graph JSON $batch takes at most 20 requests. */
const BATCH_LIMIT = 20;
/** Attachments per list page; further pages are followed by their @odata.nextLink. */
const ATTACHMENTS_PAGE = 50;
const IMMUTABLE_IDS = 'IdType="ImmutableId"';

export interface GraphClientOptions {
  /** e.g. https://graph.microsoft.com/v1.0 */
  baseUrl: string;
  token: () => Promise<string>;
  pageSize: number;
  clock: Clock;
  /** Counts requests for benchmarks and telemetry. */
  onRequest?: (route: string) => void;
}

/** Attaches the bearer token, and only to a request for the configured Graph endpoint, whatever built its URL. */
export class BearerAuth implements Middleware {
  private next?: Middleware;
  constructor(
    private readonly token: () => Promise<string>,
    private readonly root: ServiceRoot,
  ) {}
  async execute(context: Context): Promise<void> {
    const url = requestUrl(context.request);
    if (!withinService(url, this.root))
      throw unsafeLink('graph', 'Graph request outside the configured endpoint: not sent');
    const token = await this.token();
    const options = (context.options ??= {});
    const headers = options.headers;
    if (headers instanceof Headers) headers.set('Authorization', `Bearer ${token}`);
    else options.headers = { ...(headers as Record<string, string> | undefined), Authorization: `Bearer ${token}` };
    await this.next!.execute(context);
  }
  setNext(next: Middleware): void {
    this.next = next;
  }
}

/** The URL of a request the client hands the middleware: its text, or the `url` of a Request object. */
function requestUrl(request: unknown): string {
  if (typeof request === 'string') return request;
  const url = asObject(request)?.url;
  return typeof url === 'string' ? url : '';
}

/** What every Graph read needs: the SDK client, the endpoint links must stay on, and one way to call. */
export interface GraphSession {
  client: Client;
  root: ServiceRoot;
  pageSize: number;
  call<T>(route: string, run: () => Promise<T>): Promise<T>;
}

export function createGraphClient(o: GraphClientOptions): GraphPort {
  const g = openSession(o);
  return {
    messagesDelta: (mailbox, folder, cursor) => messagesDelta(g, mailbox, folder, cursor),
    childFolders: (mailbox, parent) => childFolders(g, mailbox, parent),
    getMessages: (mailbox, graphIds, select, extended) => getMessages(g, mailbox, graphIds, select, extended, o.clock),
    checkAccess: (mailbox, check) => checkAccess(g, mailbox, check),
    getMessage: (mailbox, graphId, select, extended) =>
      g.call('messages.get', () =>
        g.client
          .api(messagePath(mailbox, graphId, select, extended))
          .header('Prefer', IMMUTABLE_IDS)
          .get(),
      ),
    listAttachments: (mailbox, graphIds) => listAttachments(g, mailbox, graphIds, o.clock),
    moreAttachments: (link) => moreAttachments(g, link),
    attachmentBytes: (mailbox, graphId, attachmentId) => attachmentBytes(g, mailbox, graphId, attachmentId),
    getAttachment: (mailbox, graphId, attachmentId) =>
      unlessGone(() =>
        g.call('attachments.get', () =>
          g.client.api(`${attachmentsPath(mailbox, graphId)}/${encodeURIComponent(attachmentId)}`).get(),
        ),
      ),
  };
}

/** The SDK client on the configured endpoint, behind BearerAuth; every call counted and its failure translated. */
export function openSession(o: GraphClientOptions): GraphSession {
  const base = new URL(o.baseUrl);
  const version = base.pathname.replace(/^\/+|\/+$/g, '') || 'v1.0';
  const root = serviceRoot(`${base.origin}/${version}`);
  const client = Client.initWithMiddleware({
    middleware: [new BearerAuth(o.token, root), new HTTPMessageHandler()],
    baseUrl: base.origin,
    defaultVersion: version,
  });
  return {
    client,
    root,
    pageSize: o.pageSize,
    async call(route, run) {
      o.onRequest?.(route);
      try {
        return await run();
      } catch (e) {
        throw translateGraphError(e, route, o.clock.now());
      }
    },
  };
}

/**
 * A link to follow, checked by its parsed URL (service-link.ts). The client is handed the canonical path
 * after the version, which holds no "://": it cannot take an absolute http:// URL (the simulators), and
 * for https:// it would derive the host from the text again.
 */
export function follow(root: ServiceRoot, link: unknown, what: string): string {
  const c = checkServiceLink(link, root);
  if (!c.ok) throw unsafeLink('graph', `Graph ${what} rejected: ${c.reason}`);
  return c.relative;
}

const user = (mailbox: string) => `/users/${encodeURIComponent(mailbox)}`;
const messagePath = (mailbox: string, id: string, select: readonly string[], extended: readonly string[] | undefined) =>
  `${user(mailbox)}/messages/${encodeURIComponent(id)}?$select=${select.join(',')}${expandExtended(extended)}`;

async function messagesDelta(
  g: GraphSession,
  mailbox: string,
  folder: FolderKind,
  cursor: string | undefined,
): Promise<DeltaPage> {
  const path = cursor
    ? follow(g.root, cursor, 'stored link')
    : `${user(mailbox)}/mailFolders/${folder}/messages/delta?$select=${MESSAGE_SELECT.join(',')}`;
  const prefer = `odata.maxpagesize=${g.pageSize}, ${IMMUTABLE_IDS}`;
  const { value, nextLink, deltaLink } = asDeltaPage(
    await g.call<unknown>('messages.delta', () => g.client.api(path).header('Prefer', prefer).get()),
  );
  if (!nextLink && !deltaLink) throw transient('graph', 'Graph delta page without nextLink or deltaLink');
  // Checked before it is stored: a link that would be refused later must not become the cursor.
  follow(g.root, nextLink ?? deltaLink, nextLink ? 'nextLink' : 'deltaLink');
  return { value, ...(nextLink ? { nextLink } : { deltaLink }) };
}

async function childFolders(g: GraphSession, mailbox: string, parent: string) {
  const out: { id: string; displayName: string }[] = [];
  let path: string | undefined =
    `${user(mailbox)}/mailFolders/${encodeURIComponent(parent)}/childFolders?$select=id,displayName&$top=100`;
  while (path) {
    const at: string = path;
    const res = await g.call<unknown>('mailFolders.children', () =>
      g.client.api(at).header('Prefer', IMMUTABLE_IDS).get(),
    );
    const { folders, nextLink: next } = asFolderPage(res);
    out.push(...folders);
    path = next !== undefined ? follow(g.root, next, 'child folders nextLink') : undefined;
  }
  return out;
}

type ItemAnswer = { status: number; body?: GraphJson; retryAfterMs?: number };

/** Messages read in JSON $batch calls of 20; each item keeps its own status and, when throttled, its wait. */
async function getMessages(
  g: GraphSession,
  mailbox: string,
  graphIds: string[],
  select: readonly string[],
  extended: readonly string[] | undefined,
  clock: Clock,
): Promise<Map<string, ItemAnswer>> {
  const out = new Map<string, ItemAnswer>();
  for (let i = 0; i < graphIds.length; i += BATCH_LIMIT) {
    const chunk = graphIds.slice(i, i + BATCH_LIMIT);
    const requests = chunk.map((id, n) => ({
      id: String(n + 1),
      method: 'GET',
      url: messagePath(mailbox, id, select, extended),
      headers: { Prefer: IMMUTABLE_IDS },
    }));
    const res = await g.call<unknown>('$batch', () => g.client.api('/$batch').post({ requests }));
    for (const r of asBatchItems(res)) {
      const id = chunk[Number(r.id) - 1];
      if (id) out.set(id, batchItemAnswer(r, clock.now()));
    }
  }
  return out;
}

function batchItemAnswer(r: { status?: unknown; headers?: unknown; body?: unknown }, now: Date): ItemAnswer {
  const status = Number(r.status);
  const wait = batchItemWaitMs(status, (r.headers ?? {}) as Record<string, string>, now);
  return {
    status,
    ...(r.body && typeof r.body === 'object' ? { body: r.body as GraphJson } : {}),
    ...(wait !== undefined ? { retryAfterMs: wait } : {}),
  };
}

/**
 * `$expand` of single-value extended properties by id, beside `$select` in the same GET ("Get
 * singleValueLegacyExtendedProperty", learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-get).
 * Several ids go into the one filter, joined with `or` (the docs show a single `id eq`; OData allows `or`).
 */
export function expandExtended(ids: readonly string[] | undefined): string {
  if (!ids?.length) return '';
  const filter = ids.map((id) => `id eq '${id.replace(/'/g, "''")}'`).join(' or ');
  // Percent-encoded but for `$` and `=`, as the docs write it: the client sends the path's query as given.
  return `&$expand=singleValueExtendedProperties(${encodeURIComponent(`$filter=${filter}`).replace(/%24/g, '$').replace(/%3D/g, '=')})`;
}

const attachmentsPath = (mailbox: string, graphId: string) =>
  `${user(mailbox)}/messages/${encodeURIComponent(graphId)}/attachments`;

/** A 404 (the message or attachment is gone meanwhile) reads as undefined; every other failure goes up. */
async function unlessGone<T>(run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (e) {
    if (isKind(e, 'permanent') && e.status === 404) return undefined;
    throw e;
  }
}

/**
 * Attachment lists without content (learn.microsoft.com/graph/api/message-list-attachments), 20 to a JSON
 * $batch as the page's message reads: the files kept are read one by one afterwards, so a large file never
 * rides in a list or a $batch answer.
 */
async function listAttachments(
  g: GraphSession,
  mailbox: string,
  graphIds: string[],
  clock: Clock,
): Promise<Map<string, ItemAnswer>> {
  const out = new Map<string, ItemAnswer>();
  for (let i = 0; i < graphIds.length; i += BATCH_LIMIT) {
    const chunk = graphIds.slice(i, i + BATCH_LIMIT);
    const requests = chunk.map((id, n) => ({
      id: String(n + 1),
      method: 'GET',
      url: `${attachmentsPath(mailbox, id)}?$select=id,name,contentType,size,isInline&$top=${ATTACHMENTS_PAGE}`,
    }));
    const res = await g.call<unknown>('$batch', () => g.client.api('/$batch').post({ requests }));
    for (const r of asBatchItems(res)) {
      const id = chunk[Number(r.id) - 1];
      if (id) out.set(id, batchItemAnswer(r, clock.now()));
    }
  }
  return out;
}
