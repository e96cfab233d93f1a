// One error vocabulary: Dataverse failures translated at the adapter's edge (adapters/dataverse/errors.ts),
// a whole answer, a request without one, and one part of a $batch with its own Retry-After.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dataverseErrorCode,
  stillThrottled,
  translateBatchPart,
  translateDataverseResponse,
  translateFetchFailure,
} from '../../../shared/adapters/dataverse/errors';
import { createEmails } from '../../../shared/adapters/dataverse/emails';
import type { WebApi } from '../../../shared/adapters/dataverse/http';
import type { EmailActivity } from '../../../shared/domain/activity';
import { retryLater } from '../../../shared/domain/errors';

const now = new Date('2025-01-10T10:00:00Z');
const body = (code: string, message = "filter 'bob@fabrikam.com'") => JSON.stringify({ error: { code, message } });

test('One error vocabulary: a Dataverse 429 answer is throttled for its Retry-After, 5 s without one', () => {
  const e = translateDataverseResponse('batch', 429, '7', body('0x80072322'), now);
  assert.deepEqual(
    [e.kind, e.system, e.retryAfterMs, e.status, e.code],
    ['throttled', 'dataverse', 7_000, 429, '0x80072322'],
  );
  assert.equal(e.message, 'Dataverse batch: 429 0x80072322', 'status and code, never the error text');
  assert.equal(translateDataverseResponse('get', 429, null, '', now).retryAfterMs, 5_000);
  assert.equal(translateDataverseResponse('get', 429, 'Fri, 10 Jan 2025 10:00:30 GMT', '', now).retryAfterMs, 30_000);
});

test('One error vocabulary: Dataverse 5xx is transient, 4xx permanent, 410 no delta expiry', () => {
  assert.equal(translateDataverseResponse('get', 503, null, body('0x80040216'), now).kind, 'transient');
  assert.equal(translateDataverseResponse('get', 401, null, 'not json', now).kind, 'permanent');
  assert.equal(translateDataverseResponse('get', 410, null, '', now).kind, 'permanent');
});

test('One error vocabulary: a Dataverse request without an answer is transient; a blocked one throttled for the time left', () => {
  const e = translateFetchFailure('get', new TypeError('fetch failed'));
  assert.deepEqual([e.kind, e.system, e.message], ['transient', 'dataverse', 'Dataverse get: fetch failed']);
  const s = stillThrottled('batch', 1_234);
  assert.deepEqual([s.kind, s.retryAfterMs], ['throttled', 1_234]);
});

test('One error vocabulary: a part-level 429 inside a Dataverse $batch keeps that part’s Retry-After', () => {
  const part = { status: 429, headers: { 'retry-after': '12' }, body: { error: { code: '0x80072321', message: 'x' } } };
  const e = translateBatchPart('Dataverse write', part, now);
  assert.deepEqual([e.kind, e.retryAfterMs, e.status, e.code], ['throttled', 12_000, 429, '0x80072321']);
  assert.equal(e.message, 'Dataverse write: 429 0x80072321');
});

test('One error vocabulary: other $batch parts are classified like whole answers; no part at all is transient', () => {
  assert.equal(translateBatchPart('w', { status: 500, headers: {}, body: undefined }, now).kind, 'transient');
  assert.equal(translateBatchPart('w', { status: 400, headers: {}, body: undefined }, now).kind, 'permanent');
  const none = translateBatchPart('Dataverse lookup failed', { status: 0, headers: {}, body: 'stopped' }, now);
  assert.deepEqual([none.kind, none.message], ['transient', 'Dataverse lookup failed: no answer']);
  assert.equal(translateBatchPart('w', undefined, now).kind, 'transient');
});

test('One error vocabulary: only a short token is taken as the Dataverse error code, never text', () => {
  assert.equal(dataverseErrorCode({ error: { code: '0x80040216' } }), '0x80040216');
  assert.equal(dataverseErrorCode(body('0x80060888')), '0x80060888');
  assert.equal(dataverseErrorCode({ error: { code: "Syntax error near 'bob@fabrikam.com'" } }), undefined);
  assert.equal(dataverseErrorCode('not json'), undefined);
});

test('One error vocabulary: a part-level 429 inside a Dataverse write $batch keeps its Retry-After up to the retry of the write', async () => {
  const throttledPart = { status: 429, headers: { 'retry-after': '20' }, body: { error: { code: '0x80072322' } } };
  const api: WebApi = {
    apiRoot: 'https://org.example/api/data/v9.2',
    get: async () => ({}),
    getAll: async () => [],
    // The first email is created, the second's change set is throttled, the third fails on the server.
    batch: async () => [
      { ok: true, parts: [{ status: 204, headers: {}, body: undefined }] },
      { ok: false, parts: [throttledPart] },
      { ok: false, parts: [{ status: 500, headers: {}, body: undefined }] },
    ],
    now: () => now,
  };
  const emails = ['a1', 'a2', 'a3'].map((activityid) => ({ activityid, parties: [] }) as unknown as EmailActivity);
  const results = await createEmails(api, emails, 10);
  assert.deepEqual(
    results.map((r) => [r.status, r.retryAfterMs]),
    [
      ['created', undefined],
      ['retry', 20_000],
      ['retry', undefined],
    ],
  );
  // What the write stage throws for them: throttled for that wait, so withReschedule waits for it.
  const e = retryLater(
    'dataverse',
    'writes to retry',
    results.filter((r) => r.status === 'retry'),
  );
  assert.deepEqual([e.kind, e.retryAfterMs], ['throttled', 20_000]);
});
