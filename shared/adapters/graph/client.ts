// Graph adapter: message delta per folder and message reads, through @microsoft/microsoft-graph-client
// with our own middleware chain (auth from the TokenCredential seam, then HTTP). No RetryHandler on
// purpose: throttling is answered by rescheduling the job for Retry-After, not by sleeping here.
import { Client, GraphError, HTTPMessageHandler } from '@microsoft/microsoft-graph-client';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import type { Clock, DeltaPage, GraphJson, GraphPort } from '../../ports';
import type { FolderKind } from '../../domain/item';
import { MESSAGE_SELECT } from '../../domain/graph-message';
import { classifyHttp, retryAfterMs, TransientError } from '../../domain/errors';

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

class BearerAuth implements Middleware {
  private next?: Middleware;
  constructor(private readonly token: () => Promise<string>) {}
  async execute(context: Context): Promise<void> {
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
  const root = `${base.origin}/${version}`;
  const client = Client.initWithMiddleware({ middleware: [new BearerAuth(o.token), new HTTPMessageHandler()], baseUrl: base.origin, defaultVersion: version });
  const prefer = [`odata.maxpagesize=${o.pageSize}`, 'IdType="ImmutableId"'].join(', ');

  /** Stored links are absolute; the client is given the path after the version, and only for our own host. */
  function relative(link: string): string {
    if (!link.startsWith(`${root}/`)) throw new TransientError('Graph returned a link outside the configured endpoint', 'graph');
    return link.slice(root.length);
  }

  async function call<T>(route: string, run: () => Promise<T>): Promise<T> {
    o.onRequest?.(route);
    try {
      return await run();
    } catch (e) {
      if (e instanceof GraphError) {
        const retry = retryAfterMs(e.headers?.get('Retry-After'), o.clock.now(), e.statusCode === 429 ? 5_000 : 0);
        throw classifyHttp('graph', e.statusCode, e.code ?? undefined, `Graph ${route}: ${e.statusCode} ${e.code ?? ''}`.trim(), retry);
      }
      throw new TransientError(`Graph ${route}: ${(e as Error).message}`, 'graph');
    }
  }

  const user = (mailbox: string) => `/users/${encodeURIComponent(mailbox)}`;

  return {
    async messagesDelta(mailbox: string, folder: FolderKind, cursor: string | undefined): Promise<DeltaPage> {
      const path = cursor ? relative(cursor) : `${user(mailbox)}/mailFolders/${folder}/messages/delta?$select=${MESSAGE_SELECT.join(',')}`;
      const res = await call('messages.delta', () => client.api(path).header('Prefer', prefer).get());
      const value = Array.isArray(res?.value) ? (res.value as GraphJson[]) : [];
      const nextLink = typeof res?.['@odata.nextLink'] === 'string' ? res['@odata.nextLink'] : undefined;
      const deltaLink = typeof res?.['@odata.deltaLink'] === 'string' ? res['@odata.deltaLink'] : undefined;
      if (!nextLink && !deltaLink) throw new TransientError('Graph delta page without nextLink or deltaLink', 'graph');
      return { value, ...(nextLink ? { nextLink } : { deltaLink }) };
    },
    async childFolders(mailbox: string, parent: string) {
      const out: { id: string; displayName: string }[] = [];
      let path: string | undefined = `${user(mailbox)}/mailFolders/${encodeURIComponent(parent)}/childFolders?$select=id,displayName&$top=100`;
      while (path) {
        const res = await call('mailFolders.children', () => client.api(path!).header('Prefer', 'IdType="ImmutableId"').get());
        for (const f of Array.isArray(res?.value) ? res.value : []) if (typeof f?.id === 'string') out.push({ id: f.id, displayName: String(f.displayName ?? '') });
        path = typeof res?.['@odata.nextLink'] === 'string' ? relative(res['@odata.nextLink']) : undefined;
      }
      return out;
    },
    async getMessages(mailbox: string, graphIds: string[], select: readonly string[]) {
      const out = new Map<string, { status: number; body?: GraphJson; retryAfterMs?: number }>();
      for (let i = 0; i < graphIds.length; i += BATCH_LIMIT) {
        const chunk = graphIds.slice(i, i + BATCH_LIMIT);
        const requests = chunk.map((id, n) => ({
          id: String(n + 1),
          method: 'GET',
          url: `${user(mailbox)}/messages/${encodeURIComponent(id)}?$select=${select.join(',')}`,
          headers: { Prefer: 'IdType="ImmutableId"' },
        }));
        const res = await call('$batch', () => client.api('/$batch').post({ requests }));
        for (const r of Array.isArray(res?.responses) ? res.responses : []) {
          const id = chunk[Number(r?.id) - 1];
          if (!id) continue;
          const status = Number(r.status);
          const headers = (r.headers ?? {}) as Record<string, string>;
          const retry = status === 429 || status === 503 ? retryAfterMs(headers['Retry-After'] ?? headers['retry-after'], o.clock.now(), 5_000) : undefined;
          out.set(id, { status, ...(r.body && typeof r.body === 'object' ? { body: r.body as GraphJson } : {}), ...(retry !== undefined ? { retryAfterMs: retry } : {}) });
        }
      }
      return out;
    },
    async getMessage(mailbox: string, graphId: string, select: readonly string[]): Promise<GraphJson> {
      const path = `${user(mailbox)}/messages/${encodeURIComponent(graphId)}?$select=${select.join(',')}`;
      return call('messages.get', () => client.api(path).header('Prefer', 'IdType="ImmutableId"').get());
    },
  };
}
