// One error vocabulary: Table Storage failures translated at the adapter's edge (adapters/tables/errors.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { translateTableError } from '../../../shared/adapters/tables/errors';
import { conflict } from '../../../shared/domain/errors';

function restError(statusCode: number | undefined, code?: string, headers: Record<string, string> = {}) {
  return { statusCode, code, message: 'raw', response: { headers: { get: (h: string) => headers[h] } } };
}

test('One error vocabulary: Table Storage 503 ServerBusy and 429 are throttled, with a Retry-After when sent', () => {
  const busy = translateTableError(restError(503, 'ServerBusy'), 'ledger get');
  assert.deepEqual(
    [busy.kind, busy.system, busy.status, busy.code, busy.retryAfterMs],
    ['throttled', 'tables', 503, 'ServerBusy', 0],
  );
  assert.equal(busy.message, 'ledger get: raw');
  assert.equal(translateTableError(restError(429, undefined, { 'retry-after': '3' }), 'x').retryAfterMs, 3_000);
});

test('One error vocabulary: Table Storage without an answer, 408 and 5xx are transient; 4xx permanent', () => {
  assert.equal(translateTableError(restError(undefined, 'ECONNRESET'), 'x').kind, 'transient');
  assert.equal(translateTableError(new Error('socket hang up'), 'x').kind, 'transient');
  assert.equal(translateTableError(restError(408), 'x').kind, 'transient');
  assert.equal(translateTableError(restError(500, 'InternalError'), 'x').kind, 'transient');
  const big = translateTableError(restError(413, 'EntityTooLarge'), 'x');
  assert.deepEqual([big.kind, big.code], ['permanent', 'EntityTooLarge']);
});

test('One error vocabulary: the x-ms-error-code header names a Table Storage error the SDK left without code', () => {
  const e = translateTableError(restError(400, undefined, { 'x-ms-error-code': 'PropertyValueTooLarge' }), 'x');
  assert.equal(e.code, 'PropertyValueTooLarge');
});

test('One error vocabulary: an ExsyncError passes the Table Storage translation as it is', () => {
  const c = conflict('tables', 'checkpoint was advanced by someone else', { status: 412 });
  assert.equal(translateTableError(c, 'checkpoint save'), c);
});
