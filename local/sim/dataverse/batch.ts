// POST $batch (execute-batch-operations-using-web-api.md): multipart/mixed with top-level requests and atomic
// change sets, Content-ID `$n` references, stop-at-first-failure unless Prefer: odata.continue-on-error.
import { randomUUID } from 'node:crypto';
import type { Json } from '../../tenant/fixture';
import { DataverseError, invalidArgument } from './errors';
import { parsePrefer } from './query';
import { errorResponse, handle, type RouteContext, type SimRequest, type SimResponse } from './routes';

export const MAX_BATCH_REQUESTS = 1000;

interface MimePart {
  headers: Record<string, string>;
  content: string;
}
interface BatchRequest {
  contentId?: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}
type BatchItem = { kind: 'request'; request: BatchRequest } | { kind: 'changeset'; requests: BatchRequest[] };

export function boundaryOf(contentType: string | undefined): string | undefined {
  const m = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  return m ? (m[1] ?? m[2]) : undefined;
}

function readHeaders(lines: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return headers;
}

/** Splits a multipart body; accepts CRLF and bare LF line endings (JSON bodies never hold raw newlines). */
export function splitMultipart(text: string, boundary: string): MimePart[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const parts: MimePart[] = [];
  let current: string[] | undefined;
  for (const line of lines) {
    const t = line.trimEnd();
    if (t === `--${boundary}` || t === `--${boundary}--`) {
      if (current) parts.push(toPart(current));
      if (t === `--${boundary}--`) break;
      current = [];
      continue;
    }
    current?.push(line);
  }
  return parts;
}

function toPart(lines: string[]): MimePart {
  const blank = lines.findIndex((l) => l.trim() === '');
  const headerLines = blank < 0 ? lines : lines.slice(0, blank);
  const content = blank < 0 ? '' : lines.slice(blank + 1).join('\n');
  return { headers: readHeaders(headerLines), content };
}

function parseHttpRequest(part: MimePart): BatchRequest {
  const lines = part.content.replace(/^\n+/, '').split('\n');
  const m = /^([A-Z]+)\s+(\S+)(?:\s+HTTP\/\d\.\d)?\s*$/.exec(lines[0] ?? '');
  if (!m) throw invalidArgument(`Bad request line in $batch part: '${lines[0] ?? ''}'.`);
  const blank = lines.findIndex((l, i) => i > 0 && l.trim() === '');
  const headers = readHeaders(lines.slice(1, blank < 0 ? lines.length : blank));
  const body =
    blank < 0
      ? ''
      : lines
          .slice(blank + 1)
          .join('\n')
          .trim();
  return { contentId: part.headers['content-id'], method: m[1], url: m[2], headers, body };
}

export function parseBatch(text: string, boundary: string): BatchItem[] {
  return splitMultipart(text, boundary).map((part): BatchItem => {
    const inner = /multipart\/mixed/i.test(part.headers['content-type'] ?? '')
      ? boundaryOf(part.headers['content-type'])
      : undefined;
    if (inner) return { kind: 'changeset', requests: splitMultipart(part.content, inner).map(parseHttpRequest) };
    return { kind: 'request', request: parseHttpRequest(part) };
  });
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  204: 'No Content',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  412: 'Precondition Failed',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};
export const statusText = (s: number): string => STATUS_TEXT[s] ?? 'Unknown';

function formatResponse(res: SimResponse, contentId?: string): string[] {
  const out = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (contentId !== undefined) out.push(`Content-ID: ${contentId}`);
  out.push('', `HTTP/1.1 ${res.status} ${statusText(res.status)}`);
  for (const [k, v] of Object.entries(res.headers)) out.push(`${k}: ${v}`);
  if (res.headers['OData-EntityId']) out.push(`Location: ${res.headers['OData-EntityId']}`);
  out.push('');
  if (res.body !== undefined) out.push(typeof res.body === 'string' ? res.body : JSON.stringify(res.body));
  out.push('');
  return out;
}

