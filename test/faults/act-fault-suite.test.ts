// Effectively once for appointments, contacts and tasks under faults: the ACT tenant (Alice's sync filters,
// contacts and tasks on both sides, some created in Outlook with the tracking category) is run fault-free once,
// then once per seed with crashes at random step boundaries, Graph 429 and 5xx and Dataverse 5xx. Both sides
// must end as in the fault-free run: every contact and task once in Exchange and once in Dataverse, none lost,
// and the same decision per item. The default suite runs seeds 1-3 (ACT_FAULT_SEEDS sets the last one); the long
// suite runs 4-50 with this file (test/long/act-fault-seeds.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runCommand, type RunResult } from '../../local/run';
import { ALICE, ALICE_ID } from '../../local/tenant/acceptance';
import type { Json } from '../../local/tenant/fixture';
import { actTenant, TRACKED } from '../support/act-tenant';

const FIRST_SEED = Number(process.env.ACT_FAULT_SEEDS_FROM ?? 1);
const SEEDS = Number(process.env.ACT_FAULT_SEEDS ?? 3);
const SPEC = 'graph.429=0.2,graph.5xx=0.05,dataverse.5xx=0.05,crash=0.06';
const quiet = new Writable({ write: (_c, _e, cb) => cb() });

function fixture() {
  const f = actTenant();
  for (let i = 0; i < 8; i++) {
    const n = String(i).padStart(2, '0');
    f.dataverse.contacts.push({
      contactid: `c1000000-0000-4000-8000-0000000000${n}`,
      firstname: `Contact${n}`,
      lastname: 'Dv',
      emailaddress1: `c${n}@example.com`,
      _ownerid_value: ALICE_ID,
      statecode: 0,
    });
    f.dataverse.tasks.push({
      activityid: `d1000000-0000-4000-8000-0000000000${n}`,
      subject: `Task${n}`,
      scheduledend: '2025-01-20T09:00:00Z',
      _ownerid_value: ALICE_ID,
      statecode: 0,
      statuscode: 2,
    });
    (f.exchange[ALICE] as { contacts: Json[] }).contacts.push({ givenName: `Outlook${n}`, categories: [TRACKED] });
  }
  return f;
}
const tenant = fixture();

interface Outcome {
  result: RunResult;
  /** What each side holds, as sorted names: a duplicate or a loss shows as a difference. */
  sides: Record<string, string[]>;
  decisions: Record<string, string>;
}

async function run(faults?: string): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), 'exsync-actfault-'));
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
    const ex = dump.exchange[ALICE] as { contacts: Json[]; todoLists: { tasks: Json[] }[] };
    const sorted = (xs: string[]) => xs.sort();
    const decisions: Record<string, string> = {};
    for (const d of dump.decisions as Record<string, string>[])
      if (d.workload === 'contact' || d.workload === 'task')
        decisions[`${d.workload}:${d.graphId}`] = `${d.outcome}/${d.reason}`;
    return {
      result,
      sides: {
        exchangeContacts: sorted(ex.contacts.map((c) => `${String(c.givenName)} ${String(c.surname ?? '')}`)),
        exchangeTasks: sorted(
          ex.todoLists.flatMap((l) => l.tasks).map((t) => `${String(t.title)}:${String(t.status)}`),
        ),
        dataverseContacts: sorted(
          (dump.dataverse.contacts as Json[]).map((c) => `${String(c.firstname)}:${String(c._ownerid_value)}`),
        ),
        dataverseTasks: sorted(
          (dump.dataverse.tasks as Json[]).map((t) => `${String(t.subject)}:${String(t.statecode)}`),
        ),
      },
      decisions,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

let baseline: Outcome;
const struck: Record<string, number> = {};

test('Effectively once (ACT): the fault-free run of the ACT tenant syncs every contact and task', async () => {
  baseline = await run();
  assert.equal(baseline.result.exitCode, 0);
  assert.equal(baseline.sides.exchangeTasks.length, 9, 'the nine tasks of Dynamics 365 are in Exchange');
  assert.ok(baseline.sides.dataverseContacts.filter((c) => c.startsWith('Outlook')).length === 8);
});

for (let seed = FIRST_SEED; seed <= SEEDS; seed++) {
  test(`Effectively once (ACT): seed ${seed}: ${SPEC} creates nothing twice and loses nothing on either side`, async () => {
    const o = await run(`seed=${seed},${SPEC}`);
    for (const [k, v] of Object.entries(o.result.faults)) struck[k] = (struck[k] ?? 0) + v;
    assert.ok(
      Object.values(o.result.faults).some((v) => v > 0),
      'faults struck',
    );
    assert.equal(o.result.deadLetters, 0, 'no dead letters');
    assert.deepEqual(o.sides, baseline.sides);
    assert.deepEqual(o.decisions, baseline.decisions);
  });
}

test('Effectively once (ACT): crashes, Graph 429 and Dataverse 5xx all struck over the seeds', () => {
  for (const k of ['crash', 'graph.429', 'dataverse.5xx'])
    assert.ok((struck[k] ?? 0) > 0, `${k} struck: ${JSON.stringify(struck)}`);
});
