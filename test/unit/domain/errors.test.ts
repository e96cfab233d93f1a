// The one error vocabulary: its kinds, the name-based guard, HTTP classification and Retry-After parsing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  classifyHttp,
  conflict,
  isExsyncError,
  isKind,
  isUnsafeLink,
  permanent,
  poison,
  retryAfterMs,
  retryLater,
  syncStateExpired,
  throttled,
  transient,
  unsafeLink,
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
    assert.equal(e.kind, 'throttled');
    assert.equal(e.retryAfterMs, 7000);
    assert.equal(e.status, 429);
  });
  it('503 with a wait is throttled, without one transient', () => {
    assert.equal(classifyHttp('dataverse', 503, undefined, 'x', 2000).kind, 'throttled');
    assert.equal(classifyHttp('dataverse', 503, undefined, 'x', 0).kind, 'transient');
  });
  it('Graph 410 and syncStateNotFound mean the delta state expired', () => {
    assert.equal(classifyHttp('graph', 410, undefined, 'gone', 0).kind, 'sync-state-expired');
    assert.equal(classifyHttp('graph', 400, 'SyncStateNotFound', 'x', 0).kind, 'sync-state-expired');
  });
  it('Dataverse 410 is not a delta expiry', () => {
    assert.equal(classifyHttp('dataverse', 410, undefined, 'gone', 0).kind, 'permanent');
  });
  it('5xx and 408 are transient; 401 and 403 are permanent', () => {
    assert.equal(classifyHttp('graph', 503, undefined, 'x', 0).kind, 'transient');
    assert.equal(classifyHttp('graph', 408, undefined, 'x', 0).kind, 'transient');
    assert.equal(classifyHttp('graph', 401, undefined, 'x', 0).kind, 'permanent');
    assert.equal(classifyHttp('dataverse', 403, 'x', 'x', 0).code, 'x');
  });
});

describe('One error vocabulary', () => {
  it('every kind names its outside system and carries a name of its own', () => {
    const all = [
      transient('graph', 'a'),
      throttled('dataverse', 'b', 1000),
      permanent('tables', 'c'),
      syncStateExpired('graph', 'd'),
      conflict('tables', 'e'),
      poison('f'),
    ];
    assert.deepEqual(
      all.map((e) => [e.kind, e.system, e.name]),
      [
        ['transient', 'graph', 'TransientError'],
        ['throttled', 'dataverse', 'ThrottledError'],
        ['permanent', 'tables', 'PermanentError'],
        ['sync-state-expired', 'graph', 'SyncStateExpiredError'],
        ['conflict', 'tables', 'ConflictError'],
        ['poison', 'servicebus', 'PoisonMessageError'],
      ],
    );
    assert.ok(all.every((e) => isExsyncError(e)));
  });
  it('the guard goes by name and fields, not by class: a copy counts, a look-alike does not', () => {
    const copy = Object.assign(new Error('x'), { name: 'ThrottledError', kind: 'throttled', system: 'graph' });
    assert.ok(isExsyncError(copy));
    assert.ok(
      !isExsyncError(Object.assign(new Error('x'), { name: 'TransientError', kind: 'throttled', system: 'graph' })),
    );
    assert.ok(
      !isExsyncError(Object.assign(new Error('x'), { name: 'TransientError', kind: 'transient', system: 'x' })),
    );
    assert.ok(!isExsyncError(new Error('plain')));
    assert.ok(!isExsyncError('TransientError'));
    assert.ok(!isExsyncError(undefined));
  });
  it('isKind and isUnsafeLink pick one kind', () => {
    assert.ok(isKind(transient('graph', 'x'), 'transient', 'throttled'));
    assert.ok(!isKind(permanent('graph', 'x'), 'transient', 'throttled'));
    assert.ok(isUnsafeLink(unsafeLink('graph', 'x')));
    assert.equal(unsafeLink('graph', 'x').kind, 'permanent');
    assert.ok(!isUnsafeLink(permanent('graph', 'x')));
  });
  it('a throttled wait is never negative', () => {
    assert.equal(throttled('graph', 'x', -5).retryAfterMs, 0);
  });
  it('parts to retry are throttled for the longest wait one asked for, otherwise transient', () => {
    const e = retryLater('dataverse', 'x', [{}, { retryAfterMs: 3000 }, { retryAfterMs: 7000 }]);
    assert.equal(e.kind, 'throttled');
    assert.equal(e.retryAfterMs, 7000);
    assert.equal(retryLater('dataverse', 'x', [{}, {}]).kind, 'transient');
  });
});
