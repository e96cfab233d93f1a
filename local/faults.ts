// `--faults SPEC`: seeded, reproducible faults injected by the simulators and the Table Storage fault proxy.
// e.g. seed=7,graph.quota=1,graph.429=0.2,graph.5xx=0.05,graph.410=0.02,graph.latency=20ms,dataverse.429=0.2,dataverse.5xx=0.05,
// tables.5xx=0.05,dataverse.down=20+120 (an outage window: seconds on the run's clock, start + duration)
export interface FaultSpec {
  seed: number;
  rates: Partial<Record<FaultKind, number>>;
  /** Real milliseconds added to every request the simulator serves (`graph.latency=20ms`; `s` and bare ms also read). */
  latencyMs: Partial<Record<LatencyKind, number>>;
  /** Outage windows per system, in milliseconds from the run's start: every request inside one fails with 503. */
  outages: Partial<Record<OutageSystem, OutageWindow[]>>;
}
export const FAULT_KINDS = [
  'graph.429',
  'graph.5xx',
  'graph.410',
  'graph.quota',
  'dataverse.429',
  'dataverse.5xx',
  'tables.5xx',
  'crash',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export const LATENCY_KINDS = ['graph.latency', 'dataverse.latency'] as const;
export type LatencyKind = (typeof LATENCY_KINDS)[number];
export const OUTAGE_SYSTEMS = ['graph', 'dataverse', 'tables'] as const;
export type OutageSystem = (typeof OUTAGE_SYSTEMS)[number];
export interface OutageWindow {
  startMs: number;
  durationMs: number;
}
/** Longest latency accepted: beyond it a request would outlast the clients' own timeouts. */
const MAX_LATENCY_MS = 60_000;

/** `20ms`, `1.5s` or `20` (milliseconds) -> milliseconds; undefined when not a duration. */
export function parseLatency(v: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(v.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * (m[2] === 's' ? 1000 : 1));
}

/** `20+120` (seconds: start, then duration) -> a window; a problem text naming the bad part otherwise. */
export function parseOutage(v: string): OutageWindow | string {
  const m = /^([^+]*)\+([^+]*)$/.exec(v.trim());
  if (!m) return `"${v}" is not <start>+<duration> in seconds, e.g. 20+120`;
  const seconds = (x: string) => (/^\d+(\.\d+)?$/.test(x.trim()) ? Number(x) : undefined);
  const start = seconds(m[1]);
  const duration = seconds(m[2]);
  const problems: string[] = [];
  if (start === undefined) problems.push(`start "${m[1]}" is not a number of seconds >= 0`);
  if (duration === undefined || duration <= 0) problems.push(`duration "${m[2]}" is not a number of seconds > 0`);
  if (problems.length) return `"${v}": ${problems.join(', ')}`;
  return { startMs: Math.round(start! * 1000), durationMs: Math.round(duration! * 1000) };
}

export function parseFaults(spec: string): FaultSpec {
  const out: FaultSpec = { seed: 1, rates: {}, latencyMs: {}, outages: {} };
  const problems: string[] = [];
  for (const part of spec
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [k, v] = part.split('=');
    if (!k || v === undefined) {
      problems.push(`"${part}" is not key=value`);
      continue;
    }
    if (k === 'seed') {
      if (!/^\d+$/.test(v)) problems.push(`seed: "${v}" is not a whole number`);
      else out.seed = Number(v);
    } else if ((FAULT_KINDS as readonly string[]).includes(k)) {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0 || n > 1) problems.push(`${k}: "${v}" is not a rate between 0 and 1`);
      else out.rates[k as FaultKind] = n;
    } else if ((LATENCY_KINDS as readonly string[]).includes(k)) {
      const ms = parseLatency(v);
      if (ms === undefined || ms > MAX_LATENCY_MS)
        problems.push(`${k}: "${v}" is not a duration up to ${MAX_LATENCY_MS / 1000} s, e.g. 20ms`);
      else out.latencyMs[k as LatencyKind] = ms;
    } else if (k.endsWith('.down') && (OUTAGE_SYSTEMS as readonly string[]).includes(k.slice(0, -'.down'.length))) {
      const w = parseOutage(v);
      if (typeof w === 'string') problems.push(`${k}: ${w}`);
      else (out.outages[k.slice(0, -'.down'.length) as OutageSystem] ??= []).push(w);
    } else
      problems.push(
        `${k}: unknown fault (known: seed, ${[...FAULT_KINDS, ...LATENCY_KINDS, ...OUTAGE_SYSTEMS.map((x) => `${x}.down`)].join(', ')})`,
      );
  }
  if (problems.length) throw new Error(`Invalid --faults: ${problems.join('; ')}`);
  return out;
}

