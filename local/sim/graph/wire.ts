// The HTTP wire of the Graph simulator: reading a request body (4 MB at most), Graph's JSON media type, the
// SDK's loopback nextLink form, and writing a route's result.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteResult } from './routes';

const JSON_TYPE = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const MAX_BODY = 4 * 1024 * 1024;

/** The request as a route sees it, from the wire or from a $batch. */
export interface Incoming {
  method: string;
  /** Path below the origin, starting /v1.0, and the query. */
  url: URL;
  headers: Record<string, string | string[] | undefined>;
  raw: Buffer;
  batched: boolean;
}

export function header(h: Incoming['headers'], name: string): string {
  const v = h[name];
  return Array.isArray(v) ? v.join(', ') : (v ?? '');
}

/**
 * The Graph JS SDK recognises absolute links only when they start with https://, so on loopback http it
 * requests `/v1.0/http://host:port/v1.0/…` for a nextLink; accept that form for links on our own origin.
 */
export function unwrapOwnLink(pathname: string, baseUrl: string): string {
  const origin = baseUrl.slice(0, -'/v1.0'.length).replace(/^https?:\/\//, '');
  const m = /^\/v1\.0\/https?:\/\/?([^/]+)(\/v1\.0(?:\/.*)?)$/.exec(pathname);
  return m && m[1].toLowerCase() === origin.toLowerCase() ? m[2] : pathname;
}

export function joinPref(existing: string | undefined, value: string): string {
  return existing ? `${existing}, ${value}` : value;
}

/** A request over Graph's 4 MB. */
export class BodyTooLarge extends Error {}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Past the limit the rest is read and dropped, so the client still gets the 413 instead of a reset.
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => (size > MAX_BODY ? reject(new BodyTooLarge()) : resolve(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

export function send(res: ServerResponse, status: number, headers: Record<string, string>, r: RouteResult): void {
  let payload: string | Buffer = '';
  const h: Record<string, string> = { ...headers, Date: new Date().toUTCString() };
  if (r.text) {
    payload = r.text.content;
    h['Content-Type'] = r.text.contentType;
  } else if (r.json !== undefined) {
    payload = JSON.stringify(r.json);
    h['Content-Type'] = JSON_TYPE;
  }
  h['Content-Length'] = String(Buffer.byteLength(payload));
  res.writeHead(status, h);
  res.end(payload);
}