/** Resolves a part's URL (absolute, service-root relative, or `$n…`) to a SimRequest. */
function toSimRequest(ctx: RouteContext, r: BatchRequest, contentIds: Map<string, string>): SimRequest {
  let url = r.url;
  const ref = /^\$(\w+)(.*)$/.exec(url);
  if (ref) {
    const target = contentIds.get(ref[1]);
    if (!target) throw invalidArgument(`Content-ID Reference: '$${ref[1]}' does not exist in the batch context.`);
    url = target + ref[2];
  } else {
    if (/^https?:\/\//i.test(url)) {
      const u = new URL(url);
      url = u.pathname + u.search;
    }
    if (url.startsWith(ctx.basePath)) url = url.slice(ctx.basePath.length);
    else if (url.startsWith('/'))
      throw new DataverseError(404, '0x8006088a', `Resource not found for the segment '${url}'.`);
  }
  url = url.replace(/^\/+/, '');
  const q = url.indexOf('?');
  return {
    method: r.method,
    path: decodeURIComponent(q < 0 ? url : url.slice(0, q)),
    query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)),
    headers: r.headers,
    body: r.body,
  };
}

class PartFailed extends Error {
  constructor(
    readonly response: SimResponse,
    readonly contentId?: string,
  ) {
    super('change set part failed');
  }
}

/** Runs one request of the batch; change-set requests may bind to earlier Content-IDs of the same change set. */
function runPart(
  ctx: RouteContext,
  r: BatchRequest,
  contentIds: Map<string, string>,
  inChangeset: boolean,
  countPart: () => void,
): SimResponse {
  countPart();
  try {
    if (inChangeset && r.method === 'GET') throw invalidArgument('A change set cannot contain a GET request.');
    const req = toSimRequest(ctx, r, contentIds);
    if (/^\$batch/.test(req.path)) throw invalidArgument('Nested $batch requests are not supported.');
    const res = handle({ ...ctx, contentIds: inChangeset ? contentIds : undefined }, req);
    const entity = res.headers['OData-EntityId'];
    if (inChangeset && r.contentId !== undefined && entity)
      contentIds.set(r.contentId, entity.slice(ctx.baseUrl.length + 1));
    return res;
  } catch (e) {
    return errorResponse(e);
  }
}

export function executeBatch(
  ctx: RouteContext,
  contentType: string | undefined,
  body: string,
  preferHeader: string | undefined,
  countPart: () => void,
): { status: number; headers: Record<string, string>; body: string | Json } {
  const boundary = boundaryOf(contentType);
  if (!boundary || !/multipart\/mixed/i.test(contentType ?? ''))
    throw invalidArgument('$batch needs Content-Type: multipart/mixed; boundary=…');
  const items = parseBatch(body, boundary);
  const total = items.reduce((n, it) => n + (it.kind === 'request' ? 1 : it.requests.length), 0);
  // The limit error's hex code is not documented; the status and message follow api-limits.md.
  if (total > MAX_BATCH_REQUESTS)
    throw invalidArgument(`The number of requests in a batch (${total}) exceeded the limit of ${MAX_BATCH_REQUESTS}.`);
  const continueOnError = parsePrefer(preferHeader).continueOnError;
  const batchId = `batchresponse_${randomUUID()}`;
  const out: string[] = [];
  for (const item of items) {
    if (item.kind === 'request') {
      const res = runPart(ctx, item.request, new Map(), false, countPart);
      if (res.status >= 400 && !continueOnError)
        return { status: res.status, headers: res.headers, body: res.body ?? {} };
      out.push(`--${batchId}`, ...formatResponse(res));
      continue;
    }
    const contentIds = new Map<string, string>();
    try {
      const responses = ctx.db.store.atomically(() =>
        item.requests.map((r) => {
          const res = runPart(ctx, r, contentIds, true, countPart);
          if (res.status >= 400) throw new PartFailed(res, r.contentId);
          return { res, contentId: r.contentId };
        }),
      );
      const csId = `changesetresponse_${randomUUID()}`;
      out.push(`--${batchId}`, `Content-Type: multipart/mixed; boundary=${csId}`, '');
      for (const { res, contentId } of responses) out.push(`--${csId}`, ...formatResponse(res, contentId));
      out.push(`--${csId}--`);
    } catch (e) {
      if (!(e instanceof PartFailed)) throw e;
      if (!continueOnError)
        return { status: e.response.status, headers: e.response.headers, body: e.response.body ?? {} };
      // A failed change set answers with one part: the error that rolled it back.
      out.push(`--${batchId}`, ...formatResponse(e.response, e.contentId));
    }
  }
  out.push(`--${batchId}--`, '');
  return {
    status: 200,
    headers: { 'Content-Type': `multipart/mixed; boundary=${batchId}`, 'OData-Version': '4.0' },
    body: out.join('\r\n'),
  };
}
