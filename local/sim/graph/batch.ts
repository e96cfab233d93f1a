// JSON batching (https://learn.microsoft.com/graph/json-batching): POST /v1.0/$batch with at most 20 requests, unique
// ids, relative urls, dependsOn with 424 for failed dependencies, each item dispatched (and throttled) on its own, at
// most 4 in parallel as Outlook does. The outer status is 200 when the batch parses, 400 when it is malformed.
import { type GraphError, badRequest } from './errors';
import type { RouteResult } from './routes';

export const MAX_BATCH = 20;
const PARALLEL = 4;

export interface BatchItemRequest {
  method: string;
  /** Path and query below /v1.0, starting with '/'. */
  url: string;
  headers: Record<string, string>;
  raw: Buffer;
}

interface Step {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  dependsOn: string[];
}

function parse(raw: Buffer): Step[] {
  let doc: unknown;
  try {
    doc = JSON.parse(raw.toString('utf8'));
  } catch {
    throw badRequest('Invalid JSON in the batch request body.');
  }
  const requests = (doc as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(requests) || requests.length === 0)
    throw badRequest("The batch request must contain a non-empty 'requests' array.");
  if (requests.length > MAX_BATCH) throw badRequest(`Number of batch requests exceeds the limit of ${MAX_BATCH}.`);
  const steps: Step[] = [];
  const ids = new Set<string>();
  for (const r of requests as Record<string, unknown>[]) {
    if (!r || typeof r !== 'object') throw badRequest('Each batch request must be an object.');
    const id = r.id;
    if ((typeof id !== 'string' && typeof id !== 'number') || String(id) === '')
      throw badRequest("Each batch request needs an 'id'.");
    if (ids.has(String(id))) throw badRequest(`Batch request ids must be unique; '${id}' is repeated.`);
    ids.add(String(id));
    if (typeof r.method !== 'string' || typeof r.url !== 'string' || !r.url)
      throw badRequest(`Batch request '${id}' needs a 'method' and a 'url'.`);
    if (/^[a-z]+:\/\//i.test(r.url))
      throw badRequest(`Batch request '${id}': the url must be relative, e.g. /users/{id}/messages.`);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries((r.headers as Record<string, unknown> | undefined) ?? {}))
      headers[k.toLowerCase()] = String(v);
    if (r.body !== undefined && r.body !== null && !headers['content-type'])
      throw badRequest(`Batch request '${id}' has a body but no Content-Type header.`);
    const dependsOn = r.dependsOn === undefined ? [] : r.dependsOn;
    if (!Array.isArray(dependsOn) || dependsOn.some((d) => typeof d !== 'string' && typeof d !== 'number'))
      throw badRequest(`Batch request '${id}': dependsOn must be an array of ids.`);
    steps.push({
      id: String(id),
      method: r.method.toUpperCase(),
      url: r.url,
      headers,
      body: r.body,
      dependsOn: dependsOn.map(String),
    });
  }
  for (const s of steps) {
    for (const d of s.dependsOn)
      if (!ids.has(d) || d === s.id) throw badRequest(`Batch request '${s.id}' depends on unknown request '${d}'.`);
  }
  // A cycle would wait forever; Graph rejects it too.
  const state = new Map<string, number>();
  const byId = new Map(steps.map((s) => [s.id, s]));
  const visit = (s: Step): void => {
    if (state.get(s.id) === 2) return;
    if (state.get(s.id) === 1) throw badRequest('The dependsOn graph of the batch has a cycle.');
    state.set(s.id, 1);
    for (const d of s.dependsOn) visit(byId.get(d)!);
    state.set(s.id, 2);
  };
  steps.forEach(visit);
  return steps;
}

export async function runBatch(
  raw: Buffer,
  outer: Record<string, string>,
  dispatch: (r: BatchItemRequest) => Promise<RouteResult>,
): Promise<RouteResult> {
  const steps = parse(raw);
  let running = 0;
  const waiting: (() => void)[] = [];
  const slot = async () => {
    while (running >= PARALLEL) await new Promise<void>((r) => waiting.push(r));
    running++;
  };
  const free = () => {
    running--;
    waiting.shift()?.();
  };
  const results = new Map<
    string,
    Promise<{ id: string; status: number; headers: Record<string, string>; body?: unknown }>
  >();
  const run = async (s: Step) => {
    const deps = await Promise.all(s.dependsOn.map((d) => results.get(d)!));
    const failed = deps.find((d) => d.status < 200 || d.status >= 300);
    if (failed) {
      return {
        id: s.id,
        status: 424,
        headers: { 'Content-Type': 'application/json' },
        body: {
          error: {
            code: 'FailedDependency',
            message: `The request depends on request '${failed.id}', which failed with status ${failed.status}.`,
          },
        },
      };
    }
    await slot();
    try {
      const url = s.url.startsWith('/') ? s.url : `/${s.url}`;
      let body = Buffer.alloc(0);
      if (s.body !== undefined && s.body !== null) {
        body =
          /json/i.test(s.headers['content-type']) || typeof s.body !== 'string'
            ? Buffer.from(JSON.stringify(s.body))
            : Buffer.from(String(s.body));
      }
      const r = await dispatch({ method: s.method, url, headers: { ...outer, ...s.headers }, raw: body });
      const headers: Record<string, string> = { ...(r.headers ?? {}) };
      let out: unknown;
      if (r.text) {
        // Non-JSON bodies come back base64-encoded in a batch response.
        headers['Content-Type'] = r.text.contentType;
        out = (typeof r.text.content === 'string' ? Buffer.from(r.text.content, 'utf8') : r.text.content).toString(
          'base64',
        );
      } else if (r.json !== undefined) {
        headers['Content-Type'] = 'application/json';
        out = r.json;
      }
      return { id: s.id, status: r.status, headers, ...(out === undefined ? {} : { body: out }) };
    } finally {
      free();
    }
  };
  // Map insertion order: every dependency is registered before its dependents, since parse() found no cycle
  // and the promise for a dependency is created lazily on first need.
  const ensure = (s: Step): void => {
    if (results.has(s.id)) return;
    for (const d of s.dependsOn) ensure(steps.find((x) => x.id === d)!);
    results.set(s.id, run(s));
  };
  steps.forEach(ensure);
  const responses = await Promise.all([...results.values()]);
  return { status: 200, json: { responses } };
}

export function nestedBatch(): GraphError {
  return badRequest('A batch cannot contain another batch.');
}
