// Issue point "Backoff instead of instant redelivery": the delay of each scheduled retry, the id each retry
// carries, when retries end, and which failures of which system qualify.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BACKOFF_BASE_MS,
  BACKOFF_CAP_MS,
  MAX_RETRY_ATTEMPTS,
  mayRetry,
  retryDelayMs,
} from '../../../shared/domain/backoff';
import { MAX_MESSAGE_ID_CHARS, retryAttemptOf, retryMessageId } from '../../../shared/domain/queue-message-ids';
import * as errors from '../../../shared/domain/errors';
import { retryableFailureOf } from '../../../shared/domain/errors';
import { translateTableError } from '../../../shared/adapters/tables/errors';
import { translateServiceBusError } from '../../../shared/adapters/servicebus/errors';
import { CrashError } from '../../../local/crash';

const ids = Array.from({ length: 200 }, (_, i) => `mbx-${i}:email:${1000 + i}`);
const transient = { kind: 'transient' as const };

test('Backoff instead of instant redelivery: a transient failure waits 5 s, doubling per attempt up to 5 minutes, jittered to 80-120 %', () => {
  for (let attempt = 1; attempt <= 12; attempt++) {
    const nominal = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
    const delays = ids.map((id) => retryDelayMs(attempt, transient, id));
    for (const d of delays)
      assert.ok(d >= 0.8 * nominal && d <= 1.2 * nominal, `attempt ${attempt}: ${d} ms outside 80-120 % of ${nominal}`);
    // Jitter: messages that fail together do not all come back in the same instant.
    assert.ok(new Set(delays).size > 150, `attempt ${attempt}: only ${new Set(delays).size} distinct delays`);
  }
  assert.equal(BACKOFF_BASE_MS, 5_000);
  assert.equal(BACKOFF_CAP_MS, 300_000);
});

test('Backoff instead of instant redelivery: the same message and attempt always wait the same time, so a faulty run replays the same', () => {
  for (const id of ids.slice(0, 20))
    for (let a = 1; a < 6; a++) assert.equal(retryDelayMs(a, transient, id), retryDelayMs(a, transient, id));
  // The jitter follows the original id, whatever retry suffix the failing message carried.
  assert.equal(retryDelayMs(3, transient, 'job-1:retry:2'), retryDelayMs(3, transient, 'job-1'));
});

test('Backoff instead of instant redelivery: a Retry-After is kept: throttling waits what was asked (plus up to 20 %), a transient failure never less', () => {
  for (const id of ids) {
    const throttled = retryDelayMs(7, { kind: 'throttled', retryAfterMs: 2_500 }, id);
    assert.ok(throttled >= 2_500 && throttled <= 3_000, `throttled: ${throttled}`);
    assert.ok(retryDelayMs(1, { kind: 'transient', retryAfterMs: 90_000 }, id) >= 90_000);
  }
  // A very short Retry-After still waits a second; a throttled answer without one backs off exponentially.
  assert.ok(retryDelayMs(1, { kind: 'throttled', retryAfterMs: 10 }, 'x') >= 1_000);
  const noHeader = retryDelayMs(4, { kind: 'throttled' }, 'x');
  assert.ok(noHeader >= 0.8 * 40_000 && noHeader <= 1.2 * 40_000, `no Retry-After: ${noHeader}`);
});

test('Backoff instead of instant redelivery: retry n of a message carries the id <original id>:retry:n, so a double resend of one attempt is one id', () => {
  assert.equal(retryMessageId('mbx-1:email:42', 1), 'mbx-1:email:42:retry:1');
  // An earlier suffix is replaced, not stacked.
  assert.equal(retryMessageId('mbx-1:email:42:retry:1', 2), 'mbx-1:email:42:retry:2');
  assert.equal(retryMessageId('b1:deferred:3:retry:7', 8), 'b1:deferred:3:retry:8');
  // Derived, not timed: sending attempt 3 twice (a crash after the send) gives the same id both times.
  assert.equal(retryMessageId('mbx-1:email:42:retry:2', 3), retryMessageId('mbx-1:email:42:retry:2', 3));
  assert.equal(retryAttemptOf('mbx-1:email:42'), 0);
  assert.equal(retryAttemptOf(undefined), 0);
  assert.equal(retryAttemptOf(retryMessageId('mbx-1:email:42', 5)), 5);
});

