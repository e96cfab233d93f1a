// `exsync bench`: ours and a naive SSS-like baseline, one after the other in this process, each against its
// own simulators of the same generated tenant with the services' real limits on; then the schedule at 10,000
// mailboxes. The JSON is `{ "ours": {…}, "baseline": {…} }`; the two figures that concern ours alone are in ours.
import { demoTenant } from '../tenant/demo';
import { engineBenchmark } from '../bench-engine';
import { livePlan } from './arrivals';
import { NaiveBaseline, baselineMicrosPerEmail } from './baseline';
import { azureUsdPer1000MailboxesPerMonth } from './cost';
import { measureSide } from './measure';
import { startOurs } from './ours';
import { sideFigures, type SideFigures } from './figures';
import { timeSchedule } from './schedule-scale';

export interface BenchOptions {
  mailboxes: number;
  messagesPerMailbox: number;
  /** Live arrivals per active mailbox, spread over `liveMinutes` of clock time. */
  arrivalsPerMailbox?: number;
  liveMinutes?: number;
  /** Mailboxes in the schedule timing; 0 leaves it out (null). */
  scheduleMailboxes?: number;
}

export interface BenchResult {
  ours: SideFigures & { scheduleMillisFor10kMailboxes: number | null; azureUsdPer1000MailboxesPerMonth: number };
  baseline: SideFigures;
}

/** After the last arrival the sides go on for this long, so the slowest poller (12 minutes) finds it. */
const TAIL_MS = 15 * 60_000;

export async function runBench(o: BenchOptions, progress: (line: string) => void = () => undefined) {
  const tenant = demoTenant({ mailboxes: o.mailboxes, messagesPerMailbox: o.messagesPerMailbox });
  const liveMs = (o.liveMinutes ?? 60) * 60_000;
  const plan = livePlan(tenant, o.arrivalsPerMailbox ?? 10, liveMs);
  const mailboxes = (tenant.dataverse.mailboxes ?? []).map((m) => String(m.emailaddress).toLowerCase());

  progress('baseline: polling every 5 minutes, one Dataverse request per item…');
  const base = await measureSide(tenant, plan, { liveMs, tailMs: TAIL_MS }, async (env) => {
    const b = new NaiveBaseline({ ...env, mailboxes });
    let seen = 0;
    return {
      tick: async () => void (seen += await b.tick()),
      tickMs: 15_000, // it looks for due mailboxes often, so each is polled close to 5 minutes after the last
      onArrival: () => 0,
      decided: async () => seen,
      close: async () => undefined,
    };
  });
  progress('ours: the pipeline, as `exsync run` runs it…');
  const ours = await measureSide(tenant, plan, { liveMs, tailMs: TAIL_MS }, (env) => startOurs(env));
  const scheduleN = o.scheduleMailboxes ?? 10_000;
  if (scheduleN) progress(`schedule: one tick over ${scheduleN.toLocaleString('en-US')} mailboxes…`);
  const schedule = scheduleN ? await timeSchedule(scheduleN) : undefined;
  const liveHours = ours.live.clockMs / 3_600_000;
  const result: BenchResult = {
    ours: {
      ...sideFigures(ours, (await engineBenchmark(tenant)).microsPerItem),
      scheduleMillisFor10kMailboxes: schedule ? schedule.dueTickMs : null,
      azureUsdPer1000MailboxesPerMonth: ours.liveUsage
        ? azureUsdPer1000MailboxesPerMonth(ours.liveUsage, mailboxes.length, liveHours)
        : 0,
    },
    baseline: sideFigures(base, baselineMicrosPerEmail(tenant)),
  };
  return { result, schedule, plan: { arrivals: plan.arrivals.length, idleMailboxes: plan.idle.length } };
}
