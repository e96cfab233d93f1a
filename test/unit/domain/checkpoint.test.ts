// Issue point "One home per rule": the checkpoint and watermark state machine, one pure transition at a
// time and walked through the rounds of a folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  afterPage,
  canStartOver,
  firstCheckpoint,
  isBeforeWatermark,
  laterReceived,
  movesWatermark,
  startOver,
  underStartDate,
  watermarkOfItem,
  watermarkOfPage,
  type Checkpoint,
} from '../../../shared/domain/checkpoint';

const AT = '2025-01-10T12:00:00.000Z';
const inboxAfterRound = (over: Partial<Checkpoint> = {}): Checkpoint => ({
  mailboxId: 'mbx-1',
  folder: 'inbox',
  cursor: 'https://graph/delta?token=d1',
  cursorKind: 'delta',
  rounds: 1,
  watermark: '2025-01-09T08:00:00Z',
  watermarkBase: '2025-01-01T00:00:00Z',
  ...over,
});

test('One home per rule: a folder never synced starts before its first round, with nothing to start over from', () => {
  const cp = firstCheckpoint('mbx-1', 'inbox');
  assert.deepEqual(cp, { mailboxId: 'mbx-1', folder: 'inbox', rounds: 0 });
  assert.equal(canStartOver(cp), false);
  assert.equal(watermarkOfPage(cp), undefined);
});

test('One home per rule: the first start date is recorded without restarting the Inbox', () => {
  const { checkpoint, startDateChanged } = underStartDate(firstCheckpoint('mbx-1', 'inbox'), '2025-01-01T00:00:00Z');
  assert.equal(startDateChanged, false);
  assert.equal(checkpoint.watermarkBase, '2025-01-01T00:00:00Z');
  assert.equal(checkpoint.rounds, 0);
});

test('One home per rule: an unchanged start date leaves the checkpoint as it is', () => {
  const cp = inboxAfterRound();
  assert.deepEqual(underStartDate(cp, '2025-01-01T00:00:00Z'), { checkpoint: cp, startDateChanged: false });
});

test('One home per rule: a changed start date after a round drops the watermark and starts the Inbox over', () => {
  const { checkpoint, startDateChanged } = underStartDate(inboxAfterRound(), '2024-12-01T00:00:00Z');
  assert.equal(startDateChanged, true);
  assert.equal(checkpoint.watermark, undefined);
  assert.equal(checkpoint.watermarkBase, '2024-12-01T00:00:00Z');
  assert.equal(checkpoint.cursor, undefined);
  assert.equal(checkpoint.cursorKind, undefined);
  assert.equal(checkpoint.rounds, 0);
});

test('One home per rule: a start date removed by the admin counts as a change', () => {
  const { checkpoint, startDateChanged } = underStartDate(inboxAfterRound(), undefined);
  assert.equal(startDateChanged, true);
  assert.equal(checkpoint.watermarkBase, '');
  assert.equal(checkpoint.rounds, 0);
});

test('One home per rule: the start date rule is the Inbox watermark only; other folders are untouched', () => {
  const sent = inboxAfterRound({ folder: 'sentitems', watermarkBase: undefined, watermark: undefined });
  assert.deepEqual(underStartDate(sent, '2024-12-01T00:00:00Z'), { checkpoint: sent, startDateChanged: false });
});

test('One home per rule: a lost delta state starts the round over, reconciling, and keeps the watermark', () => {
  const cp = inboxAfterRound();
  assert.equal(canStartOver(cp), true);
  const over = startOver(cp);
  assert.equal(over.cursor, undefined);
  assert.equal(over.cursorKind, undefined);
  assert.equal(over.reconciling, true);
  assert.equal(over.rounds, 1);
  assert.equal(over.watermark, cp.watermark);
});

test('One home per rule: the watermark applies to Inbox pages once a first round is done', () => {
  assert.equal(watermarkOfPage(inboxAfterRound({ rounds: 0 })), undefined);
  assert.equal(watermarkOfPage(inboxAfterRound()), '2025-01-09T08:00:00Z');
  assert.equal(watermarkOfPage(inboxAfterRound({ folder: 'sentitems' })), undefined);
});

test('One home per rule: an item looked at again, or enhanced moved-mail processing, is not held by the watermark', () => {
  const w = '2025-01-09T08:00:00Z';
  assert.equal(watermarkOfItem(w, { decidedBefore: false, enhancedProcessMovedMail: false }), w);
  assert.equal(watermarkOfItem(w, { decidedBefore: true, enhancedProcessMovedMail: false }), undefined);
  assert.equal(watermarkOfItem(w, { decidedBefore: false, enhancedProcessMovedMail: true }), undefined);
  assert.equal(watermarkOfItem(undefined, { decidedBefore: false, enhancedProcessMovedMail: false }), undefined);
});

