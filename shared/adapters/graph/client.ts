// Graph adapter: message delta per folder and message reads, through @microsoft/microsoft-graph-client
// with our own middleware chain (auth from the TokenCredential seam, then HTTP). No RetryHandler on
// purpose: throttling is answered by rescheduling the job for Retry-After, not by sleeping here.
import { Client, GraphError, HTTPMessageHandler } from '@microsoft/microsoft-graph-client';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import type { Clock, DeltaPage, GraphJson, GraphPort } from '../../ports';
import type { FolderKind } from '../../domain/item';
import { MESSAGE_SELECT } from '../../domain/graph-message';
import { classifyHttp, retryAfterMs, TransientError, UnsafeLinkError } from '../../domain/errors';
import { checkServiceLink, serviceRoot, withinService, type ServiceRoot } from '../service-link';

/** Graph JSON $batch takes at most 20 requests. */
const BATCH_LIMIT = 20;

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
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    if (!withinService(url, this.root))
      throw new UnsafeLinkError('Graph request outside the configured endpoint: not sent', 'graph');
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

export function createGraphClient(o: GraphClientOptions): GraphPort {
  const base = new URL(o.baseUrl);
  const version = base.pathname.replace(/^\/+|\/+$/g, '') || 'v1.0';
  const root = serviceRoot(`${base.origin}/${version}`);
  const client = Client.initWithMiddleware({
    middleware: [new BearerAuth(o.token, root), new HTTPMessageHandler()],
    baseUrl: base.origin,
    defaultVersion: version,
  });
  const prefer = [`odata.maxpagesize=${o.pageSize}`, 'IdType="ImmutableId"'].join(', ');

  /**
   * A link to follow, checked by its parsed URL (service-link.ts). The client is handed the canonical path
   * after the version, which holds no "://": it cannot take an absolute http:// URL (the simulators), and
   * for https:// it would derive the host from the text again.
   */
  function follow(link: unknown, what: string): string {
    const c = checkServiceLink(link, root);
    if (!c.ok) throw new UnsafeLinkError(`Graph ${what} rejected: ${c.reason}`, 'graph');
    return c.relative;
  }

  async function call<T>(route: string, run: () => Promise<T>): Promise<T> {
    o.onRequest?.(route);
    try {
      return await run();
    } catch (e) {
      // The client wraps what a middleware throws in a GraphError without status; keep the refusal's class.
      if (e instanceof GraphError && e.code === UnsafeLinkError.name) throw new UnsafeLinkError(e.message, 'graph');
      // No status: the request never got an answer (connection refused or reset), which is transient.
      if (e instanceof GraphError && !(e.statusCode > 0))
        throw new TransientError(`Graph ${route}: no response (${e.code ?? 'network error'})`, 'graph');
      if (e instanceof GraphError) {
        const retry = retryAfterMs(e.headers?.get('Retry-After'), o.clock.now(), e.statusCode === 429 ? 5_000 : 0);
        throw classifyHttp(
          'graph',
          e.statusCode,
          e.code ?? undefined,
          `Graph ${route}: ${e.statusCode} ${e.code ?? ''}`.trim(),
          retry,
        );
      }
      throw new TransientError(`Graph ${route}: ${(e as Error).message}`, 'graph');
    }
  }

  const user = (mailbox: string) => `/users/${encodeURIComponent(mailbox)}`;
  const messagePath = (
    mailbox: string,
    id: string,
    select: readonly string[],
    extended: readonly string[] | undefined,
  ) => `${user(mailbox)}/messages/${encodeURIComponent(id)}?$select=${select.join(',')}${expandExtended(extended)}`;

  return {
    async messagesDelta(mailbox: string, folder: FolderKind, cursor: string | undefined): Promise<DeltaPage> {
      const path = cursor
        ? follow(cursor, 'stored link')
        : `${user(mailbox)}/mailFolders/${folder}/messages/delta?$select=${MESSAGE_SELECT.join(',')}`;
      const res = await call('messages.delta', () => client.api(path).header('Prefer', prefer).get());
      const value = Array.isArray(res?.value) ? (res.value as GraphJson[]) : [];
      const nextLink = typeof res?.['@odata.nextLink'] === 'string' ? res['@odata.nextLink'] : undefined;
      const deltaLink = typeof res?.['@odata.deltaLink'] === 'string' ? res['@odata.deltaLink'] : undefined;
      if (!nextLink && !deltaLink) throw new TransientError('Graph delta page without nextLink or deltaLink', 'graph');
      // Checked before it is stored: a link that would be refused later must not become the cursor.
      follow(nextLink ?? deltaLink, nextLink ? 'nextLink' : 'deltaLink');
      return { value, ...(nextLink ? { nextLink } : { deltaLink }) };
    },
    async childFolders(mailbox: string, parent: string) {
      const out: { id: string; displayName: string }[] = [];
      let path: string | undefined =
        `${user(mailbox)}/mailFolders/${encodeURIComponent(parent)}/childFolders?$select=id,displayName&$top=100`;
      while (path) {
        const res = await call('mailFolders.children', () =>
          client.api(path!).header('Prefer', 'IdType="ImmutableId"').get(),
        );
        for (const f of Array.isArray(res?.value) ? res.value : [])
          if (typeof f?.id === 'string') out.push({ id: f.id, displayName: String(f.displayName ?? '') });
        path =
          res?.['@odata.nextLink'] !== undefined ? follow(res['@odata.nextLink'], 'child folders nextLink') : undefined;
      }
      return out;
    },
    async getMessages(mailbox: string, graphIds: string[], select: readonly string[], extended?: readonly string[]) {
      const out = new Map<string, { status: number; body?: GraphJson; retryAfterMs?: number }>();
      for (let i = 0; i < graphIds.length; i += BATCH_LIMIT) {
        const chunk = graphIds.slice(i, i + BATCH_LIMIT);
        const requests = chunk.map((id, n) => ({
          id: String(n + 1),
          method: 'GET',
          url: messagePath(mailbox, id, select, extended),
          headers: { Prefer: 'IdType="ImmutableId"' },
        }));
        const res = await call('$batch', () => client.api('/$batch').post({ requests }));
        for (const r of Array.isArray(res?.responses) ? res.responses : []) {
          const id = chunk[Number(r?.id) - 1];
          if (!id) continue;
          const status = Number(r.status);
          const headers = (r.headers ?? {}) as Record<string, string>;
          const retry =
            status === 429 || status === 503
              ? retryAfterMs(headers['Retry-After'] ?? headers['retry-after'], o.clock.now(), 5_000)
              : undefined;
          out.set(id, {
            status,
            ...(r.body && typeof r.body === 'object' ? { body: r.body as GraphJson } : {}),
            ...(retry !== undefined ? { retryAfterMs: retry } : {}),
          });
        }
      }
      return out;
    },
    async getMessage(
      mailbox: string,
      graphId: string,
      select: readonly string[],
      extended?: readonly string[],
    ): Promise<GraphJson> {
      const path = messagePath(mailbox, graphId, select, extended);
      return call('messages.get', () => client.api(path).header('Prefer', 'IdType="ImmutableId"').get());
    },
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
