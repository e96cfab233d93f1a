// The per-folder checkpoint and the Inbox watermark as a state machine over values. A folder is in its
// first round (no cursor yet, or a nextLink before the first deltaLink), between rounds (a deltaLink), or
// reconciling (its delta state was lost and the round starts over, passing over what was decided). The
// watermark is the latest received time processed in the Inbox: once a first round is done, mail received
// before it (moved in later) is not processed, as SSS does, unless the admin changes the start date.
// Transitions are functions from one value to the next; the sync stage stores what they return.
import type { Decision } from './activity';
import { INBOX, type FolderKind } from './item';

export interface Checkpoint {
  mailboxId: string;
  folder: FolderKind;
  /** nextLink while a round is under way, deltaLink between rounds, undefined before the first round. */
  cursor?: string;
  cursorKind?: 'next' | 'delta';
  rounds: number;
  updatedAt?: string;
  /** SSS-compatible watermark: the latest received time processed in this folder. */
  watermark?: string;
  /** processemailreceivedafter when the watermark was set: a new value from the admin resets the watermark. */
  watermarkBase?: string;
  /** A round restarted after the delta state expired: items decided before are passed over, not decided again. */
  reconciling?: boolean;
  /** Opaque concurrency token from the store; save() fails with an error of kind 'conflict' on mismatch. */
  etag?: string;
}

/** Where one delta page left the folder: a nextLink (more of this round) or a deltaLink (round done). */
interface PageLinks {
  nextLink?: string;
  deltaLink?: string;
}

/** A folder never synced: before its first round. */
export function firstCheckpoint(mailboxId: string, folder: FolderKind): Checkpoint {
  return { mailboxId, folder, rounds: 0 };
}

/**
 * The Inbox watermark belongs to the start date (processemailreceivedafter) it was set under. A changed
 * start date drops it; after a completed round it also means "evaluate the Inbox again from that date": a
 * fresh round. Other folders keep no watermark and are returned as they are.
 */
export function underStartDate(
  cp: Checkpoint,
  startDate: string | undefined,
): { checkpoint: Checkpoint; startDateChanged: boolean } {
  const base = startDate ?? '';
  if (cp.folder !== INBOX || (cp.watermarkBase ?? '') === base) return { checkpoint: cp, startDateChanged: false };
  const restart = cp.watermarkBase !== undefined && cp.rounds > 0;
  return {
    checkpoint: {
      ...cp,
      watermark: undefined,
      watermarkBase: base,
      ...(restart ? { cursor: undefined, cursorKind: undefined, rounds: 0 } : {}),
    },
    startDateChanged: restart,
  };
}

/** A stored cursor the folder can start over from when Graph refuses it; without one there is nothing to drop. */
export function canStartOver(cp: Checkpoint): boolean {
  return cp.cursor !== undefined;
}

/** The delta state is gone or the link unsafe: start the round over, passing over what was already decided. */
export function startOver(cp: Checkpoint): Checkpoint {
  return { ...cp, cursor: undefined, cursorKind: undefined, reconciling: true };
}

/** The watermark a page is measured against: the Inbox's, once a first round (in no particular order) is done. */
export function watermarkOfPage(cp: Checkpoint): string | undefined {
  return cp.folder === INBOX && cp.rounds > 0 ? cp.watermark : undefined;
}

/**
 * The watermark one item is measured against. An item decided before and looked at again (a category
 * added) is not new mail; with enhanced moved-mail processing no item is held back by it.
 */
export function watermarkOfItem(
  pageWatermark: string | undefined,
  item: { decidedBefore: boolean; enhancedProcessMovedMail: boolean },
): string | undefined {
  return item.decidedBefore || item.enhancedProcessMovedMail ? undefined : pageWatermark;
}

/** Mail received before the watermark came into the folder later: SSS does not process it. */
export function isBeforeWatermark(receivedDateTime: string, watermark: string | undefined): boolean {
  return !!watermark && Date.parse(receivedDateTime) < Date.parse(watermark);
}

/** Whether a decision moves the watermark: only mail processed (not skipped) does. */
export function movesWatermark(decision: Pick<Decision, 'outcome' | 'reason'>): boolean {
  return decision.outcome !== 'skipped' && decision.reason !== 'BeforeProcessEmailReceivedAfter';
}

/** The later of two received times (ISO 8601 UTC, so they compare as text). */
export function laterReceived(a: string | undefined, b: string): string {
  return !a || b > a ? b : a;
}

/**
 * The checkpoint after a page was evaluated and its writes sent: the next cursor, a round counted and
 * reconciling ended at a deltaLink, and the Inbox watermark moved up to the latest mail the page processed.
 */
export function afterPage(cp: Checkpoint, page: PageLinks, latestReceived: string | undefined, at: string): Checkpoint {
  const done = !!page.deltaLink;
  return {
    ...cp,
    cursor: page.nextLink ?? page.deltaLink,
    cursorKind: page.nextLink ? 'next' : 'delta',
    rounds: done ? cp.rounds + 1 : cp.rounds,
    reconciling: done ? false : cp.reconciling,
    updatedAt: at,
    ...(cp.folder === INBOX && latestReceived && (!cp.watermark || latestReceived > cp.watermark)
      ? { watermark: latestReceived }
      : {}),
  };
}
