// "Tracked to Dynamics 365" in Outlook: once an email's row exists, the organization's tracking category is
// added to the Exchange item, as Server-Side Synchronization shows tracked items. Best effort: the row is
// written and its decision recorded whatever Exchange answers; a failure is logged and counted, and the
// item stays without the category (tracking it again would not add it: the decision is final).
import type { Decision } from '../domain/activity';
import { isExsyncError } from '../domain/errors';
import { carriesTrackedCategory } from '../domain/tracked-category';
import type { PipelineDeps } from './deps';
import { trackedCategoryOf } from './promotion-context';

/** Adds the tracking category to the promoted emails' Exchange items that lack it; an outside failure is only logged. */
export async function markTrackedInOutlook(decisions: Decision[], deps: PipelineDeps): Promise<void> {
  const port = deps.categories;
  const promoted = decisions.filter((d) => d.outcome === 'promoted' && d.workload === 'email' && d.graphId);
  if (!port || promoted.length === 0) return;
  const mailbox = promoted[0].mailbox;
  let failed = 0;
  try {
    const tracked = trackedCategoryOf(await deps.dataverse.loadOrgContext(), deps.settings);
    if (!tracked) return;
    const ids = [...new Set(promoted.map((d) => d.graphId))];
    const read = await deps.graph.getMessages(mailbox, ids, ['categories']);
    const updates = ids.flatMap((graphId) => {
      const r = read.get(graphId);
      if (r?.status === 404) return []; // gone meanwhile: nothing to mark
      if (!r || r.status >= 300 || !r.body) {
        failed++;
        return [];
      }
      const categories = Array.isArray(r.body.categories) ? r.body.categories.filter((c) => typeof c === 'string') : [];
      return carriesTrackedCategory(categories, tracked) ? [] : [{ graphId, categories: [...categories, tracked] }];
    });
    if (updates.length === 0) return;
    const answers = await port.setCategories(mailbox, updates);
    failed += updates.filter((u) => (answers.get(u.graphId)?.status ?? 500) >= 300).length;
  } catch (e) {
    // Only what an outside system answered; anything else (a bug, the host going down) goes up as before.
    if (!isExsyncError(e)) throw e;
    failed = promoted.length;
    deps.log.warn('write.category-failed', {
      mailboxId: promoted[0].mailboxId,
      failed,
      error: e.kind,
    });
    return;
  }
  if (failed) deps.log.warn('write.category-failed', { mailboxId: promoted[0].mailboxId, failed });
}
