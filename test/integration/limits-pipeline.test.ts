// The pipeline against simulators that enforce the services' limits: for each limit, a run that is throttled
// and still finishes (exit 0, nothing dead-lettered) with the same Dataverse rows and the same decisions as
// the run without limits. Small custom limits stand in for the real numbers, which a test-sized tenant never
// reaches (`--once` waits are virtual: a Retry-After moves the simulator clock instead of taking real time).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runCommand, type RunArgs, type RunResult } from '../../local/run';
import { demoTenant } from '../../local/tenant/demo';
import type { GraphSimulator } from '../../local/sim/graph';
import type { DataverseSimulator, LimitsOption } from '../../local/sim/dataverse';
import { spawn, spawnSync } from 'node:child_process';
import { CLI, CLI_HANG_GUARD_MS, cleanup, runTenant, type Dump } from '../support/cli';
import { gate, until } from '../support/until';

// The demo generator's mail, shared mail and cross-mailbox replies included: `--once` finishes one mailbox
// before the next (local/in-order.ts), so throttling delays mailboxes but cannot reorder them.
const TENANT = demoTenant({ mailboxes: 4, messagesPerMailbox: 60 });
/** Small delta pages, so a mailbox takes several pages (and a delta token can expire between two). */
const PAGE_SIZE = 15;

interface LimitRun {
  result: RunResult;
  dump: Dump;
  events: { event: string; [k: string]: unknown }[];
}

const devNull = () => new Writable({ write: (_c, _e, cb) => cb() });
const dirs: string[] = [];
let baseline: LimitRun;

