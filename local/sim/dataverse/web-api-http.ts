// The Web API's HTTP shapes in the simulator: a request, a response, what a route sees, JSON responses with
// OData headers, the error body, and the JSON body a write carries.
import type { Json } from '../../tenant/fixture';
import type { Db } from './db';
import { badPayload, ensureDataverseError } from './errors';
import type { Prefer } from './query';

export interface SimRequest {
  method: string;
  /** Path below the service root, without query, percent-decoded: `emails(…)/email_activity_parties`. */
  path: string;
  query: URLSearchParams;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

export interface SimResponse {
  status: number;
  headers: Record<string, string>;
  /** JSON, or text already serialised (the $metadata XML). */
  body?: Json | string;
}

export interface RouteContext {
  db: Db;
  /** Absolute service root, e.g. http://127.0.0.1:1234/api/data/v9.2 */
  baseUrl: string;
  /** `/api/data/v9.2` */
  basePath: string;
  /** `$n` -> entity path, inside one $batch change set. */
  contentIds?: Map<string, string>;
  count(route: string): void;
  /** Entity sets with change tracking enabled. */
  tracked: ReadonlySet<string>;
}

export const JSON_HEADERS = { 'Content-Type': 'application/json; odata.metadata=minimal', 'OData-Version': '4.0' };

export function errorResponse(e: unknown): SimResponse {
  const err = ensureDataverseError(e);
  return { status: err.status, headers: { ...JSON_HEADERS }, body: err.toBody() };
}

export function parseBody(req: SimRequest): Json {
  if (!req.body.trim()) return {};
  let v: unknown;
  try {
    v = JSON.parse(req.body);
  } catch {
    throw badPayload('The request body is not valid JSON.');
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw badPayload('The request body must be a JSON object.');
  return v as Json;
}

export function ok(status: number, body: Json, headers: Record<string, string> = {}): SimResponse {
  return { status, headers: { ...JSON_HEADERS, ...headers }, body };
}

export function annotationsApplied(prefer: Prefer): Record<string, string> {
  return prefer.annotations.length
    ? { 'Preference-Applied': `odata.include-annotations="${prefer.annotations.join(',')}"` }
    : {};
}
