// Start date, dedup, DL/Bcc and internal mail in promote (docs/sss-parity.md#which-items-are-looked-at, #duplicates,
// #promotion-filters, #internal-mail; P13-P16).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { promote } from '../../../shared/domain/promote';
import { emailActivityId } from '../../../shared/domain/message-id';
import { context, fixture, mail, ALICE_MAILBOX, DAVID, SALES } from './promote-fixture';

describe('ProcessEmailReceivedAfter', () => {
  const ctx = (after: string) =>
    context(fixture(), {
      mailbox: {
        id: ALICE_MAILBOX,
        address: 'alice@contoso.com',
        owner: { type: 'systemuser', id: 'alice' },
        processEmailReceivedAfter: after,
      },
    });
  it('mail received before the start date is skipped BeforeProcessEmailReceivedAfter (P16)', () => {
    const p = promote(mail({ receivedDateTime: '2024-02-15T00:00:00.000Z' }), ctx('2024-03-01T00:00:00Z'));
    assert.deepEqual(
      [p.decision.outcome, p.decision.reason, p.activity],
      ['skipped', 'BeforeProcessEmailReceivedAfter', undefined],
    );
  });
  it('mail received exactly at the start date is not "after" it and is skipped', () => {
    assert.equal(
      promote(mail({ receivedDateTime: '2024-03-01T00:00:00.000Z' }), ctx('2024-03-01T00:00:00Z')).decision.reason,
      'BeforeProcessEmailReceivedAfter',
    );
  });
  it('mail received after the start date is evaluated', () => {
    assert.equal(
      promote(mail({ receivedDateTime: '2024-03-01T00:00:01.000Z' }), ctx('2024-03-01T00:00:00Z')).decision.outcome,
      'promoted',
    );
  });
});

describe('Message-ID dedup', () => {
  const id = emailActivityId('r1@fabrikam.com', false);
  it('a row created by another mailbox for the same Message-ID and direction is a Duplicate', () => {
    const f = fixture();
    f.existing.push({
      messageKey: 'r1@fabrikam.com',
      activityid: id,
      outgoing: false,
      receivingMailboxId: 'mbx-sales',
    });
    const p = promote(mail(), context(f));
    assert.deepEqual(
      [p.decision.outcome, p.decision.reason, p.decision.activityid, p.activity],
      ['skipped', 'Duplicate', id, undefined],
    );
  });
  it('a row this mailbox created (a replay) is not a Duplicate: the same row is produced again', () => {
    const f = fixture();
    f.existing.push({
      messageKey: 'r1@fabrikam.com',
      activityid: id,
      outgoing: false,
      receivingMailboxId: ALICE_MAILBOX,
    });
    const p = promote(mail(), context(f));
    assert.equal(p.decision.outcome, 'promoted');
    assert.equal(p.activity?.activityid, id);
  });
  it("a mailbox taken over from SSS: SSS's row for this very mailbox is a Duplicate, not a replay of the product's own", () => {
    const f = fixture();
    f.existing.push({
      messageKey: 'r1@fabrikam.com',
      activityid: 'sss00000-0000-4000-8000-000000000001',
      outgoing: false,
      receivingMailboxId: ALICE_MAILBOX,
    });
    const p = promote(mail(), context(f));
    assert.deepEqual([p.decision.outcome, p.decision.reason, p.activity], ['skipped', 'Duplicate', undefined]);
  });
  it('a row of the other direction is not a Duplicate (sent and received copies are two emails)', () => {
    const f = fixture();
    f.existing.push({
      messageKey: 'r1@fabrikam.com',
      activityid: emailActivityId('r1@fabrikam.com', true),
      outgoing: true,
      receivingMailboxId: 'mbx-bob',
    });
    assert.equal(promote(mail(), context(f)).decision.outcome, 'promoted');
  });
});

describe('DL / Bcc (P13)', () => {
  const viaDl = () => mail({ inReplyTo: [], to: [{ address: 'team@contoso.com' }] });
  it('mail reaching Alice only through a DL, filter 1: NoRecipientMatch', () => {
    assert.equal(promote(viaDl(), context()).decision.reason, 'NoRecipientMatch');
  });
  it("the same mail with Alice's filter 0 is promoted, Alice accepting", () => {
    const f = fixture();
    f.filters.alice = 0;
    const p = promote(viaDl(), context(f));
    assert.deepEqual([p.decision.outcome, p.activity?.acceptingEntity?.id], ['promoted', 'alice']);
  });
  it('a shared address resolved as one unresolved value ("unresolve if multiple") is NoRecipientMatch', () => {
    const f = fixture();
    f.filters.alice = 4;
    f.rows['alice@contoso.com'] = [
      { ref: { type: 'systemuser', id: 'alice' }, active: true },
      { ref: SALES, active: true },
    ];
    const ctx = context(f);
    ctx.resolution = { ...ctx.resolution, unresolveRecipientIfMultiple: true };
    assert.equal(promote(mail({ inReplyTo: [] }), ctx).decision.reason, 'NoRecipientMatch');
  });
});

describe('internal mail (P14)', () => {
  const fromDavid = () => mail({ inReplyTo: [], from: { address: 'david@contoso.com' } });
  const allFilter = () => {
    const f = fixture();
    f.filters.alice = 0;
    return f;
  };
  it('with "two activities" on (ignoreinternalemail false) the received copy is promoted', () => {
    const p = promote(fromDavid(), context(allFilter()));
    assert.equal(p.decision.outcome, 'promoted');
    assert.deepEqual(p.activity?.parties[0]?.party, DAVID);
  });
  it('with ignoreinternalemail the received copy from a user is InternalEmailReject', () => {
    const p = promote(fromDavid(), context(allFilter(), { ignoreInternalEmail: true }));
    assert.deepEqual([p.decision.outcome, p.decision.reason], ['skipped', 'InternalEmailReject']);
  });
  it("with ignoreinternalemail the sender's Sent Items copy is still tracked", () => {
    const sent = mail({
      folder: 'sentitems',
      inReplyTo: [],
      from: { address: 'alice@contoso.com' },
      to: [{ address: 'david@contoso.com' }],
    });
    const p = promote(sent, context(allFilter(), { ignoreInternalEmail: true }));
    assert.deepEqual([p.decision.outcome, p.activity?.directioncode], ['promoted', true]);
  });
  it('with ignoreinternalemail mail from a contact is not internal', () => {
    const f = allFilter();
    assert.equal(
      promote(mail({ inReplyTo: [] }), context(f, { ignoreInternalEmail: true })).decision.outcome,
      'promoted',
    );
  });
});
