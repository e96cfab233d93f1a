// One error vocabulary: Graph failures translated at the adapter's edge (adapters/graph/errors.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GraphError } from '@microsoft/microsoft-graph-client';
import { batchItemWaitMs, translateGraphError } from '../../../shared/adapters/graph/errors';
import { isUnsafeLink, transient, unsafeLink } from '../../../shared/domain/errors';

const now = new Date('2025-01-10T10:00:00Z');
function graphError(status: number, code: string | null, headers: Record<string, string> = {}): GraphError {
  const e = new GraphError(status, 'raw text naming bob@fabrikam.com');
  e.code = code;
  e.headers = new Headers(headers);
  return e;
}

test('One error vocabulary: a Graph 429 is throttled for its Retry-After, or 5 s without one', () => {
  const e = translateGraphError(
    graphError(429, 'ApplicationThrottled', { 'Retry-After': '2.5' }),
    'messages.delta',
    now,
  );
  assert.deepEqual(
    [e.kind, e.system, e.retryAfterMs, e.status, e.code],
    ['throttled', 'graph', 2_500, 429, 'ApplicationThrottled'],
  );
  assert.equal(e.message, 'Graph messages.delta: 429 ApplicationThrottled', 'route, status and code only');
  assert.equal(translateGraphError(graphError(429, null), 'x', now).retryAfterMs, 5_000);
});

test('One error vocabulary: Graph 410 and SyncStateNotFound are sync-state expired; 5xx transient; 403 permanent', () => {
  assert.equal(translateGraphError(graphError(410, null), 'messages.delta', now).kind, 'sync-state-expired');
  assert.equal(translateGraphError(graphError(400, 'SyncStateNotFound'), 'x', now).kind, 'sync-state-expired');
  assert.equal(translateGraphError(graphError(503, 'ServiceUnavailable'), 'x', now).kind, 'transient');
  assert.equal(translateGraphError(graphError(503, null, { 'Retry-After': '3' }), 'x', now).kind, 'throttled');
  const denied = translateGraphError(graphError(403, 'ErrorAccessDenied'), 'x', now);
  assert.deepEqual([denied.kind, denied.status], ['permanent', 403]);
});

test('One error vocabulary: a Graph request without an answer, or any other failure, is transient', () => {
  const reset = translateGraphError(graphError(-1, 'TypeError'), 'messages.get', now);
  assert.deepEqual(
    [reset.kind, reset.system, reset.message],
    ['transient', 'graph', 'Graph messages.get: no response (TypeError)'],
  );
  assert.equal(translateGraphError(new TypeError('fetch failed'), 'x', now).kind, 'transient');
});

test('One error vocabulary: a link refusal wrapped by the Graph client stays an unsafe-link refusal', () => {
  const refused = unsafeLink('graph', 'Graph request outside the configured endpoint: not sent');
  // What the client makes of a middleware's error: a GraphError that keeps the name as its code.
  const wrapped = graphError(-1, refused.name);
  assert.ok(isUnsafeLink(translateGraphError(wrapped, 'messages.delta', now)));
  const already = transient('graph', 'x');
  assert.equal(translateGraphError(already, 'x', now), already, 'an ExsyncError passes as it is');
});

test('One error vocabulary: a throttled item of a Graph JSON $batch keeps its own Retry-After', () => {
  assert.equal(batchItemWaitMs(429, { 'Retry-After': '1.5' }, now), 1_500);
  assert.equal(batchItemWaitMs(429, { 'retry-after': '4' }, now), 4_000);
  assert.equal(batchItemWaitMs(503, {}, now), 5_000);
  assert.equal(batchItemWaitMs(404, { 'Retry-After': '4' }, now), undefined);
});
