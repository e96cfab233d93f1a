// Effectively once under faults (README "Why each step is safe"): the demo tenant (the one `npm start` runs:
// mail shared by mailboxes, replies across mailboxes, threads by conversation index) is run fault-free
// once, then once per seed with throttling, server errors, sync-state expiry and crashes at random step
// boundaries. Every run must end with the same Dataverse state, exactly one decision per message and
// mailbox (with the same correlation target), and no dead letters. The default suite runs seeds 1-6
// (FAULT_SEEDS sets the last one); the long suite runs 7-50 with this file (test/long/fault-seeds.test.ts).
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

interface Outcome { result: RunResult; emails: Map<string, string>; queueitems: Map<string, string>; decisions: Map<string, string> }

/** Rows by id, as JSON without the columns the service stamps (createdon, modifiedon, versionnumber). */
const rows = (list: Record<string, unknown>[] = [], id: string) =>
  new Map(list.map(({ createdon: _c, modifiedon: _m, versionnumber: _v, ...r }) => [String(r[id]), JSON.stringify(r)]));

/** The keys whose values differ or exist on one side only: a short answer instead of two 60 KB strings. */
function differences(a: Map<string, string>, b: Map<string, string>): string[] {
  const out: string[] = [];
  for (const k of new Set([...a.keys(), ...b.keys()])) if (a.get(k) !== b.get(k)) out.push(`${k}: ${a.has(k) ? (b.has(k) ? 'differs' : 'missing') : 'extra'}`);
  return out;
}

async function run(faults?: string): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), 'exsync-fault-'));
  const dumpFile = join(dir, 'dump.json');
  try {
    const result = await runCommand({ once: true, data: join(dir, 'data'), reset: true, quiet: true, tenantObject: tenant, dump: dumpFile, ...(faults ? { faults } : {}) }, quiet);
    const dump = JSON.parse(readFileSync(dumpFile, 'utf8'));
    const decisions = new Map<string, string>();
    for (const d of dump.decisions as Record<string, string>[]) {
      const k = `${d.mailboxId}|${d.graphId}`;
      assert.ok(!decisions.has(k), `two decisions for ${k}`);
      decisions.set(k, `${d.outcome}|${d.reason}|${d.correlationMethod}|${d.activityid ?? ''}|${d.correlatedActivityId ?? ''}`);
    }
    return { result, emails: rows(dump.dataverse.emails, 'activityid'), queueitems: rows(dump.dataverse.queueitems, 'queueitemid'), decisions };
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
  const injected = Object.entries(totals).map(([k, v]) => `${k} ${v}`).join(', ');
  process.stdout.write(`# fault suite: ${runs} faulty run(s) of ${baseline?.decisions.size ?? 0} decisions each; faults injected: ${injected || 'none'}\n`);
});