async function run(extra: Partial<RunArgs> = {}): Promise<LimitRun> {
  const dir = mkdtempSync(join(tmpdir(), 'exsync-limits-'));
  dirs.push(dir);
  const settings = join(dir, 'settings.json');
  writeFileSync(settings, JSON.stringify({ Values: { GRAPH_PAGE_SIZE: String(PAGE_SIZE) } }));
  const dumpFile = join(dir, 'dump.json');
  const result = await runCommand(
    {
      once: true,
      data: join(dir, 'data'),
      reset: true,
      quiet: true,
      tenantObject: TENANT,
      settings,
      dump: dumpFile,
      ...extra,
    },
    devNull(),
  );
  const dump = JSON.parse(readFileSync(dumpFile, 'utf8')) as Dump;
  const events = readFileSync(join(dir, 'data', 'exsync.log'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as LimitRun['events'][number]);
  return { result, dump, events };
}

/** Dataverse rows without the columns the service stamps at write time, in a stable order (a throttled
 *  run creates the same rows in another order). */
function rows(dump: Dump): Record<string, Record<string, unknown>[]> {
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const [set, records] of Object.entries(dump.dataverse)) {
    out[set] = records
      .map((r) => {
        const { createdon: _c, modifiedon: _m, versionnumber: _v, ...rest } = r;
        return rest;
      })
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  return out;
}

/** Decisions without their time, in a stable order. */
function decisions(dump: Dump): Record<string, unknown>[] {
  return dump.decisions
    .map((d) => {
      const { decidedAt: _t, ...rest } = d;
      return rest;
    })
    .sort((a, b) => `${a.mailboxId}|${a.graphId}`.localeCompare(`${b.mailboxId}|${b.graphId}`));
}

function assertSameOutcome(r: LimitRun, what: string): void {
  assert.equal(r.result.exitCode, 0, `${what}: exit code`);
  assert.equal(r.result.deadLetters, 0, `${what}: dead letters`);
  assert.deepEqual(rows(r.dump), rows(baseline.dump), `${what}: Dataverse state`);
  assert.deepEqual(decisions(r.dump), decisions(baseline.dump), `${what}: decisions`);
}

const throttledStages = (r: LimitRun, system: string) =>
  r.events.filter((e) => e.event === 'stage.throttled' && e.system === system);

/**
 * Dataverse limits with a bound on the run: after `cap` 429s the simulator answers every request 400, so a
 * pipeline that cannot get out of throttling dead-letters its jobs and the run ends (exit 1) instead of
 * running forever. `overlap`: admitted requests are held until the concurrency limit has refused one.
 */
function dataverseLimitsWithBreaker(limits: LimitsOption, cap = 200, overlap = false): Partial<RunArgs> {
  let dv: DataverseSimulator | undefined;
  const throttled = () => Object.values(dv?.stats().throttled ?? {}).reduce((n, x) => n + x, 0);
  return {
    onSimulators: (_g, d) => (dv = d),
    simOptions: {
      dataverse: {
        limits,
        intercept: () =>
          throttled() > cap
            ? { status: 400, body: { error: { code: '0x80040203', message: `test breaker: more than ${cap} 429s` } } }
            : undefined,
        ...(overlap ? { hold: holdUntilConcurrencyRefused(() => dv) } : {}),
      },
    },
  };
}

/**
 * A `hold` for the Dataverse simulator: every admitted request waits, holding its slot, until the concurrency
 * limit has refused a request; then the gate stays open. A burst of requests therefore overlaps for certain,
 * where a real-time hold only makes it likely on a loaded machine. A minute without a refusal opens the gate
 * anyway: a hang guard, after which the test fails on its assertion instead of hanging.
 */
function holdUntilConcurrencyRefused(sim: () => DataverseSimulator | undefined): () => Promise<void> | undefined {
  const held = gate();
  let guard: NodeJS.Timeout | undefined;
  return () => {
    if (held.isOpen) return undefined;
    guard ??= setTimeout(() => held.open(), 60_000).unref();
    return until(() => held.isOpen || (sim()?.stats().throttled.concurrency ?? 0) > 0).then(() => {
      held.open();
      clearTimeout(guard);
    });
  };
}

before(async () => {
  delete process.env.SIM_LIMITS;
  delete process.env.CLOCK_SPEED;
  baseline = await run();
  assert.equal(baseline.result.exitCode, 0);
  assert.ok(
    baseline.dump.decisions.length > 100,
    `the tenant has enough mail (${baseline.dump.decisions.length} decisions)`,
  );
  assert.ok(baseline.dump.decisions.some((d) => d.outcome === 'promoted'));
});

after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test('Graph mailbox concurrency: $batch items answered 429 ApplicationThrottled are read again, same result', async () => {
  // Graph runs a $batch's items 4 at a time; with 2 allowed per app and mailbox, some of them are refused.
  const r = await run({ simOptions: { graph: { limits: { concurrency: 2 } } } });
  assert.ok(r.result.simulators!.graph.throttled.concurrency > 0, 'the concurrency limit was hit');
  assertSameOutcome(r, 'graph concurrency');
});

test('Graph requests per window: 429 TooManyRequests reschedules the sync job for Retry-After, same result', async () => {
  // A window must hold one step: the folders' delta requests (2) plus a page's header reads, which Graph
  // counts one per $batch item (15). 24 does; fewer than 17 never lets a page through (Graph's own window
  // is 10,000 per 10 minutes, against about 102 for a page of 100).
  const r = await run({ simOptions: { graph: { limits: { requestsPerWindow: 24, windowMs: 60_000 } } } });
  assert.ok(r.result.simulators!.graph.throttled.window > 0, 'the window limit was hit');
  assert.ok(throttledStages(r, 'graph').length > 0, 'a stage was throttled and rescheduled');
  assertSameOutcome(r, 'graph window');
});

test('Graph delta tokens expired mid-run (410): the folder round starts over, same result', async () => {
  let graph: GraphSimulator | undefined;
  let pagesSeen = 0;
  let expired = 0;
  const r = await run({
    onSimulators: (g) => (graph = g),
    simOptions: {
      graph: {
        // The third nextLink replayed: every token issued so far is gone, as when Exchange drops sync state.
        intercept: (req) => {
          if (/skiptoken=/i.test(req.search ?? '') && ++pagesSeen === 3) {
            graph!.expireDeltaTokens();
            expired++;
          }
          return undefined;
        },
      },
    },
  });
  assert.equal(expired, 1);
  assert.ok(
    r.events.some((e) => e.event === 'sync.resync'),
    'the pipeline started a folder over',
  );
  assertSameOutcome(r, 'graph 410');
});

test('Dataverse requests per window, one job throttled: it waits out Retry-After and the run finishes, same result', async () => {
  // The run makes about 33 requests; the 26th and later wait for the window, one job at a time here.
  const r = await run(dataverseLimitsWithBreaker({ requests: 25, windowSeconds: 300 }));
  assert.ok(r.result.simulators!.dataverse.throttled.requests > 0, 'the request limit was hit');
  assert.ok(throttledStages(r, 'dataverse').length > 0, 'a stage was throttled and rescheduled');
  assertSameOutcome(r, 'dataverse requests (one job)');
});

test('Dataverse requests per window: 429 0x80072322 reschedules the jobs for Retry-After, same result', async () => {
  const r = await run(dataverseLimitsWithBreaker({ requests: 10, windowSeconds: 300 }));
  assert.ok(r.result.simulators!.dataverse.throttled.requests > 0, 'the request limit was hit');
  assert.ok(throttledStages(r, 'dataverse').length > 0, 'a stage was throttled and rescheduled');
  assertSameOutcome(r, 'dataverse requests');
});

test('Dataverse execution time: 429 0x80072321 reschedules the jobs for Retry-After, same result', async () => {
  // 5 ms per operation, 300 ms per window: 60 operations (a $batch of emails costs 2 or 3 each).
  const r = await run(dataverseLimitsWithBreaker({ executionMs: 300, costMsPerOperation: 5, windowSeconds: 300 }));
  assert.ok(r.result.simulators!.dataverse.throttled.executionTime > 0, 'the execution-time limit was hit');
  assert.ok(throttledStages(r, 'dataverse').length > 0, 'a stage was throttled and rescheduled');
  assertSameOutcome(r, 'dataverse execution time');
});

test('Dataverse concurrency: 429 0x80072326 when requests overlap halves the requests in flight, same result', async () => {
  // The org context is read with seven requests at once, four in flight (the client's starting limit). With
  // the first requests held until the limit of 2 refuses one, that read overlaps on any machine.
  const r = await run(dataverseLimitsWithBreaker({ concurrent: 2 }, 200, true));
  assert.ok(r.result.simulators!.dataverse.throttled.concurrency > 0, 'the concurrency limit was hit');
  const waited = r.events.filter(
    (e) => (e.event === 'stage.throttled' || e.event === 'local.retry') && e.system === 'dataverse',
  );
  assert.ok(waited.length > 0, 'the throttled work waited out Retry-After and was tried again');
  assertSameOutcome(r, 'dataverse concurrency');
});

test('--faults graph.latency and dataverse.latency slow every request down and change nothing', async () => {
  const r = await run({ faults: 'seed=3,graph.latency=20ms,dataverse.latency=0.02s' });
  assertSameOutcome(r, 'latency');
  // In `--once` one mailbox syncs at a time, so its delta pages at least are read one after another.
  const deltaPages = r.result.requests.byRoute['graph.messages.delta'] ?? 0;
  assert.ok(deltaPages > 10, `several delta pages (${deltaPages})`);
  assert.ok(r.result.ms >= deltaPages * 20, `${r.result.ms} ms for ${deltaPages} delta pages at 20 ms`);
});

test('SIM_LIMITS=real at CLOCK_SPEED=10: a generated tenant ends in the same Dataverse state as without limits', () => {
  // `exsync run` as a user runs it. The real limits are far above what this tenant needs: no 429 is expected.
  const plain = runTenant(TENANT);
  const limited = runTenant(TENANT, [], { env: { SIM_LIMITS: 'real', CLOCK_SPEED: '10' } });
  try {
    assert.match(limited.stdout, /Simulator limits: Graph answered \d+ 429\(s\)/);
    assert.doesNotMatch(plain.stdout, /Simulator limits/);
    assert.equal(limited.dump.deadLetters.length, 0);
    assert.deepEqual(rows(limited.dump), rows(plain.dump));
    assert.deepEqual(decisions(limited.dump), decisions(plain.dump));
  } finally {
    cleanup(plain);
    cleanup(limited);
  }
});

test('exsync sim honours SIM_LIMITS: real limits answer with the rate-limit headers; a bad value is refused', async () => {
  const bad = spawnSync(process.execPath, [CLI, 'sim'], {
    env: { ...process.env, SIM_LIMITS: 'strict' },
    encoding: 'utf8',
    timeout: CLI_HANG_GUARD_MS,
  });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /SIM_LIMITS: "strict" is not one of off, real/);

  const child = spawn(process.execPath, [CLI, 'sim'], {
    env: { ...process.env, SIM_LIMITS: 'real' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const urls = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (/dataverse: \S+\n/.test(out)) resolve(out);
      });
      child.once('exit', (code) => reject(new Error(`exsync sim exited ${code}`)));
    });
    const dataverse = /dataverse: (\S+)/.exec(urls)![1]!;
    const res = await fetch(`${dataverse}/contacts?$top=1`, { headers: { Authorization: 'Bearer t' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-ms-ratelimit-burst-remaining-xrm-requests'), '5999');
  } finally {
    child.kill('SIGTERM');
  }
});
