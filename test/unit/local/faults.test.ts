// `--faults SPEC` parsing (run-contract.md): rates, seed, and latency faults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFaults, parseLatency } from '../../../local/faults';

test('the contract example parses, latency included', () => {
  const f = parseFaults('seed=7,graph.429=0.2,graph.5xx=0.05,graph.410=0.02,graph.latency=20ms,dataverse.429=0.2,dataverse.5xx=0.05,dataverse.latency=1.5s');
  assert.equal(f.seed, 7);
  assert.deepEqual(f.rates, { 'graph.429': 0.2, 'graph.5xx': 0.05, 'graph.410': 0.02, 'dataverse.429': 0.2, 'dataverse.5xx': 0.05 });
  assert.deepEqual(f.latencyMs, { 'graph.latency': 20, 'dataverse.latency': 1500 });
});

test('latency reads ms, s and bare milliseconds', () => {
  assert.equal(parseLatency('20ms'), 20);
  assert.equal(parseLatency('0.02s'), 20);
  assert.equal(parseLatency('35'), 35);
  assert.equal(parseLatency('fast'), undefined);
  assert.equal(parseLatency('-5ms'), undefined);
});

test('bad latency values are refused, every problem at once', () => {
  assert.throws(() => parseFaults('graph.latency=fast,dataverse.latency=2min'), (e: unknown) => {
    const m = (e as Error).message;
    return /graph\.latency: "fast" is not a duration/.test(m) && /dataverse\.latency: "2min"/.test(m);
  });
  assert.throws(() => parseFaults('graph.latency=61s'), /not a duration up to 60 s/);
  assert.throws(() => parseFaults('nope=1'), /known: seed, .*graph\.latency, dataverse\.latency/);
});
