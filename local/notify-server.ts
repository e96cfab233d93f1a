// The notify endpoint on one machine: `exsync run` serves POST /api/notify on 127.0.0.1 with the same stage
// handler as the Azure function, so the Graph simulator's deliveries reach the pipeline. Also the in-process
// entry for `exsync bench` and tests: hand it a stage (or call `stages.notify` directly).
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_NOTIFY_BODY_CHARS } from '../shared/domain/notifications';
import type { NotifyAnswer, NotifyRequest } from '../shared/pipeline/notify';

export const LOCAL_NOTIFY_PATH = '/api/notify';

export interface NotifyServer {
  /** http://127.0.0.1:PORT/api/notify */
  url: string;
  close(): Promise<void>;
}

export interface NotifyServerOptions {
  /** Bound late: the run starts the server first (its URL is a setting), and the stages after. */
  notify: () => ((request: NotifyRequest) => Promise<NotifyAnswer>) | undefined;
  /** Called after an answer that sent sync jobs (the run drains its queues then). */
  onJobs?: (answer: NotifyAnswer) => void;
  port?: number;
}

async function bodyOf(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_NOTIFY_BODY_CHARS) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startNotifyServer(o: NotifyServerOptions): Promise<NotifyServer> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const handler = o.notify();
      if (req.method !== 'POST' || url.pathname !== LOCAL_NOTIFY_PATH || !handler) return res.writeHead(404).end();
      const validationToken = url.searchParams.get('validationToken') ?? undefined;
      const body = validationToken === undefined ? await bodyOf(req) : undefined;
      if (validationToken === undefined && body === undefined) return res.writeHead(413).end();
      const answer = await handler(validationToken !== undefined ? { validationToken } : { body: body ?? '' });
      if (answer.text !== undefined)
        res.writeHead(answer.status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(answer.text);
      else res.writeHead(answer.status).end();
      if (answer.synced.length) o.onJobs?.(answer);
    })().catch(() => {
      // Table Storage or the queue failed: 500 asks Graph to deliver again.
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${LOCAL_NOTIFY_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