/** Mulberry32: small, seeded, good enough to spread faults reproducibly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface InjectedCounts {
  [kind: string]: number;
}

/**
 * Whether a system is inside one of its outage windows now. The windows count from `start()`, the run's
 * start on its clock; until the run has started nothing is down.
 */
export function outageClock(f: FaultSpec, clock: { now(): Date }, start: () => number | undefined) {
  return (system: OutageSystem): boolean => {
    const zero = start();
    if (zero === undefined) return false;
    const t = clock.now().getTime() - zero;
    return (f.outages[system] ?? []).some((w) => t >= w.startMs && t < w.startMs + w.durationMs);
  };
}
export type IsDown = ReturnType<typeof outageClock>;
const notDown: IsDown = () => false;

const count = (counts: InjectedCounts, k: string) => (counts[k] = (counts[k] ?? 0) + 1);

export function graphIntercept(f: FaultSpec, counts: InjectedCounts, down: IsDown = notDown) {
  const rnd = seededRandom(f.seed);
  return (req: { path: string; search?: string; method?: string }) => {
    if (down('graph'))
      return (
        count(counts, 'graph.down'),
        { status: 503, body: { error: { code: 'ServiceUnavailable', message: 'Service unavailable.' } } }
      );
    const hit = (k: FaultKind) =>
      (f.rates[k] ?? 0) > 0 && rnd() < f.rates[k]! && ((counts[k] = (counts[k] ?? 0) + 1), true);
    if (/\$(skiptoken|deltatoken)=/.test(`${req.path}${req.search ?? ''}`) && hit('graph.410'))
      return {
        status: 410,
        body: { error: { code: 'SyncStateNotFound', message: 'The sync state generation is not found.' } },
      };
    // Creating or sending mail while the mailbox is over its storage quota (Exchange's 403 ErrorQuotaExceeded).
    if (req.method === 'POST' && /\/(messages|send|sendMail)$/.test(req.path) && hit('graph.quota'))
      return {
        status: 403,
        body: { error: { code: 'ErrorQuotaExceeded', message: 'The mailbox has exceeded its size quota.' } },
      };
    if (hit('graph.429'))
      return {
        status: 429,
        headers: { 'Retry-After': '2.5' },
        body: { error: { code: 'ApplicationThrottled', message: 'Application is over its MailboxConcurrency limit.' } },
      };
    if (hit('graph.5xx'))
      return { status: 503, body: { error: { code: 'ServiceUnavailable', message: 'Service unavailable.' } } };
    return undefined;
  };
}

export function dataverseIntercept(f: FaultSpec, counts: InjectedCounts, down: IsDown = notDown) {
  const rnd = seededRandom(f.seed + 1);
  return () => {
    if (down('dataverse'))
      return (
        count(counts, 'dataverse.down'),
        { status: 503, body: { error: { code: '0x80040216', message: 'Service unavailable.' } } }
      );
    const hit = (k: FaultKind) =>
      (f.rates[k] ?? 0) > 0 && rnd() < f.rates[k]! && ((counts[k] = (counts[k] ?? 0) + 1), true);
    if (hit('dataverse.429'))
      return {
        status: 429,
        headers: { 'Retry-After': '5' },
        body: {
          error: {
            code: '0x80072322',
            message: 'Number of requests exceeded the limit of 6000 over time window of 300 seconds.',
          },
        },
      };
    if (hit('dataverse.5xx'))
      return { status: 503, body: { error: { code: '0x80040216', message: 'Service unavailable.' } } };
    return undefined;
  };
}

/** Table Storage (the fault proxy in front of Azurite): true when this request is to fail with 503. */
export function tablesFault(f: FaultSpec, counts: InjectedCounts, down: IsDown = notDown): () => boolean {
  const rnd = seededRandom(f.seed + 3);
  const rate = f.rates['tables.5xx'] ?? 0;
  return () => {
    if (down('tables')) return (count(counts, 'tables.down'), true);
    return rate > 0 && rnd() < rate && (count(counts, 'tables.5xx'), true);
  };
}

/** Whether the run needs the Table Storage fault proxy at all. */
export const faultsTables = (f: FaultSpec | undefined): boolean =>
  !!f && ((f.rates['tables.5xx'] ?? 0) > 0 || (f.outages.tables ?? []).length > 0);
