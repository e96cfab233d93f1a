// What correlation writes on the new email (docs/sss-parity.md#correlation-order, #regarding-owner-and-queue-items;
// scenarios P1, P2, P3, P5).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { promote } from '../../../shared/domain/promote';
import { context, fixture, mail, ALICE, ALICE_MAILBOX, OPP1 } from './promote-fixture';

describe('promote: In-Reply-To (P1)', () => {
  const p = promote(mail(), context());
  it('is promoted with reason CorrelationMatch and method InReplyTo', () => {
    assert.equal(p.decision.outcome, 'promoted');
    assert.equal(p.decision.reason, 'CorrelationMatch');
    assert.equal(p.decision.correlationMethod, 'InReplyTo');
    assert.equal(p.decision.correlatedActivityId, 'E1');
  });
  it("sets correlated and parent activity to E1 and copies E1's Regarding", () => {
    assert.equal(p.activity?.correlatedActivityId, 'E1');
    assert.equal(p.activity?.parentActivityId, 'E1');
    assert.deepEqual(p.activity?.regarding, OPP1);
  });
  it('records Alice as accepting entity and her mailbox as receiving mailbox', () => {
    assert.deepEqual(p.activity?.acceptingEntity, ALICE);
    assert.equal(p.activity?.receivingMailboxId, ALICE_MAILBOX);
  });
});

describe('promote: token only (P2)', () => {
  const p = promote(mail({ inReplyTo: [], subject: 'RE: Quote Q-100 CRM:0001001' }), context());
  it('correlates by token, copies Regarding, and leaves parentactivityid empty', () => {
    assert.equal(p.decision.correlationMethod, 'TrackingToken');
    assert.equal(p.activity?.correlatedActivityId, 'E1');
    assert.deepEqual(p.activity?.regarding, OPP1);
    assert.equal(p.activity?.parentActivityId, undefined);
  });
});

describe('promote: no correlation', () => {
  it('an unknown token under filter 1 is skipped NoCorrelationMatch with no activity (P3)', () => {
    const p = promote(mail({ inReplyTo: [], subject: 'RE: Hello CRM:0001999' }), context());
    assert.deepEqual([p.decision.outcome, p.decision.reason, p.activity], ['skipped', 'NoCorrelationMatch', undefined]);
  });
  it('an uncorrelated mail accepted by filter 0 has no Regarding and no correlated activity', () => {
    const f = fixture();
    f.filters.alice = 0;
    const p = promote(mail({ inReplyTo: [] }), context(f));
    assert.equal(p.decision.reason, 'AcceptAll');
    assert.equal(p.activity?.regarding, undefined);
    assert.equal(p.activity?.correlatedActivityId, undefined);
  });
  it('header correlation ignored and no token: not promoted; with the token: promoted by token (P5)', () => {
    const ctx = context();
    ctx.correlation = { ...ctx.correlation, ignoreHeaderCorrelation: true };
    assert.equal(promote(mail(), ctx).decision.outcome, 'skipped');
    const p = promote(mail({ subject: 'RE: Quote Q-100 CRM:0001001' }), ctx);
    assert.deepEqual([p.decision.outcome, p.decision.correlationMethod], ['promoted', 'TrackingToken']);
  });
  it('a skipped decision still records the correlation it found (filter 4 owner)', () => {
    const f = fixture();
    f.filters.alice = 4;
    const p = promote(mail(), context(f));
    assert.equal(p.decision.outcome, 'skipped');
    assert.equal(p.decision.correlatedActivityId, 'E1');
  });
});
