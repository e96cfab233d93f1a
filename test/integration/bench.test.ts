// Issue point "`exsync bench`": on a tiny run, the JSON has every figure on both sides and each one means what
// docs/cli.md says; the naive SSS-like baseline costs one Dataverse request per item and one Graph request per
// folder and poll. No figure is held to a threshold: timings vary with the machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runBench } from '../../local/bench';
import { NaiveBaseline } from '../../local/bench/baseline';
import { ScaledClock } from '../../local/clock';
import { startGraphSimulator } from '../../local/sim/graph';
import { startDataverseSimulator } from '../../local/sim/dataverse';
import { demoTenant } from '../../local/tenant/demo';

const SIDE_FIELDS = [
  'addedLatencyP50Ms',
  'addedLatencyP95Ms',
  'endToEndP95Ms',
  'emailsPerSecond',
  'dataverseBudgetShare',
  'dataverseRequestsPer100Items',
  'graphRequestsPerIdleMailboxHour',
  'cpuMicrosPerEmail',
  'peakRssMiB',
];
const OURS_ONLY = ['scheduleMillisFor10kMailboxes', 'azureUsdPer1000MailboxesPerMonth'];

test('exsync bench: { ours, baseline } carry every figure, and each means what it says, on a tiny run', async () => {
  const { result, plan, schedule } = await runBench({
    mailboxes: 3,
    messagesPerMailbox: 10,
    arrivalsPerMailbox: 3,
    liveMinutes: 10,
    scheduleMailboxes: 20,
  });
  assert.deepEqual(Object.keys(result).sort(), ['baseline', 'ours']);
  for (const f of [...SIDE_FIELDS, ...OURS_ONLY]) assert.equal(typeof result.ours[f as never], 'number', `ours.${f}`);
  for (const f of SIDE_FIELDS) assert.equal(typeof result.baseline[f as never], 'number', `baseline.${f}`);
  for (const f of OURS_ONLY) assert.ok(!(f in result.baseline), `${f} is given once, in ours`);

  for (const side of [result.ours, result.baseline]) {
    // Every arrival became a row on both sides, and the latencies are taken over exactly those.
    assert.equal(side.latencySamples, plan.arrivals);
    assert.ok(side.addedLatencyP50Ms! > 0 && side.addedLatencyP50Ms! <= side.addedLatencyP95Ms!);
    assert.ok(side.addedLatencyP95Ms! <= side.endToEndP95Ms!, 'added = end to end minus the notification delay');
    assert.ok(side.dataverseBudgetShare > 0 && side.dataverseBudgetShare <= 1);
    assert.ok(side.emailsPerSecond > 0 && side.cpuMicrosPerEmail > 0 && side.peakRssMiB > 0);
    assert.ok(side.graphRequestsPerIdleMailboxHour! > 0, 'an idle mailbox still costs its polls');
  }
  // The baseline: one Dataverse request per item, nothing else.
  assert.equal(result.baseline.dataverseRequestsPer100Items, 100);
  assert.ok(result.ours.dataverseRequestsPer100Items! > 0);
  assert.equal(schedule?.enqueued, 20);
  // At least the Service Bus Standard base charge (0.0135 USD an hour, 730 hours).
  assert.ok(result.ours.azureUsdPer1000MailboxesPerMonth >= 9.85);
});

test('exsync bench: the baseline makes one Dataverse request per item, and one Graph request per folder when idle', async () => {
  const tenant = demoTenant({ mailboxes: 2, messagesPerMailbox: 15 });
  const clock = new ScaledClock(new Date(tenant.now!), 1);
  clock.virtualWaits = true;
  const graph = await startGraphSimulator({ tenant, clock });
  const dv = await startDataverseSimulator({ tenant, clock });
  try {
    const mailboxes = (tenant.dataverse.mailboxes ?? []).map((m) => String(m.emailaddress).toLowerCase());
    const emailsBefore = (dv.dump().emails ?? []).length;
    const b = new NaiveBaseline({ graphUrl: graph.baseUrl, dataverseUrl: dv.baseUrl, clock, mailboxes });
    const seen = await b.tick();
    assert.ok(seen > 0);
    assert.equal(dv.stats().requests, seen, 'one request per item');
    assert.deepEqual(Object.keys(dv.stats().byRoute), ['POST emails']);
    assert.ok((dv.dump().emails ?? []).length - emailsBefore <= seen, 'a copy seen twice is not written twice');

    // Within 5 minutes of the last cycle nothing is due; after them, idle mailboxes cost a delta read per folder.
    const graphBefore = graph.stats().requests;
    assert.equal(await b.tick(), 0);
    assert.equal(graph.stats().requests, graphBefore);
    clock.advance(5 * 60_000);
    assert.equal(await b.tick(), 0);
    assert.equal(graph.stats().requests - graphBefore, 2 * mailboxes.length);
    assert.equal(dv.stats().requests, seen, 'no Dataverse request without an item');
  } finally {
    await Promise.all([graph.close(), dv.close()]);
  }
});
