// The status page's shadow section: the shadow report (shadow-report.ts, the one `exsync shadow report` prints)
// as the page shows it: totals, agreement and disagreement by reason, and each disagreement's explanation.
import type { ShadowReport } from './shadow-report';
import { shadowReport } from './shadow-report';
import type { ShadowSummary, StatusSources } from './status';
import { formatExplanation } from './explain-text';
import { maskPersonalText } from '../log';

/** The report as the page's summary; undefined while no mailbox has decided anything in shadow mode. */
export function shadowSummary(r: ShadowReport, showPersonal: boolean): ShadowSummary | undefined {
  if (r.mailboxes.length === 0) return undefined;
  const text = (s: string) => (showPersonal ? s : maskPersonalText(s));
  const byReason = new Map<string, { reason: string; agreed: number; disagreed: number }>();
  const row = (reason: string) => byReason.get(reason) ?? { reason, agreed: 0, disagreed: 0 };
  for (const a of r.agreement) byReason.set(a.reason, { ...row(a.reason), agreed: row(a.reason).agreed + a.count });
  for (const d of r.disagreements) byReason.set(d.reason, { ...row(d.reason), disagreed: row(d.reason).disagreed + 1 });
  return {
    mailboxes: r.mailboxes.length,
    agreed: r.agreed,
    disagreed: r.disagreed,
    byReason: [...byReason.values()].sort((a, b) => a.reason.localeCompare(b.reason)),
    disagreements: r.disagreements.map((d) => ({
      internetMessageId: text(d.internetMessageId),
      reason: `${d.kind === 'ProductWouldTrack' ? 'exsync would track, SSS did not' : 'SSS tracked, exsync would not'}: ${d.reason}`,
      explain: text(formatExplanation({ internetMessageId: d.internetMessageId, seen: true, mailboxes: d.explain })),
    })),
  };
}

/** The `StatusSources.shadow` hook over the ledger and Dataverse (read only: one lookup per 100 Message-IDs). */
export function shadowSource(
  deps: Parameters<typeof shadowReport>[0],
  showPersonal: boolean,
): NonNullable<StatusSources['shadow']> {
  return async () => shadowSummary(await shadowReport(deps), showPersonal);
}
