// What `exsync run` shows a person: progress lines while mailboxes sync, and a summary per mailbox at
// the end of each cycle (seen, promoted, skipped by reason, time).
import type { Decision } from '../shared/domain/activity';
import type { LogProps } from '../shared/ports';
import type { LogSink } from '../shared/log';

export interface MailboxSummary {
  mailbox: string;
  seen: number;
  promoted: number;
  failed: number;
  skipped: Record<string, number>;
  ms: number;
}

export function summarize(decisions: Decision[], timings: Map<string, number>): MailboxSummary[] {
  const by = new Map<string, MailboxSummary>();
  for (const d of decisions) {
    const s = by.get(d.mailboxId) ?? { mailbox: d.mailbox, seen: 0, promoted: 0, failed: 0, skipped: {}, ms: timings.get(d.mailboxId) ?? 0 };
    s.seen++;
    if (d.outcome === 'promoted' || d.outcome === 'updated') s.promoted++;
    else if (d.outcome === 'failed') s.failed++;
    else s.skipped[d.reason] = (s.skipped[d.reason] ?? 0) + 1;
    by.set(d.mailboxId, s);
  }
  return [...by.values()].sort((a, b) => a.mailbox.localeCompare(b.mailbox));
}

export function formatSummary(rows: MailboxSummary[], showAddresses: boolean): string {
  if (rows.length === 0) return 'Nothing new: every mailbox is up to date.';
  const name = (r: MailboxSummary, i: number) => (showAddresses ? r.mailbox : `mailbox ${i + 1}`);
  const lines = rows.map((r, i) => {
    const skipped = Object.entries(r.skipped).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
    return `  ${name(r, i).padEnd(28)} seen ${String(r.seen).padStart(5)}  promoted ${String(r.promoted).padStart(5)}  failed ${String(r.failed).padStart(3)}  ${(r.ms / 1000).toFixed(1).padStart(6)} s${skipped ? `  skipped: ${skipped}` : ''}`;
  });
  const total = rows.reduce((a, r) => ({ seen: a.seen + r.seen, promoted: a.promoted + r.promoted }), { seen: 0, promoted: 0 });
  return [`Summary (${rows.length} mailbox(es), ${total.seen} item(s) seen, ${total.promoted} promoted):`, ...lines].join('\n');
}

/** Turns stage events into progress lines and per-mailbox timings; everything also goes to `next`. */
export function progressSink(out: NodeJS.WritableStream, next: LogSink, quiet: boolean): { sink: LogSink; timings: Map<string, number> } {
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
