// Effectively once under faults: the demo tenant (the one `npm start` runs:
// mail shared by mailboxes, replies across mailboxes, threads by conversation index) is run fault-free
// once, then once per seed with throttling, server errors, sync-state expiry and crashes at random step
// boundaries. Every run must end with the same Dataverse state, exactly one decision per message and
// mailbox (with the same correlation target), and no dead letters. The default suite runs seeds 1-6
// (FAULT_SEEDS sets the last one); the long suite runs 7-50 with this file (test/long/fault-seeds.test.ts).
// Outage windows (every request to Graph, Dataverse or Table Storage failing for a while) must end the same.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runCommand, type RunResult } from '../../local/run';
import { demoTenant } from '../../local/tenant/demo';

const FIRST_SEED = Number(process.env.FAULT_SEEDS_FROM ?? 1);
const SEEDS = Number(process.env.FAULT_SEEDS ?? 6);
const SPEC = 'graph.429=0.1,graph.5xx=0.04,graph.410=0.03,dataverse.429=0.1,dataverse.5xx=0.04,crash=0.02';
const quiet = new Writable({ write: (_c, _e, cb) => cb() });
const tenant = demoTenant();
const totals: Record<string, number> = {};
let runs = 0;

interface Outcome {
  result: RunResult;
  emails: Map<string, string>;
  queueitems: Map<string, string>;
  decisions: Map<string, string>;
}

/** Rows by id, as JSON without the columns the service stamps (createdon, modifiedon, versionnumber). */
const rows = (list: Record<string, unknown>[] = [], id: string) =>
  new Map(list.map(({ createdon: _c, modifiedon: _m, versionnumber: _v, ...r }) => [String(r[id]), JSON.stringify(r)]));

/** The keys whose values differ or exist on one side only: a short answer instead of two 60 KB strings. */
function differences(a: Map<string, string>, b: Map<string, string>): string[] {
  const out: string[] = [];
  for (const k of new Set([...a.keys(), ...b.keys()]))
    if (a.get(k) !== b.get(k)) out.push(`${k}: ${a.has(k) ? (b.has(k) ? 'differs' : 'missing') : 'extra'}`);
  return out;
}

async function run(faults?: string): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), 'exsync-fault-'));
  const dumpFile = join(dir, 'dump.json');
  try {
    const result = await runCommand(
      {
        once: true,
        data: join(dir, 'data'),
        reset: true,
        quiet: true,
        tenantObject: tenant,
        dump: dumpFile,
        ...(faults ? { faults } : {}),
      },
      quiet,
    );
    const dump = JSON.parse(readFileSync(dumpFile, 'utf8'));
    const decisions = new Map<string, string>();
    for (const d of dump.decisions as Record<string, string>[]) {
      const k = `${d.mailboxId}|${d.graphId}`;
      assert.ok(!decisions.has(k), `two decisions for ${k}`);
      decisions.set(
        k,
        `${d.outcome}|${d.reason}|${d.correlationMethod}|${d.activityid ?? ''}|${d.correlatedActivityId ?? ''}`,
      );
    }
    return {
      result,
      emails: rows(dump.dataverse.emails, 'activityid'),
      queueitems: rows(dump.dataverse.queueitems, 'queueitemid'),
      decisions,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let baseline: Outcome;

test('the fault-free run of the fault tenant promotes mail and dead-letters nothing', async () => {
  baseline = await run();
  assert.equal(baseline.result.exitCode, 0);
  assert.ok(baseline.decisions.size > 50, `decisions: ${baseline.decisions.size}`);
  assert.ok([...baseline.decisions.values()].some((d) => d.startsWith('promoted')));
});

/**
 * Outage windows count from the pipeline's start on the run's clock. A start of 1 s lands inside the run
 * (the demo run takes several seconds before any wait moves its clock), and each run must show that its
 * outage struck, so none can pass without one.
 */
const OUTAGES: { name: string; faults: string; struck: string[] }[] = [
  { name: 'a 120 s Dataverse outage', faults: 'dataverse.down=1+120', struck: ['dataverse.down'] },
  { name: 'a 60 s Table Storage outage', faults: 'tables.down=1+60', struck: ['tables.down'] },
  {
    name: 'a Table Storage outage from the first request, start-up included',
    faults: 'tables.down=0+60',
    struck: ['tables.down'],
  },
  { name: 'a 120 s Graph outage', faults: 'graph.down=1+120', struck: ['graph.down'] },
  {
    name: 'a 60 s Table Storage outage and a 120 s Dataverse outage',
    faults: 'tables.down=1+60,dataverse.down=30+120',
    struck: ['tables.down', 'dataverse.down'],
  },
  {
    name: 'exsync run --once --faults seed=1,dataverse.5xx=0.3',
    faults: 'seed=1,dataverse.5xx=0.3',
    struck: ['dataverse.5xx'],
  },
  {
    name: 'Table Storage server errors with crashes',
    faults: 'seed=2,tables.5xx=0.005,crash=0.02',
    struck: ['tables.5xx'],
  },
];

// The outage runs belong to the default suite; the long suite's later seeds load this file again without them.
for (const o of FIRST_SEED === 1 ? OUTAGES : []) {
  test(`Backoff instead of instant redelivery: ${o.name} (${o.faults}) ends in the fault-free state with no dead letters`, async () => {
    const r = await run(o.faults);
    for (const k of o.struck)
      assert.ok((r.result.faults[k] ?? 0) > 0, `the fault ${k} struck (injected: ${JSON.stringify(r.result.faults)})`);
    assert.equal(r.result.deadLetters, 0, 'no dead letters');
    assert.equal(r.result.exitCode, 0);
    assert.deepEqual(differences(baseline.emails, r.emails), [], 'same emails');
    assert.deepEqual(differences(baseline.queueitems, r.queueitems), [], 'same queue items');
    assert.deepEqual(differences(baseline.decisions, r.decisions), [], 'same decisions, one per message and mailbox');
  });
}

for (let seed = FIRST_SEED; seed <= SEEDS; seed++) {
  test(`seed ${seed}: ${SPEC} ends in the fault-free state`, async () => {
    const o = await run(`seed=${seed},${SPEC}`);
    runs++;
    for (const [k, v] of Object.entries(o.result.faults)) totals[k] = (totals[k] ?? 0) + v;
    assert.equal(o.result.deadLetters, 0, 'no dead letters');
    assert.equal(o.result.exitCode, 0);
    assert.deepEqual(differences(baseline.emails, o.emails), [], 'same emails');
    assert.deepEqual(differences(baseline.queueitems, o.queueitems), [], 'same queue items');
    assert.deepEqual(differences(baseline.decisions, o.decisions), [], 'same decisions, one per message and mailbox');
  });
}

after(() => {
  const injected = Object.entries(totals)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  process.stdout.write(
    `# fault suite: ${runs} faulty run(s) of ${baseline?.decisions.size ?? 0} decisions each; faults injected: ${injected || 'none'}\n`,
  );
});
