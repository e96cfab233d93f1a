// Adaptive concurrency toward Dataverse: back off on 429 and low execution time, grow slowly when healthy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AdaptiveLimit, executionTimeLow } from '../../../shared/adapters/dataverse/concurrency';

test('never more requests in flight than the current limit', async () => {
  const l = new AdaptiveLimit({ start: 3, max: 3 });
  let now = 0;
  let peak = 0;
  await Promise.all(
    Array.from({ length: 20 }, () =>
      l.run(async () => {
        peak = Math.max(peak, ++now);
        await new Promise((r) => setTimeout(r, 2));
        now--;
      }),
    ),
  );
  assert.equal(peak, 3);
});

test('a 429 halves the limit, down to the minimum; successes grow it by one at a time, up to the maximum', () => {
  const l = new AdaptiveLimit({ start: 8, min: 1, max: 10, growAfter: 2 });
  l.backOff();
  assert.equal(l.limit, 4);
  l.backOff();
  l.backOff();
  l.backOff();
  assert.equal(l.limit, 1);
  l.succeeded();
  assert.equal(l.limit, 1, 'one success is not a run yet');
  l.succeeded();
  assert.equal(l.limit, 2, 'after limit x growAfter = 2 successes');
  for (let i = 0; i < 3; i++) l.succeeded();
  assert.equal(l.limit, 2, 'not yet: 2 x 2 successes are needed');
  l.succeeded();
  assert.equal(l.limit, 3);
  for (let i = 0; i < 1000; i++) l.succeeded();
  assert.equal(l.limit, 10);
});

test('the execution-time header signals pressure below a fifth of the 20-minute budget', () => {
  assert.equal(executionTimeLow('1,199.46'), false);
  assert.equal(executionTimeLow('200.5'), true);
  assert.equal(executionTimeLow(null), false);
  assert.equal(executionTimeLow('garbage'), false);
});
