// The smart-matching index learns the emails other writers made (Dynamics 365 sending, SSS, the App for
// Outlook, people): before a sync job evaluates pages, it reads the completed emails Dataverse changed
// since the feed's cursor (a modifiedon range, oldest first, a page at a time) and files them. This
// engine's own emails are filed when decided (evaluate-page.ts); the feed finds them already there.
import type { OrgContext } from '../ports';
import { entryKeys, smartEntryOf } from '../domain/smart-match';
import type { PipelineDeps } from './deps';

/** Rows per Dataverse request, and requests per job at most; a long backlog continues in the next job. */
export const FEED_PAGE = 1000;
const FEED_ROUNDS = 5;

export async function catchUpSmartIndex(
  ctx: OrgContext,
  deps: Pick<PipelineDeps, 'correlation' | 'dataverse' | 'clock' | 'log'>,
  deadline: number,
): Promise<void> {
  const s = ctx.org.smartMatching;
  if (!s.enabled) return;
  // The first time, and after a long pause, the feed starts at the edge of the window: older emails never match.
  const floor = deps.clock.now().getTime() - s.windowDays * 86_400_000;
  for (let round = 0; round < FEED_ROUNDS && deps.clock.now().getTime() < deadline; round++) {
    const { since, etag } = await deps.correlation.smart.feed();
    const from = since && Date.parse(since) > floor ? Date.parse(since) : floor;
    const { rows, complete } = await deps.dataverse.emailsChangedSince(new Date(from).toISOString(), FEED_PAGE);
    if (rows.length) {
      await deps.correlation.smart.put(
        rows.map((r) => {
          // The window is measured by when the email was created.
          const entry = smartEntryOf({ ...r, ...(r.createdon ? { at: r.createdon } : {}) }, s);
          return { entry, keys: entryKeys(entry, s) };
        }),
      );
    }
    // The next read starts at the last row's change (rows of the same instant are read again and passed
    // over). A full page of one instant would never move on: then the cursor steps past it.
    const last = Math.max(from, ...rows.map((r) => Date.parse(r.modifiedon ?? '')).filter(Number.isFinite));
    const next = !complete && last === from ? from + 1 : last;
    if (next === from + 1) deps.log.warn('sync.smart-feed-instant-skipped', { rows: rows.length });
    if (next !== from && !(await deps.correlation.smart.saveFeed(new Date(next).toISOString(), etag))) return; // another job moved it
    if (complete) return;
  }
}
