// Folder tracking re-applies the mapped Regarding on every sync (docs/sss-parity.md#tracked-folders): a Regarding
// changed by hand on an email from a tracked folder is set back. The rows are known from this mailbox's ledger.
import type { DvMailbox } from '../ports';
import type { WriteEntry } from '../domain/jobs';
import type { SyncedFolder } from './folders';
import type { PipelineDeps } from './deps';

export async function driftedRegarding(
  mb: DvMailbox,
  tracked: SyncedFolder[],
  deps: Pick<PipelineDeps, 'ledger' | 'dataverse' | 'clock'>,
): Promise<WriteEntry[]> {
  if (tracked.length === 0) return [];
  const mapping = new Map(tracked.map((t) => [t.folder, t.tracking!]));
  const decisions = (await deps.ledger.forMailbox(mb.mailboxid)).filter(
    (d) => mapping.has(d.folder) && d.activityid && (d.outcome === 'promoted' || d.outcome === 'updated'),
  );
  if (decisions.length === 0) return [];
  const current = new Map(
    (await deps.dataverse.regardingOf(decisions.map((d) => d.activityid!))).map((r) => [r.activityid, r.regarding]),
  );
  const now = deps.clock.now().toISOString();
  const out: WriteEntry[] = [];
  for (const d of decisions) {
    if (!current.has(d.activityid!)) continue; // the row was deleted: SSS does not re-create it
    const want = mapping.get(d.folder)!;
    const have = current.get(d.activityid!);
    if (have && have.type === want.type && have.id.toLowerCase() === want.id.toLowerCase()) continue;
    out.push({
      decision: {
        ...d,
        outcome: 'updated',
        reason: 'FolderTracked',
        correlationMethod: 'FolderTracking',
        detail: 'Regarding re-applied by folder tracking',
        decidedAt: now,
      },
      update: { activityid: d.activityid!, regarding: want },
    });
  }
  return out;
}
