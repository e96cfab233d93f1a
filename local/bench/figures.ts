// The figures `exsync bench` prints for each side, from what measure.ts recorded (docs/cli.md says what each
// one means). Rates are per second of the run's clock, which jumps over idle time and Retry-After waits.
import { REAL_LIMITS } from '../sim/dataverse';
import type { DataverseUse, SideRun } from './measure';

export interface SideFigures {
  addedLatencyP50Ms: number | null;
  addedLatencyP95Ms: number | null;
  endToEndP95Ms: number | null;
  emailsPerSecond: number;
  dataverseBudgetShare: number;
  dataverseRequestsPer100Items: number | null;
  graphRequestsPerIdleMailboxHour: number | null;
  cpuMicrosPerEmail: number;
  peakRssMiB: number;
  /** Arrivals that became a Dataverse row, which the latencies are taken over. */
  latencySamples: number;
  /** CPU of the whole process (simulators included) per email taken in on the backlog. */
  processCpuMicrosPerEmail: number | null;
  /** 429s Dataverse and Graph answered, on the backlog. */
  dataverse429s: number;
  graph429s: number;
}

/** Nearest-rank percentile; null without samples. */
export function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * Writes' share of the service-protection budget over `clockMs`: of the two window limits (requests, execution
 * time), the one writes used more of. A request's share that is writes is its write operations over all.
 */
export function budgetShare(use: DataverseUse, clockMs: number): number {
  const L = REAL_LIMITS;
  const windows = Math.max(clockMs, 1) / (L.windowSeconds * 1000);
  const writeRequests = use.operations ? use.requests * (use.writeOperations / use.operations) : 0;
  const byRequests = writeRequests / (L.requests * windows);
  const byTime = (use.writeOperations * L.costMsPerOperation) / (L.executionMs * windows);
  return Number(Math.min(1, Math.max(byRequests, byTime)).toFixed(3));
}

const round = (v: number | null, digits = 0): number | null => (v === null ? null : Number(v.toFixed(digits)));

export function sideFigures(run: SideRun, cpuMicrosPerEmail: number): SideFigures {
  const added = run.latencies.map((l) => l.totalMs - l.notificationMs);
  const items = run.backlog.items + run.live.items;
  return {
    addedLatencyP50Ms: percentile(added, 50),
    addedLatencyP95Ms: percentile(added, 95),
    endToEndP95Ms: percentile(
      run.latencies.map((l) => l.totalMs),
      95,
    ),
    emailsPerSecond: Number((run.backlog.items / (Math.max(run.backlog.clockMs, 1) / 1000)).toFixed(1)),
    dataverseBudgetShare: budgetShare(run.backlog.dataverse, run.backlog.clockMs),
    dataverseRequestsPer100Items: items ? round((100 * run.dataverseRequests) / items, 1) : null,
    graphRequestsPerIdleMailboxHour: run.idleMailboxHours
      ? round(run.idleGraphRequests / run.idleMailboxHours, 1)
      : null,
    cpuMicrosPerEmail,
    peakRssMiB: Math.round(run.peakRssBytes / 1024 / 1024),
    latencySamples: run.latencies.length,
    processCpuMicrosPerEmail: run.backlog.items ? round(run.backlog.cpuMicros / run.backlog.items, 1) : null,
    dataverse429s: run.backlog.dataverse.throttled,
    graph429s: run.backlog.graph429s,
  };
}
