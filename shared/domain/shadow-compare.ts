// The shadow comparison as a pure rule: what the product would have tracked against what server-side
// synchronization really tracked, message by message. A message counts once per direction (SSS keeps one
// email row per Message-ID and direction, whichever mailbox saw it): the product would track it when any of
// its mailboxes decided to promote it; SSS tracked it when Dataverse holds a row with that Message-ID and
// direction (directioncode).
import type { Decision } from './activity';
import { SENT_ITEMS } from './item';

/** An email row in Dataverse, as the comparison needs it. */
export interface TrackedRow {
  messageKey: string;
  outgoing: boolean;
  activityid: string;
}

export type Direction = 'incoming' | 'outgoing';

/** One message and direction, with both sides' verdicts. */
export interface ShadowComparison {
  internetMessageId: string;
  messageKey: string;
  direction: Direction;
  /** The product's decisions on it, one per mailbox and item, ordered by mailbox. */
  decisions: Decision[];
  productWouldTrack: boolean;
  /** The reason that carries the product's verdict: the promoting decision's, else the first skip's. */
  reason: string;
  sssTracked: boolean;
  /** The rows SSS (or anyone) wrote for it. */
  sssActivityIds: string[];
}

export const directionOf = (d: Pick<Decision, 'folder'>): Direction =>
  d.folder === SENT_ITEMS ? 'outgoing' : 'incoming';

const tracks = (d: Decision) => d.outcome === 'promoted' || d.outcome === 'updated';

/**
 * Compares every shadow decision that has a Message-ID with the rows found for it. Decisions without one
 * (an item that could not be read) are counted apart: SSS's rows cannot be matched to them.
 */
export function compareShadow(
  decisions: readonly Decision[],
  rows: readonly TrackedRow[],
): { comparisons: ShadowComparison[]; withoutMessageId: number } {
  const byKey = new Map<string, Decision[]>();
  let withoutMessageId = 0;
  for (const d of decisions) {
    if (!d.messageKey) {
      withoutMessageId++;
      continue;
    }
    const k = `${directionOf(d)} ${d.messageKey}`;
    byKey.set(k, [...(byKey.get(k) ?? []), d]);
  }
  const comparisons = [...byKey.values()].map((list): ShadowComparison => {
    const sorted = [...list].sort((a, b) => a.mailbox.localeCompare(b.mailbox) || a.graphId.localeCompare(b.graphId));
    const first = sorted[0];
    const direction = directionOf(first);
    const found = rows.filter((r) => r.messageKey === first.messageKey && r.outgoing === (direction === 'outgoing'));
    const promoting = sorted.find(tracks);
    return {
      internetMessageId: first.internetMessageId,
      messageKey: first.messageKey,
      direction,
      decisions: sorted,
      productWouldTrack: !!promoting,
      reason: (promoting ?? first).reason,
      sssTracked: found.length > 0,
      sssActivityIds: found.map((r) => r.activityid).sort(),
    };
  });
  comparisons.sort(
    (a, b) => a.internetMessageId.localeCompare(b.internetMessageId) || a.direction.localeCompare(b.direction),
  );
  return { comparisons, withoutMessageId };
}
