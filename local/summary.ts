// What `exsync run` shows a person: progress lines while mailboxes sync, and a summary per mailbox at
// the end of each cycle (seen, promoted, failed and skipped by reason, time, how to explain a failure), or
// when the next mailbox is due when none was.
import type { Decision } from '../shared/domain/activity';
import type { LogProps } from '../shared/ports';
import type { LogSink } from '../shared/log';

export interface MailboxSummary {
  mailbox: string;
  seen: number;
  promoted: number;
  failed: number;
  failedBy: Record<string, number>;
  /** The Exchange item ids of failed items, for `exsync explain --item` (an item may have no Message-ID). */
  failedItems: { graphId: string; reason: string }[];
  skipped: Record<string, number>;
  ms: number;
}

export function summarize(decisions: Decision[], timings: Map<string, number>): MailboxSummary[] {
  const by = new Map<string, MailboxSummary>();
  for (const d of decisions) {
    const s = by.get(d.mailboxId) ?? {
      mailbox: d.mailbox,
      seen: 0,
      promoted: 0,
      failed: 0,
      failedBy: {},
      failedItems: [],
      skipped: {},
      ms: timings.get(d.mailboxId) ?? 0,
    };
    s.seen++;
    if (d.outcome === 'promoted' || d.outcome === 'updated') s.promoted++;
    else if (d.outcome === 'failed') {
      s.failed++;
      s.failedBy[d.reason] = (s.failedBy[d.reason] ?? 0) + 1;
      s.failedItems.push({ graphId: d.graphId, reason: d.reason });
    } else s.skipped[d.reason] = (s.skipped[d.reason] ?? 0) + 1;
    by.set(d.mailboxId, s);
  }
  return [...by.values()].sort((a, b) => a.mailbox.localeCompare(b.mailbox));
}

/** Failed items listed with their explain command; beyond this, --dump has them all. */
const FAILED_SHOWN = 5;

const byCount = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

export function formatSummary(rows: MailboxSummary[], showAddresses: boolean): string {
  if (rows.length === 0) return 'Nothing new: every mailbox is up to date.';
  const name = (r: MailboxSummary, i: number) => (showAddresses ? r.mailbox : `mailbox ${i + 1}`);
  const lines = rows.map((r, i) => {
    const failed = byCount(r.failedBy);
    const skipped = byCount(r.skipped);
    return `  ${name(r, i).padEnd(28)} seen ${String(r.seen).padStart(5)}  promoted ${String(r.promoted).padStart(5)}  failed ${String(r.failed).padStart(3)}  ${(r.ms / 1000).toFixed(1).padStart(6)} s${failed ? `  failed: ${failed}` : ''}${skipped ? `  skipped: ${skipped}` : ''}`;
  });
  const total = rows.reduce((a, r) => ({ seen: a.seen + r.seen, promoted: a.promoted + r.promoted }), {
    seen: 0,
    promoted: 0,
  });
  const failedItems = rows.flatMap((r, i) => r.failedItems.map((f) => ({ ...f, mailbox: name(r, i) })));
  const explain =
    failedItems.length === 0
      ? []
      : [
          `Why ${failedItems.length === 1 ? 'the item' : 'each item'} failed (an item may have no Message-ID, so by its Exchange item id):`,
          ...failedItems
            .slice(0, FAILED_SHOWN)
            .map((f) => `  exsync explain --item ${f.graphId}   (${f.mailbox}, ${f.reason})`),
          ...(failedItems.length > FAILED_SHOWN
            ? [`  … and ${failedItems.length - FAILED_SHOWN} more (--dump lists every decision with its graphId)`]
            : []),
        ];
  return [
    `Summary (${rows.length} mailbox(es), ${total.seen} item(s) seen, ${total.promoted} promoted):`,
    ...lines,
    ...explain,
  ].join('\n');
}

/** When no mailbox was due: when the next one is, on the run's clock. */
export function formatNothingDue(waiting: { dueAt: string }[], now: Date, clockSpeed: number): string {
  if (waiting.length === 0)
    return 'No mailbox is due, and none is waiting: every mailbox is disabled, not approved or not synced by server-side sync.';
  const next = Math.min(...waiting.map((w) => Date.parse(w.dueAt)));
  const seconds = Math.max(0, Math.round((next - now.getTime()) / 1000));
  const clock = clockSpeed === 1 ? '' : ` on the run's clock, x${clockSpeed}`;
  return `No mailbox is due yet: the next is due at ${new Date(next).toISOString().slice(11, 19)} UTC (in ${seconds} s${clock}).`;
}

/** Turns stage events into progress lines and per-mailbox timings; everything also goes to `next`. */
export function progressSink(
  out: NodeJS.WritableStream,
  next: LogSink,
  quiet: boolean,
): { sink: LogSink; timings: Map<string, number> } {
  const started = new Map<string, number>();
  const timings = new Map<string, number>();
  let decided = 0;
  const sink: LogSink = (level, event, props?: LogProps) => {
    next(level, event, props);
    const id = String(props?.mailboxId ?? '');
    if (event === 'sync.start' && !started.has(id)) started.set(id, Date.now());
    if (event === 'sync.done' && started.has(id)) timings.set(id, Date.now() - started.get(id)!);
    if (quiet) return;
    if (event === 'write.done') {
      decided += Number(props?.decisions ?? 0);
      out.write(`  … ${decided} item(s) decided\n`);
    }
    if (level === 'error') out.write(`  ! ${event}${props?.reason ? `: ${props.reason}` : ''}\n`);
  };
  return { sink, timings };
}