test('One home per rule: mail received before the watermark is before it, compared as instants', () => {
  assert.equal(isBeforeWatermark('2025-01-09T07:59:59Z', '2025-01-09T08:00:00Z'), true);
  assert.equal(isBeforeWatermark('2025-01-09T08:00:00Z', '2025-01-09T08:00:00Z'), false);
  // 09:30 at +01:00 is 08:30 UTC: before the watermark, though it sorts after it as text.
  assert.equal(isBeforeWatermark('2025-01-09T09:30:00+01:00', '2025-01-09T08:45:00Z'), true);
  assert.equal(isBeforeWatermark('2025-01-09T10:30:00+01:00', '2025-01-09T08:45:00Z'), false);
  assert.equal(isBeforeWatermark('2020-01-01T00:00:00Z', undefined), false);
});

test('One home per rule: only mail not skipped moves the watermark, to the latest received', () => {
  assert.equal(movesWatermark({ outcome: 'promoted', reason: 'SenderMatch' }), true);
  assert.equal(movesWatermark({ outcome: 'updated', reason: 'FolderTracked' }), true);
  assert.equal(movesWatermark({ outcome: 'skipped', reason: 'NoCorrelationMatch' }), false);
  assert.equal(movesWatermark({ outcome: 'skipped', reason: 'BeforeProcessEmailReceivedAfter' }), false);
  assert.equal(laterReceived(undefined, '2025-01-09T08:00:00Z'), '2025-01-09T08:00:00Z');
  assert.equal(laterReceived('2025-01-09T08:00:00Z', '2025-01-08T08:00:00Z'), '2025-01-09T08:00:00Z');
  assert.equal(laterReceived('2025-01-08T08:00:00Z', '2025-01-09T08:00:00Z'), '2025-01-09T08:00:00Z');
});

test('One home per rule: a nextLink page keeps the round open; a deltaLink page counts it and ends reconciling', () => {
  const open = afterPage(startOver(inboxAfterRound()), { nextLink: 'n1' }, undefined, AT);
  assert.deepEqual([open.cursor, open.cursorKind, open.rounds, open.reconciling], ['n1', 'next', 1, true]);
  assert.equal(open.updatedAt, AT);
  const done = afterPage(open, { deltaLink: 'd2' }, undefined, AT);
  assert.deepEqual([done.cursor, done.cursorKind, done.rounds, done.reconciling], ['d2', 'delta', 2, false]);
});

test('One home per rule: the Inbox watermark moves up with a page, never down, and only in the Inbox', () => {
  const cp = inboxAfterRound();
  assert.equal(afterPage(cp, { deltaLink: 'd' }, '2025-01-10T09:00:00Z', AT).watermark, '2025-01-10T09:00:00Z');
  assert.equal(afterPage(cp, { deltaLink: 'd' }, '2025-01-08T09:00:00Z', AT).watermark, '2025-01-09T08:00:00Z');
  assert.equal(afterPage(cp, { deltaLink: 'd' }, undefined, AT).watermark, '2025-01-09T08:00:00Z');
  const sent = firstCheckpoint('mbx-1', 'sentitems');
  assert.equal(afterPage(sent, { deltaLink: 'd' }, '2025-01-10T09:00:00Z', AT).watermark, undefined);
});

test('One home per rule: a folder walked through its first round, a lost delta state and a reconciling round', () => {
  let cp = underStartDate(firstCheckpoint('mbx-1', 'inbox'), undefined).checkpoint;
  // First round: in no particular order, so no watermark applies yet, but it is gathered.
  assert.equal(watermarkOfPage(cp), undefined);
  cp = afterPage(cp, { nextLink: 'n1' }, '2025-01-05T00:00:00Z', AT);
  cp = afterPage(cp, { deltaLink: 'd1' }, '2025-01-03T00:00:00Z', AT);
  assert.equal(cp.rounds, 1);
  assert.equal(watermarkOfPage(cp), '2025-01-05T00:00:00Z');
  cp = startOver(cp);
  assert.equal(cp.reconciling, true);
  cp = afterPage(cp, { nextLink: 'n2' }, undefined, AT);
  assert.equal(cp.reconciling, true);
  cp = afterPage(cp, { deltaLink: 'd2' }, '2025-01-06T00:00:00Z', AT);
  assert.deepEqual([cp.rounds, cp.reconciling, cp.cursor, cp.watermark], [2, false, 'd2', '2025-01-06T00:00:00Z']);
});
