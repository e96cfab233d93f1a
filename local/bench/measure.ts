// One side of `exsync bench`: its own Graph and Dataverse simulators with the services' real limits, on a
// clock that runs in real time while work is in flight and jumps over idle time (and over Retry-After waits).
// Phase 1 takes in the tenant's mailboxes as they are (throughput); phase 2 delivers mail over clock time
// while the side syncs on its own timer (latency, idle cost).
import type { ScaledClock } from '../clock';
import { ScaledClock as Clock } from '../clock';
import { startGraphSimulator } from '../sim/graph';
import { startDataverseSimulator } from '../sim/dataverse';
import type { TenantFixture } from '../tenant/fixture';
import type { LivePlan } from './arrivals';
import { usageSince } from './cost';
import type { AzureUsage } from './ours';

export interface BenchSide {
  /** One timer tick: whatever is due is synced and written before it returns. */
  tick(): Promise<void>;
  /** Clock ms between two ticks (ours: the product's one-minute timer). */
  tickMs: number;
  /** Clock ms until the side hears of a message delivered now (Graph's notification delay; 0 when it polls). */
  onArrival(mailbox: string): number;
  /** Items decided so far. */
  decided(): Promise<number>;
  /** What Azure would bill, counted so far (ours only). */
  usage?: AzureUsage;
  close(): Promise<void>;
}

export interface DataverseUse {
  requests: number;
  /** Operations that wrote (creates, updates, associations), inside $batch or alone. */
  writeOperations: number;
  /** All operations (a $batch counts its parts; a plain request counts one). */
  operations: number;
  throttled: number;
}

export interface SideRun {
  backlog: { items: number; clockMs: number; cpuMicros: number; dataverse: DataverseUse; graph429s: number };
  live: { items: number; clockMs: number };
  dataverseRequests: number;
  /** Per arrival that became a row: clock ms from delivery to row, and the notification delay in it. */
  latencies: { totalMs: number; notificationMs: number }[];
  idleGraphRequests: number;
  idleMailboxHours: number;
  peakRssBytes: number;
  /** What Azure would bill for the live phase (ours only). */
  liveUsage?: AzureUsage;
}

function dataverseUse(stats: { requests: number; byRoute: Record<string, number>; throttled: Record<string, number> }) {
  let writeOperations = 0;
  let operations = 0;
  for (const [route, n] of Object.entries(stats.byRoute)) {
    if (route === 'POST $batch') continue;
    operations += n;
    if (!route.startsWith('GET ')) writeOperations += n;
  }
  const throttled = Object.values(stats.throttled).reduce((a, b) => a + b, 0);
  return { requests: stats.requests, writeOperations, operations, throttled };
}

const minus = (a: DataverseUse, b: DataverseUse): DataverseUse => ({
  requests: a.requests - b.requests,
  writeOperations: a.writeOperations - b.writeOperations,
  operations: a.operations - b.operations,
  throttled: a.throttled - b.throttled,
});

export async function measureSide(
  tenant: TenantFixture,
  plan: LivePlan,
  o: { liveMs: number; tailMs: number },
  start: (env: { graphUrl: string; dataverseUrl: string; clock: ScaledClock }) => Promise<BenchSide>,
): Promise<SideRun> {
  const clock = new Clock(new Date(tenant.now ?? Date.now()), 1);
  clock.virtualWaits = true;
  const idle = new Set(plan.idle);
  let idleRequests = 0;
  let counting = false;
  const graph = await startGraphSimulator({
    tenant,
    clock,
    limits: 'real',
    intercept: (r) => void (counting && r.mailbox && idle.has(r.mailbox.toLowerCase()) && idleRequests++),
  });
  const dv = await startDataverseSimulator({ tenant, clock, limits: 'real' });
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  let side: BenchSide | undefined;
  try {
    side = await start({ graphUrl: graph.baseUrl, dataverseUrl: dv.baseUrl, clock });
    const t0 = clock.now().getTime();
    const cpu0 = process.cpuUsage();
    const dv0 = dataverseUse(dv.stats());
    const graph429s = () => graph.stats().throttled.concurrency + graph.stats().throttled.window;
    const g0 = graph429s();
    await side.tick();
    const cpu = process.cpuUsage(cpu0);
    const backlogItems = await side.decided();
    const backlog = {
      items: backlogItems,
      clockMs: clock.now().getTime() - t0,
      cpuMicros: cpu.user + cpu.system,
      dataverse: minus(dataverseUse(dv.stats()), dv0),
      graph429s: graph429s() - g0,
    };
    // Live: arrivals at their instants, the side's timer every minute, idle time skipped.
    const liveStart = clock.now().getTime();
    const usage0 = side.usage ? { ...side.usage } : undefined;
    const end = liveStart + o.liveMs + o.tailMs;
    const delivered = new Map<string, { at: number; notificationMs: number }>();
    let nextTick = liveStart + side.tickMs;
    let i = 0;
    counting = true;
    for (;;) {
      const now = clock.now().getTime();
      while (i < plan.arrivals.length && liveStart + plan.arrivals[i].offsetMs <= now) {
        const a = plan.arrivals[i++];
        graph.deliver(a.mailbox, 'inbox', { ...a.message, receivedDateTime: new Date(now).toISOString() });
        delivered.set(a.message.internetMessageId!.toLowerCase(), {
          at: now,
          notificationMs: side.onArrival(a.mailbox),
        });
      }
      if (now >= end) break;
      if (now >= nextTick) {
        await side.tick();
        nextTick += side.tickMs;
        continue;
      }
      const nextArrival = i < plan.arrivals.length ? liveStart + plan.arrivals[i].offsetMs : Infinity;
      clock.advance(Math.max(0, Math.min(nextArrival, nextTick, end) - now));
    }
    counting = false;
    const liveClockMs = clock.now().getTime() - liveStart;
    const latencies: SideRun['latencies'] = [];
    for (const row of dv.dump().emails ?? []) {
      const key = typeof row.messageid === 'string' ? row.messageid.toLowerCase() : '';
      const d = delivered.get(key);
      if (d && typeof row.createdon === 'string')
        latencies.push({ totalMs: Date.parse(row.createdon) - d.at, notificationMs: d.notificationMs });
    }
    return {
      backlog,
      live: { items: (await side.decided()) - backlogItems, clockMs: liveClockMs },
      dataverseRequests: dv.stats().requests,
      latencies,
      idleGraphRequests: idleRequests,
      idleMailboxHours: (idle.size * liveClockMs) / 3_600_000,
      peakRssBytes: peak,
      ...(side.usage && usage0 ? { liveUsage: usageSince(side.usage, usage0) } : {}),
    };
  } finally {
    clearInterval(sampler);
    await side?.close();
    await Promise.all([graph.close(), dv.close()]);
  }
}
