// Error classes for outside systems and Retry-After parsing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  classifyHttp,
  retryAfterMs,
  PermanentError,
  SyncStateExpiredError,
  ThrottledError,
  TransientError,
} from '../../../shared/domain/errors';

const now = new Date('2025-01-10T10:00:00Z');

describe('retryAfterMs', () => {
  it('reads seconds, fractional seconds included', () => {
    assert.equal(retryAfterMs('30', now, 5), 30_000);
    assert.equal(retryAfterMs('0.5', now, 5), 500);
  });
  it('reads an HTTP date as the time left until it', () => {
    assert.equal(retryAfterMs('Fri, 10 Jan 2025 10:01:00 GMT', now, 5), 60_000);
  });
  it('a date in the past gives 0', () => {
    assert.equal(retryAfterMs('Fri, 10 Jan 2025 09:00:00 GMT', now, 5), 0);
  });
  it('falls back when the header is missing or garbage', () => {
    assert.equal(retryAfterMs(undefined, now, 1234), 1234);
    assert.equal(retryAfterMs('soon', now, 1234), 1234);
  });
});

describe('classifyHttp', () => {
  it('429 is throttled and keeps the wait', () => {
    const e = classifyHttp('dataverse', 429, undefined, 'slow down', 7000);
    assert.ok(e instanceof ThrottledError);
    assert.equal((e as ThrottledError).retryAfterMs, 7000);
  });
  it('Graph 410 and syncStateNotFound mean the delta state expired', () => {
    assert.ok(classifyHttp('graph', 410, undefined, 'gone', 0) instanceof SyncStateExpiredError);
    assert.ok(classifyHttp('graph', 400, 'SyncStateNotFound', 'x', 0) instanceof SyncStateExpiredError);
  });
  it('Dataverse 410 is not a delta expiry', () => {
    assert.ok(!(classifyHttp('dataverse', 410, undefined, 'gone', 0) instanceof SyncStateExpiredError));
  });
  it('5xx and 408 are transient; 401 and 403 are permanent', () => {
    assert.ok(classifyHttp('graph', 503, undefined, 'x', 0) instanceof TransientError);
    assert.ok(classifyHttp('graph', 408, undefined, 'x', 0) instanceof TransientError);
    assert.ok(classifyHttp('graph', 401, undefined, 'x', 0) instanceof PermanentError);
    assert.ok(classifyHttp('dataverse', 403, undefined, 'x', 0) instanceof PermanentError);
  });
});
