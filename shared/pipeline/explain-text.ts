// The human reading of an explanation, for `exsync explain` and the status page's explain search.
import type { Explanation, ItemExplanation } from './explain';

const FILTERS = [
  'All email messages',
  'Email messages in response to Dynamics 365 email',
  'Email messages from Dynamics 365 leads, contacts and accounts',
  'Email messages from Dynamics 365 records that are email enabled',
  'No email messages',
];

export function formatExplanation(e: Explanation | ItemExplanation): string {
  const what = 'itemId' in e ? `item ${e.itemId}` : e.internetMessageId;
  if (!e.seen)
    return `${what}: never seen by any synced mailbox (not in a synced folder yet, or not delivered to a mailbox that is synced).`;
  const lines = [`${what}: seen by ${e.mailboxes.length} mailbox(es)`];
  for (const m of e.mailboxes) {
    lines.push(
      '',
      `${m.mailbox} (${m.folder}): ${m.outcome}, ${m.reason}${m.correlationMethod !== 'None' ? `, correlated by ${m.correlationMethod}` : ''}`,
    );
    if (m.shadow) lines.push('  shadow mode: what exsync would have done; nothing was written');
    if ('itemId' in e && m.internetMessageId) lines.push(`  Message-ID: ${m.internetMessageId}`);
    if (m.activityid) lines.push(`  email activity: ${m.activityid}`);
    if (m.correlatedActivityId) lines.push(`  correlated with: ${m.correlatedActivityId}`);
    if (m.acceptingEntity) lines.push(`  accepted by: ${m.acceptingEntity.type} ${m.acceptingEntity.id}`);
    if (m.detail) lines.push(`  detail: ${m.detail}`);
    for (const p of m.evaluation?.parties ?? []) {
      const resolved = p.resolved.length ? p.resolved.map((r) => `${r.type} ${r.id}`).join(', ') : 'unresolved';
      lines.push(`  ${p.role.padEnd(4)} ${p.address}: ${resolved}`);
    }
    for (const f of m.evaluation?.filters ?? []) {
      const label = f.filter === undefined ? 'no filter' : `filter ${f.filter} (${FILTERS[f.filter] ?? 'unknown'})`;
      lines.push(`  ${f.entity.type} ${f.entity.id}: ${label} -> ${f.accepted ? 'accepts' : 'does not accept'}`);
    }
    lines.push(`  decided at ${m.decidedAt}`);
  }
  return lines.join('\n');
}
