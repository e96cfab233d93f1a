// `exsync run`'s status page: a node:http server on 127.0.0.1 only (never another interface), over the routes of
// shared/status-page/http.ts, with the run's own stores as its sources (local/status-sources.ts).
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { StatusSources } from '../shared/pipeline/status';
import { handleStatusRequest, MAX_FORM } from '../shared/status-page/http';
import { maskPersonalText } from '../shared/log';

export interface StatusServer {
  url: string;
  close(): Promise<void>;
}

/** The body up to MAX_FORM + 1 characters: enough to refuse a larger one without reading it all. */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      if (body.length <= MAX_FORM) body += chunk;
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

export async function startStatusServer(src: StatusSources, port = 0): Promise<StatusServer> {
  const server = createServer((req, res) => {
    void (async () => {
      try {
        const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
        const body = req.method === 'POST' ? await readBody(req) : undefined;
        const r = await handleStatusRequest(
          { method: req.method ?? 'GET', path, ...(body !== undefined ? { body } : {}) },
          src,
          '/explain',
        );
        res.writeHead(r.status, r.headers);
        res.end(req.method === 'HEAD' ? undefined : r.body);
      } catch (e) {
        const message = (e as Error).message;
        res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(
          `The status page could not read its stores: ${src.showPersonal ? message : maskPersonalText(message)}\n`,
        );
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
