// `exsync shadow report` for people: the totals, agreement by reason, then every disagreement with what each
// mailbox decided and the command that explains it in full.
import type { ShadowReport } from '../shared/pipeline/shadow-report';

export function formatShadowReport(r: ShadowReport): string {
  if (r.messages === 0 && r.withoutMessageId === 0)
    return 'No shadow decisions yet: put mailboxes in shadow mode (SHADOW_MODE=true, or exsync mailbox shadow <mailbox>) and run.';
  const pct = r.messages ? ((100 * r.agreed) / r.messages).toFixed(1) : '100.0';
  const lines = [
    `Shadow report (${r.mailboxes.length} mailbox(es), ${r.messages} message(s) compared): ${r.agreed} agree (${pct} %), ${r.disagreed} disagree.`,
    ...(r.withoutMessageId ? [`${r.withoutMessageId} item(s) without a Message-ID are not compared.`] : []),
    '',
    'Agreement by reason:',
    ...r.agreement.map((a) => `  ${a.tracked ? 'both tracked ' : 'neither      '} ${a.reason.padEnd(34)} ${a.count}`),
  ];
  if (r.disagreements.length) lines.push('', 'Disagreements:');
  for (const d of r.disagreements) {
    const head =
      d.kind === 'ProductWouldTrack'
        ? `exsync would track, SSS did not (${d.reason})`
        : `SSS tracked (${d.sssActivityIds.join(', ')}), exsync would not (${d.reason})`;
    lines.push(`  ${d.internetMessageId} [${d.direction}]: ${head}`);
    for (const m of d.explain)
      lines.push(`      ${m.mailbox}: ${m.outcome} ${m.reason}${m.detail ? ` (${m.detail})` : ''}`);
    lines.push(`      exsync explain "${d.internetMessageId}"`);
  }
  return lines.join('\n');
}
