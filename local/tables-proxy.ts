// The Table Storage fault point of local runs (`--faults tables.down=…`, `tables.5xx=…`): a small HTTP proxy
// in front of Azurite. Every request passes through unchanged, except those `fail()` picks, which get what
// an overloaded Table service answers: 503 ServerBusy in the service's own error shape (JSON or XML, as the
// request asked). The product's adapters see a real service failure; nothing in them knows of faults.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface TablesProxy {
  port: number;
  /** The connection string with its TableEndpoint moved to the proxy. */
  connectionString: string;
  close(): Promise<void>;
}

/** learn.microsoft.com "Common REST API error codes": ServerBusy, 503, retry the request. */
const SERVER_BUSY = 'The server is currently unable to receive requests. Please retry your request.';

function serverBusy(req: IncomingMessage, res: ServerResponse): void {
  const requestId = randomUUID();
  const value = `${SERVER_BUSY}\nRequestId:${requestId}\nTime:${new Date().toISOString()}`;
  const json =
    /application\/json/i.test(req.headers.accept ?? '') || /application\/json/i.test(req.headers['content-type'] ?? '');
  const body = json
    ? JSON.stringify({ 'odata.error': { code: 'ServerBusy', message: { lang: 'en-US', value } } })
    : `<?xml version="1.0" encoding="utf-8"?><Error><Code>ServerBusy</Code><Message>${value}</Message></Error>`;
  // The request body is read and dropped, so the client sees the answer and not a reset connection.
  req.resume();
  res.writeHead(503, {
    'Content-Type': json ? 'application/json;odata=minimalmetadata;streaming=true;charset=utf-8' : 'application/xml',
    'x-ms-error-code': 'ServerBusy',
    'x-ms-request-id': requestId,
    'x-ms-version': req.headers['x-ms-version'] ?? '2019-02-02',
  });
  res.end(body);
}

/** Starts the proxy on a free loopback port in front of the Table endpoint of `connectionString`. */
export async function startTablesProxy(connectionString: string, fail: () => boolean): Promise<TablesProxy> {
  const endpoint = /TableEndpoint=([^;]+)/i.exec(connectionString)?.[1];
  if (!endpoint) throw new Error('the Table Storage fault proxy needs a connection string with a TableEndpoint');
  const target = new URL(endpoint);
  const server = createServer((req, res) => {
    if (fail()) return serverBusy(req, res);
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (e) => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end(`Table Storage fault proxy: ${e.message}`);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const proxied = new URL(endpoint);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(port);
  return {
    port,
    connectionString: connectionString.replace(endpoint, proxied.toString().replace(/\/$/, '')),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
