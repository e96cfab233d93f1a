// How `exsync run` goes on after its first cycle. `--once`: failed mailboxes again when due (5 minutes later,
// as SSS retries) until they sync or are disabled, then each later timeline event in turn; else a tick every
// minute at most until Ctrl+C.
import type { MailboxRegistry } from '../shared/ports';
import type { ScheduleResult } from '../shared/pipeline/schedule';
import { MAX_TRANSIENT_FAILURES } from '../shared/pipeline/health';
import type { ScaledClock } from './clock';
import type { DataDirState } from './data-dir';
import type { EmbeddedHost } from './host';
import type { MailboxSummary } from './summary';
import type { TimelineEvent } from './tenant/fixture';

/** One cycle: due timeline events, the schedule, and the syncs and writes it starts; `true` forces every mailbox. */
export type Cycle = (force: boolean, timelineGroupOnly?: boolean) => Promise<MailboxSummary[]>;

export async function runOnce(o: {
  cycle: Cycle;
  clock: ScaledClock;
  state: DataDirState;
  timeline: TimelineEvent[];
  mailboxes: MailboxRegistry;
  lastSchedule: () => ScheduleResult | undefined;
}): Promise<MailboxSummary[]> {
  const { cycle, clock, state, timeline, mailboxes, lastSchedule } = o;
  const runStart = clock.now().toISOString();
  let summary = await cycle(true);
  // A mailbox that failed is retried when due (5 minutes later, as SSS does) until it syncs or is disabled.
  for (let round = 0; round < 2 * MAX_TRANSIENT_FAILURES; round++) {
    const eligible = new Set([
      ...(lastSchedule()?.enqueued ?? []),
      ...(lastSchedule()?.waiting ?? []).map((w) => w.mailboxId),
    ]);
    const pending = (await mailboxes.list()).filter(
      (m) =>
        eligible.has(m.mailboxId) &&
        m.health.state !== 'disabled' &&
        (!m.health.lastSyncCompletedAt || m.health.lastSyncCompletedAt < runStart),
    );
    if (pending.length === 0) break;
    const next = Math.min(...pending.map((m) => Date.parse(m.health.nextDueAt ?? clock.now().toISOString())));
    if (next > clock.now().getTime()) clock.advance(next - clock.now().getTime());
    summary = summary.concat(await cycle(false));
  }
  // Timeline events after "now" happen while the run goes on: move the clock to each and sync again.
  while (state.timelineApplied < timeline.length) {
    const next = Date.parse(timeline[state.timelineApplied].at);
    const wait = next - clock.now().getTime();
    if (wait > 0) clock.advance(wait);
    summary = summary.concat(await cycle(true, true));
  }
  return summary;
}

export async function runUntilStopped(o: {
  cycle: Cycle;
  clock: ScaledClock;
  out: NodeJS.WritableStream;
  host: EmbeddedHost;
  speed: number;
  syncIntervalSeconds: number;
}): Promise<MailboxSummary[]> {
  const { cycle, clock, out, host, speed, syncIntervalSeconds } = o;
  let stopping = false;
  const onSignal = () => {
    if (stopping) {
      out.write(
        'Stopped at once: writes still queued were not carried out (their items are missing from Dataverse and the ledger; --reset starts over).\n',
      );
      process.exit(130);
    }
    out.write('\nStopping: finishing the writes already queued (Ctrl+C again to stop at once)…\n');
    stopping = true;
    host.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const tickMs = Math.min(60_000, syncIntervalSeconds * 1000);
  const summary = await cycle(true);
  if (!stopping)
    out.write(
      `Checking every ${Math.round(tickMs / 1000)} s for mailboxes that are due (each mailbox every ${syncIntervalSeconds} s, SYNC_INTERVAL_SECONDS${speed === 1 ? '' : `; clock x${speed}`}). Press Ctrl+C to stop.\n`,
    );
  while (!stopping) {
    const wakeAt = Date.now() + clock.toRealMs(tickMs);
    while (!stopping && Date.now() < wakeAt) await new Promise((r) => setTimeout(r, 200));
    if (!stopping) await cycle(false);
  }
  return summary;
}
