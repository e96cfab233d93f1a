// `--faults SPEC` parsing: rates, seed, latency faults and outage windows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dataverseIntercept,
  graphIntercept,
  outageClock,
  parseFaults,
  parseLatency,
  parseOutage,
  tablesFault,
  type InjectedCounts,
} from '../../../local/faults';

test('the contract example parses, latency included', () => {
  const f = parseFaults(
    'seed=7,graph.429=0.2,graph.5xx=0.05,graph.410=0.02,graph.latency=20ms,dataverse.429=0.2,dataverse.5xx=0.05,dataverse.latency=1.5s',
  );
  assert.equal(f.seed, 7);
  assert.deepEqual(f.rates, {
    'graph.429': 0.2,
    'graph.5xx': 0.05,
    'graph.410': 0.02,
    'dataverse.429': 0.2,
    'dataverse.5xx': 0.05,
  });
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
  assert.throws(
    () => parseFaults('graph.latency=fast,dataverse.latency=2min'),
    (e: unknown) => {
      const m = (e as Error).message;
      return /graph\.latency: "fast" is not a duration/.test(m) && /dataverse\.latency: "2min"/.test(m);
    },
  );
  assert.throws(() => parseFaults('graph.latency=61s'), /not a duration up to 60 s/);
  assert.throws(() => parseFaults('nope=1'), /known: seed, .*graph\.latency, dataverse\.latency/);
});

test('Backoff instead of instant redelivery: outage windows <system>.down=<start>+<duration> parse for graph, dataverse and tables, several per system', () => {
  const f = parseFaults('seed=3,dataverse.down=20+120,tables.down=0+60,graph.down=1.5+0.5,dataverse.down=400+30');
  assert.deepEqual(f.outages, {
    dataverse: [
      { startMs: 20_000, durationMs: 120_000 },
      { startMs: 400_000, durationMs: 30_000 },
    ],
    tables: [{ startMs: 0, durationMs: 60_000 }],
    graph: [{ startMs: 1_500, durationMs: 500 }],
  });
  assert.deepEqual(parseFaults('tables.5xx=0.1').rates, { 'tables.5xx': 0.1 });
});

test('Backoff instead of instant redelivery: a bad outage window is refused, each problem naming its part', () => {
  assert.equal(parseOutage('20'), '"20" is not <start>+<duration> in seconds, e.g. 20+120');
  assert.match(String(parseOutage('-5+10')), /start "-5" is not a number of seconds >= 0/);
  assert.match(String(parseOutage('5+0')), /duration "0" is not a number of seconds > 0/);
  assert.match(String(parseOutage('x+y')), /start "x".*duration "y"/);
  assert.throws(
    () => parseFaults('dataverse.down=20,tables.down=5+-1,exchange.down=1+2'),
    (e: unknown) => {
      const m = (e as Error).message;
      return (
        /dataverse\.down: "20" is not <start>\+<duration>/.test(m) &&
        /tables\.down: "5\+-1": duration "-1"/.test(m) &&
        /exchange\.down: unknown fault \(known: .*graph\.down, dataverse\.down, tables\.down\)/.test(m)
      );
    },
  );
});

test('Backoff instead of instant redelivery: during an outage window every request to that system fails with 503; before the run starts and after the window none does', () => {
  let now = Date.parse('2025-01-10T10:00:00Z');
  let start: number | undefined;
  const f = parseFaults('graph.down=20+120,dataverse.down=20+120,tables.down=20+120');
  const down = outageClock(f, { now: () => new Date(now) }, () => start);
  const counts: InjectedCounts = {};
  const graph = graphIntercept(f, counts, down);
  const dataverse = dataverseIntercept(f, counts, down);
  const tables = tablesFault(f, counts, down);
  const all = () => [graph({ path: '/v1.0/users/a/messages/delta' })?.status, dataverse()?.status, tables()];
  assert.deepEqual(all(), [undefined, undefined, false], 'the run has not started');
  start = now;
  now += 19_999;
  assert.deepEqual(all(), [undefined, undefined, false], 'before the window');
  now += 1;
  assert.deepEqual(all(), [503, 503, true], 'at its start');
  now += 119_999;
  assert.deepEqual(all(), [503, 503, true], 'at its last millisecond');
  now += 1;
  assert.deepEqual(all(), [undefined, undefined, false], 'after it');
  assert.deepEqual(counts, { 'graph.down': 2, 'dataverse.down': 2, 'tables.down': 2 });
});