test('Backoff instead of instant redelivery: retry ids stay within Service Bus 128 characters, the same at every attempt', () => {
  const long = `${'m'.repeat(100)}:email:${'s'.repeat(40)}`;
  const first = retryMessageId(long, 1);
  const tenth = retryMessageId(retryMessageId(first, 9), 10);
  assert.ok(
    first.length <= MAX_MESSAGE_ID_CHARS && tenth.length <= MAX_MESSAGE_ID_CHARS,
    `${first.length}, ${tenth.length}`,
  );
  assert.equal(first.replace(/:retry:\d+$/, ''), tenth.replace(/:retry:\d+$/, ''));
  assert.equal(retryAttemptOf(tenth), 10);
  const fits = 'x'.repeat(MAX_MESSAGE_ID_CHARS - ':retry:9'.length);
  assert.equal(retryMessageId(fits, 9), `${fits}:retry:9`);
});

test('Backoff instead of instant redelivery: an id of the earlier timestamp scheme counts as an original, not as attempt 1.7 trillion', () => {
  assert.equal(retryAttemptOf('mbx-1:email:42:retry:1733212345678'), 0);
  assert.equal(retryMessageId('mbx-1:email:42:retry:1733212345678', 1), 'mbx-1:email:42:retry:1');
});

test('Backoff instead of instant redelivery: transient failures get MAX_RETRY_ATTEMPTS scheduled retries spanning over an hour, then the queue takes over', () => {
  assert.ok(mayRetry(MAX_RETRY_ATTEMPTS, transient));
  assert.ok(!mayRetry(MAX_RETRY_ATTEMPTS + 1, transient));
  // An outage of an hour is ridden out even at the lowest jitter.
  for (const id of ids.slice(0, 50)) {
    let total = 0;
    for (let a = 1; a <= MAX_RETRY_ATTEMPTS; a++) total += retryDelayMs(a, transient, id);
    assert.ok(total > 60 * 60_000, `${id}: retries span only ${Math.round(total / 60_000)} min`);
  }
  // Throttling with a Retry-After has a known end: it is always retried, as before.
  assert.ok(mayRetry(MAX_RETRY_ATTEMPTS + 50, { kind: 'throttled', retryAfterMs: 5_000 }));
  assert.ok(!mayRetry(MAX_RETRY_ATTEMPTS + 1, { kind: 'throttled' }));
});

test('Backoff instead of instant redelivery: failures of Graph, Dataverse, Table Storage and Service Bus are sorted into throttled, transient or neither', () => {
  assert.deepEqual(
    retryableFailureOf(errors.throttled('graph', 'slow', 2_500, { status: 429, code: 'ApplicationThrottled' })),
    { kind: 'throttled', system: 'graph', retryAfterMs: 2_500, status: 429, code: 'ApplicationThrottled' },
  );
  assert.deepEqual(retryableFailureOf(errors.transient('dataverse', '503', { status: 503, code: '0x80040216' })), {
    kind: 'transient',
    system: 'dataverse',
    status: 503,
    code: '0x80040216',
  });
  assert.deepEqual(retryableFailureOf(errors.transient('graph', 'reset')), { kind: 'transient', system: 'graph' });
  const rest = (statusCode: number | undefined, code?: string, retryAfter?: string) => ({
    statusCode,
    code,
    message: 'x',
    response: { headers: { get: (h: string) => (h === 'retry-after' ? retryAfter : undefined) } },
  });
  assert.deepEqual(retryableFailureOf(translateTableError(rest(503, 'ServerBusy'), 'ledger get')), {
    kind: 'throttled',
    system: 'tables',
    status: 503,
    code: 'ServerBusy',
  });
  assert.deepEqual(retryableFailureOf(translateTableError(rest(429, undefined, '3'), 'x')), {
    kind: 'throttled',
    system: 'tables',
    retryAfterMs: 3_000,
    status: 429,
  });
  assert.deepEqual(retryableFailureOf(translateTableError(rest(undefined), 'reset')), {
    kind: 'transient',
    system: 'tables',
  });
  assert.deepEqual(retryableFailureOf(translateServiceBusError({ code: 'ServiceBusy', retryable: true }, 'send')), {
    kind: 'transient',
    system: 'servicebus',
    code: 'ServiceBusy',
  });
  // Neither: retrying cannot help, or the failure is ours to settle differently.
  for (const e of [
    errors.permanent('graph', '403', { status: 403 }),
    errors.syncStateExpired('graph', '410', { status: 410 }),
    translateTableError(rest(413, 'EntityTooLarge'), 'too large'),
    translateServiceBusError({ code: 'MessageSizeExceeded', retryable: false }, 'too big'),
    errors.poison('not a job'),
    errors.conflict('tables', 'checkpoint was advanced by someone else', { status: 412 }),
    new CrashError('before graph.messagesDelta'),
    new Error('a bug'),
    'a string',
    undefined,
  ])
    assert.equal(retryableFailureOf(e), undefined, String(e));
});
