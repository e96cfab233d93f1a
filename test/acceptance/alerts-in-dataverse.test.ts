// Alerts where admins look (docs/sss-parity.md#alerts): every alert is also a trace log on the mailbox in
// Dataverse, one row per alert code (repeats fold), while the alerts table keeps the operators' record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptanceFixtureF, ALICE_MAILBOX_ID } from '../../local/tenant/acceptance';
import type { TenantFixture } from '../../local/tenant/fixture';
import { ALERTS } from '../../shared/domain/alerts';
import { raiseAlert } from '../../shared/pipeline/alerts';
import { runSchedule } from '../../shared/pipeline/schedule';
import { startPipeline } from '../support/pipeline';

/** Alice's mailbox asks for Test & Enable: the schedule stage then raises an alert for it. */
function requestedForAlice(): TenantFixture {
  const f = structuredClone(acceptanceFixtureF());
  const row = f.dataverse.mailboxes!.find((m) => m.mailboxid === ALICE_MAILBOX_ID)!;
  row.testemailconfigurationscheduled = true;
  row.incomingemailstatus = 0;
  return f;
}

const traceLogsOf = (dump: Record<string, unknown[]>, mailboxId: string) =>
  ((dump.tracelogs ?? []) as Record<string, unknown>[]).filter((r) => r._regardingobjectid_value === mailboxId);

test('Alerts where admins look: an alert shows on the mailbox in Dataverse', async () => {
  const p = await startPipeline(requestedForAlice());
  try {
    await runSchedule(p.deps);
    const rows = traceLogsOf(p.dataverse.dump(), ALICE_MAILBOX_ID);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.level, 1, 'Information');
    assert.equal(rows[0]!.errortypedisplay, 'TestEnableSucceeded');
    assert.match(String(rows[0]!.text), /Test & Enable succeeded/);
    assert.equal(rows[0]!.collationlevel, 1);
    assert.equal(rows[0]!.machinename, 'exchange-dataverse-sync');
    const [kept] = await p.deps.alerts.forMailbox(ALICE_MAILBOX_ID);
    assert.equal(kept?.code, 'TestEnableSucceeded', 'the alerts table keeps it too');
  } finally {
    await p.stop();
  }
});

/** Fixture F with the organization's alert level switches set. */
function withAlertLevels(levels: Record<string, boolean>): TenantFixture {
  const f = structuredClone(acceptanceFixtureF());
  Object.assign(f.dataverse.organizations![0]!, levels);
  return f;
}

test('Alerts where admins look: repeats of the same code fold into one row with the count and the last text', async () => {
  // Warnings are written only when the organization generates alerts for warnings (off by default).
  const p = await startPipeline(withAlertLevels({ generatealertsforwarnings: true }));
  try {
    for (let n = 1; n <= 3; n++)
      await raiseAlert(p.deps, ALICE_MAILBOX_ID, ALERTS.transientFailure(n, 10, 'Graph answered 503'));
    await raiseAlert(p.deps, ALICE_MAILBOX_ID, ALERTS.recovered());
    const rows = traceLogsOf(p.dataverse.dump(), ALICE_MAILBOX_ID);
    const byCode = new Map(rows.map((r) => [r.errortypedisplay, r]));
    assert.equal(rows.length, 2, 'one row per code');
    const warning = byCode.get('TransientFailure')!;
    assert.equal(warning.level, 2, 'Warning');
    assert.equal(warning.collationlevel, 3, 'raised three times');
    assert.match(String(warning.text), /attempt 3 of 10/, 'the latest text');
    assert.equal(byCode.get('Recovered')!.collationlevel, 1);
    assert.equal((await p.deps.alerts.forMailbox(ALICE_MAILBOX_ID)).length, 4, 'the alerts table keeps each raise');
  } finally {
    await p.stop();
  }
});

test('Alerts where admins look: Dataverse down loses neither the Table Storage alert nor the stage', async () => {
  let down = true;
  const p = await startPipeline(
    requestedForAlice(),
    {},
    {
      dataverseIntercept: (req) => (down && /tracelogs/i.test(req.path) ? { status: 503 } : undefined),
    },
  );
  try {
    const schedule = await runSchedule(p.deps);
    assert.ok(schedule.enqueued.includes(ALICE_MAILBOX_ID), 'the stage went on: the tested mailbox syncs');
    const [kept] = await p.deps.alerts.forMailbox(ALICE_MAILBOX_ID);
    assert.equal(kept?.code, 'TestEnableSucceeded', 'the alerts table has the alert');
    assert.equal(traceLogsOf(p.dataverse.dump(), ALICE_MAILBOX_ID).length, 0);
    down = false;
    await raiseAlert(p.deps, ALICE_MAILBOX_ID, ALERTS.testEnableSucceeded('incoming'));
    assert.equal(traceLogsOf(p.dataverse.dump(), ALICE_MAILBOX_ID).length, 1, 'the next raise writes the row');
  } finally {
    await p.stop();
  }
});

test("Alerts where admins look: the organization's alert levels decide what shows on the mailbox (errors and information by default, warnings when switched on); the operators' table keeps every level", async () => {
  const raiseEach = async (p: Awaited<ReturnType<typeof startPipeline>>) => {
    await raiseAlert(p.deps, ALICE_MAILBOX_ID, ALERTS.notApproved());
    await raiseAlert(p.deps, ALICE_MAILBOX_ID, ALERTS.transientFailure(1, 10, 'Graph answered 503'));
    await raiseAlert(p.deps, ALICE_MAILBOX_ID, ALERTS.recovered());
    const shown = traceLogsOf(p.dataverse.dump(), ALICE_MAILBOX_ID).map((r) => r.errortypedisplay);
    const kept = (await p.deps.alerts.forMailbox(ALICE_MAILBOX_ID)).map((a) => a.code);
    return { shown: shown.sort(), kept: kept.sort() };
  };
  const all = ['NotApproved', 'Recovered', 'TransientFailure'];
  for (const [levels, shown] of [
    [{}, ['NotApproved', 'Recovered']],
    [{ generatealertsforwarnings: true }, all],
    [{ generatealertsforerrors: false, generatealertsforinformation: false }, []],
  ] as const) {
    const p = await startPipeline(withAlertLevels(levels));
    try {
      assert.deepEqual(await raiseEach(p), { shown, kept: all }, JSON.stringify(levels));
    } finally {
      await p.stop();
    }
  }
});
