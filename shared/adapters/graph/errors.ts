// Graph failures translated once, at the adapter's edge, into the one error vocabulary (domain/errors.ts).
// Graph's own codes and throttling: learn.microsoft.com/graph/errors and learn.microsoft.com/graph/throttling.
import { GraphError } from '@microsoft/microsoft-graph-client';
import { classifyHttp, errorNameOf, isExsyncError, retryAfterMs, transient, unsafeLink } from '../../domain/errors';
import type { ExsyncError } from '../../domain/errors';

/** Graph's 429 without a Retry-After: wait this long (Graph normally sends one). */
const GRAPH_DEFAULT_THROTTLE_MS = 5_000;

/** What a call to Graph threw (a GraphError, or anything else) as an ExsyncError; `route` names the call. */
export function translateGraphError(e: unknown, route: string, now: Date): ExsyncError {
  if (isExsyncError(e)) return e;
  if (!(e instanceof GraphError)) return transient('graph', `Graph ${route}: ${(e as Error)?.message ?? String(e)}`);
  // The client wraps what a middleware throws in a GraphError that keeps only its name, as `code`; the one
  // middleware of ours that throws (BearerAuth) refuses a link outside the configured endpoint.
  if (e.code === errorNameOf('permanent')) return unsafeLink('graph', e.message);
  // No status: the request never got an answer (connection refused or reset), which is transient.
  if (!(e.statusCode > 0)) return transient('graph', `Graph ${route}: no response (${e.code ?? 'network error'})`);
  const fallback = e.statusCode === 429 ? GRAPH_DEFAULT_THROTTLE_MS : 0;
  const wait = retryAfterMs(e.headers?.get('Retry-After'), now, fallback);
  const code = e.code ?? undefined;
  return classifyHttp('graph', e.statusCode, code, `Graph ${route}: ${e.statusCode} ${code ?? ''}`.trim(), wait);
}

/** The wait of one throttled item of a JSON $batch (429, or 503 with its Retry-After), read from its headers. */
export function batchItemWaitMs(status: number, headers: Record<string, string>, now: Date): number | undefined {
  if (status !== 429 && status !== 503) return undefined;
  return retryAfterMs(headers['Retry-After'] ?? headers['retry-after'], now, GRAPH_DEFAULT_THROTTLE_MS);
}
