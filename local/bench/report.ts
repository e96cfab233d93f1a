// The text form of `exsync bench`: ours and the baseline side by side, one figure a line.
import type { BenchResult } from './index';

const LABELS: [keyof BenchResult['ours'], string][] = [
  ['addedLatencyP50Ms', 'added latency p50 (ms)'],
  ['addedLatencyP95Ms', 'added latency p95 (ms)'],
  ['endToEndP95Ms', 'end to end p95 (ms)'],
  ['latencySamples', 'arrivals that became rows'],
  ['emailsPerSecond', 'emails per second (backlog)'],
  ['dataverseBudgetShare', 'Dataverse budget share of writes'],
  ['dataverse429s', 'Dataverse 429s (backlog)'],
  ['graph429s', 'Graph 429s (backlog)'],
  ['dataverseRequestsPer100Items', 'Dataverse requests per 100 items'],
  ['graphRequestsPerIdleMailboxHour', 'Graph requests per idle mailbox hour'],
  ['cpuMicrosPerEmail', 'CPU per email, apart from I/O (µs)'],
  ['processCpuMicrosPerEmail', 'process CPU per email (µs)'],
  ['peakRssMiB', 'peak memory (MiB)'],
  ['scheduleMillisFor10kMailboxes', 'schedule tick, 10,000 mailboxes (ms)'],
  ['azureUsdPer1000MailboxesPerMonth', 'Azure USD per 1,000 mailboxes a month'],
];

const show = (v: number | null | undefined): string =>
  v === undefined ? '' : v === null ? '–' : v.toLocaleString('en-US');

export function formatBench(r: BenchResult): string {
  const rows = LABELS.map(([key, label]) => {
    const ours = show(r.ours[key]);
    const base = key in r.baseline ? show(r.baseline[key as keyof BenchResult['baseline']]) : '';
    return `  ${label.padEnd(40)} ${ours.padStart(12)}   ${base.padStart(12)}`;
  });
  return [`  ${''.padEnd(40)} ${'ours'.padStart(12)}   ${'baseline'.padStart(12)}`, ...rows].join('\n');
}
