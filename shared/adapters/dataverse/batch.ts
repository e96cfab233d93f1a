// OData $batch (multipart/mixed) encoding and decoding for the Dataverse Web API
// (https://learn.microsoft.com/power-apps/developer/data-platform/webapi/execute-batch-operations-using-web-api).
import { randomUUID } from 'node:crypto';

export interface BatchRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path after the Web API root, e.g. `/emails`, or `$1` for a Content-ID reference. */
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
}
/** A top-level request, or a change set whose requests succeed or fail together. */
export type BatchItem = { request: BatchRequest } | { changeset: BatchRequest[] };

export interface PartResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}
/** One response per BatchItem: a GET's response, or a change set's responses (one error part when it failed). */
export type ItemResponse = { ok: boolean; parts: PartResponse[] };

const CRLF = '\r\n';

function encodeRequest(r: BatchRequest, apiPath: string, contentId?: number): string {
  const url = r.url.startsWith('$') ? r.url : `${apiPath}${r.url}`;
  const lines = ['Content-Type: application/http', 'Content-Transfer-Encoding: binary'];
  if (contentId !== undefined) lines.push(`Content-ID: ${contentId}`);
  lines.push('', `${r.method} ${url} HTTP/1.1`);
  const headers: Record<string, string> = { Accept: 'application/json', ...r.headers };
  if (r.body !== undefined) headers['Content-Type'] = 'application/json; charset=utf-8';
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  lines.push('', r.body === undefined ? '' : JSON.stringify(r.body));
  return lines.join(CRLF);
}

export function encodeBatch(items: BatchItem[], apiPath: string): { boundary: string; body: string } {
  const boundary = `batch_${randomUUID()}`;
  const parts: string[] = [];
  for (const item of items) {
    if ('request' in item) {
      parts.push(`--${boundary}${CRLF}${encodeRequest(item.request, apiPath)}`);
      continue;
    }
    const cs = `changeset_${randomUUID()}`;
    const inner = item.changeset.map((r, i) => `--${cs}${CRLF}${encodeRequest(r, apiPath, i + 1)}`).join(CRLF);
    parts.push(
      `--${boundary}${CRLF}Content-Type: multipart/mixed; boundary=${cs}${CRLF}${CRLF}${inner}${CRLF}--${cs}--`,
    );
  }
  return { boundary, body: `${parts.join(CRLF)}${CRLF}--${boundary}--${CRLF}` };
}

function boundaryOf(contentType: string | undefined): string | undefined {
  return /boundary="?([^";]+)"?/i.exec(contentType ?? '')?.[1];
}

function splitParts(body: string, boundary: string): string[] {
  const out: string[] = [];
  for (const chunk of body.split(`--${boundary}`).slice(1)) {
    if (chunk.startsWith('--')) break;
    out.push(chunk.replace(/^\r?\n/, '').replace(/\r?\n$/, ''));
  }
  return out;
}

function splitHead(text: string): { head: Record<string, string>; rest: string } {
  const m = /\r?\n\r?\n/.exec(text);
  const headText = m ? text.slice(0, m.index) : text;
  const rest = m ? text.slice(m.index + m[0].length) : '';
  const head: Record<string, string> = {};
  for (const line of headText.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) head[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { head, rest };
}

function parseHttpPart(text: string): PartResponse {
  const { rest } = splitHead(text); // MIME headers of the part
  const statusLine = /^HTTP\/1\.1 (\d{3})/.exec(rest);
  const afterStatus = rest.slice(rest.search(/\r?\n/) + 1);
  const { head, rest: body } = splitHead(afterStatus);
  const trimmed = body.trim();
  let parsed: unknown = undefined;
  if (trimmed) {
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      parsed = trimmed;
    }
  }
  return { status: statusLine ? Number(statusLine[1]) : 0, headers: head, body: parsed };
}

/** Maps a batch response onto the items sent, in order. */
export function decodeBatch(contentType: string | undefined, body: string, items: BatchItem[]): ItemResponse[] {
  const boundary = boundaryOf(contentType);
  if (!boundary) throw new Error('batch response without a multipart boundary');
  const parts = splitParts(body, boundary);
  const out: ItemResponse[] = [];
  for (let i = 0; i < items.length; i++) {
    const text = parts[i];
    if (text === undefined) {
      out.push({ ok: false, parts: [{ status: 0, headers: {}, body: 'no response part (batch stopped earlier)' }] });
      continue;
    }
    const { head, rest } = splitHead(text);
    const inner = boundaryOf(head['content-type']);
    if (inner && /multipart\/mixed/i.test(head['content-type'] ?? '')) {
      const responses = splitParts(rest, inner).map(parseHttpPart);
      out.push({ ok: responses.every((r) => r.status < 400), parts: responses });
    } else {
      const r = parseHttpPart(text);
      out.push({ ok: r.status < 400, parts: [r] });
    }
  }
  return out;
}
