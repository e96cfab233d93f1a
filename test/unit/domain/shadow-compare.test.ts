// The shadow comparison and the cut-over modes as pure rules (domain/shadow-compare.ts, domain/ownership.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareShadow } from '../../../shared/domain/shadow-compare';
import { effectiveDelivery, modeOf, releaseColumns, takeoverColumns } from '../../../shared/domain/ownership';
import type { Decision } from '../../../shared/domain/activity';

const decision = (over: Partial<Decision>): Decision => ({
  mailboxId: 'm1',
  mailbox: 'a@x.io',
  workload: 'email',
  folder: 'inbox',
  internetMessageId: '<1@x.io>',
  messageKey: '1@x.io',
  graphId: 'g1',
  outcome: 'skipped',
  reason: 'NoCorrelationMatch',
  correlationMethod: 'None',
  decidedAt: '2025-01-01T00:00:00Z',
  shadow: true,
  ...over,
});

test('Shadow comparison: one verdict per Message-ID and direction, tracked when any mailbox would promote it', () => {
  const { comparisons, withoutMessageId } = compareShadow(
    [
      decision({ mailbox: 'b@x.io', graphId: 'g2', outcome: 'promoted', reason: 'AcceptAll' }),
      decision({}),
      decision({ folder: 'sentitems', graphId: 'g3', outcome: 'promoted', reason: 'AcceptAll' }),
      decision({ messageKey: '', internetMessageId: '', graphId: 'g4', outcome: 'failed', reason: 'InvalidItem' }),
    ],
    [{ messageKey: '1@x.io', outgoing: true, activityid: 'sss-1' }],
  );
  assert.equal(withoutMessageId, 1);
  assert.deepEqual(
    comparisons.map((c) => [c.direction, c.productWouldTrack, c.reason, c.sssTracked, c.decisions.length]),
    [
      ['incoming', true, 'AcceptAll', false, 2],
      ['outgoing', true, 'AcceptAll', true, 1],
    ],
  );
});

test('Cut-over modes: the registry decides, else SHADOW_MODE; takeover sets email delivery to None and release restores it', () => {
  assert.equal(modeOf(undefined, false), 'owned');
  assert.equal(modeOf(undefined, true), 'shadow');
  assert.equal(modeOf({ mailboxId: 'm', mode: 'released', changedAt: '' }, true), 'released');
  const previous = {
    incomingemaildeliverymethod: 2,
    outgoingemaildeliverymethod: 2,
    actdeliverymethod: 1,
    enabledforincomingemail: true,
    enabledforoutgoingemail: true,
  };
  assert.deepEqual(takeoverColumns(previous), { incomingemaildeliverymethod: 0, outgoingemaildeliverymethod: 0 });
  assert.deepEqual(takeoverColumns({ ...previous, outgoingemaildeliverymethod: 0 }), {
    incomingemaildeliverymethod: 0,
  });
  assert.deepEqual(releaseColumns(previous), { incomingemaildeliverymethod: 2, outgoingemaildeliverymethod: 2 });
  const row = { incomingDeliveryMethod: 0, outgoingDeliveryMethod: 0 };
  assert.deepEqual(effectiveDelivery(row, { mailboxId: 'm', mode: 'owned', previous, changedAt: '' }), {
    incomingDeliveryMethod: 2,
    outgoingDeliveryMethod: 2,
  });
  assert.deepEqual(effectiveDelivery(row, { mailboxId: 'm', mode: 'shadow', changedAt: '' }), row);
});
