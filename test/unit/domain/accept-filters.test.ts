// Incoming filter options 0-4 and the acceptance rules around them (docs/sss-parity.md#promotion-filters).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateAcceptance as evaluateWithTrace, type AcceptanceInput } from '../../../shared/domain/accept';

/** The verdict without the trace of filters consulted (that trace has tests of its own below). */
function evaluateAcceptance(i: AcceptanceInput) {
  const { checked: _checked, ...verdict } = evaluateWithTrace(i);
  return verdict;
}
import type { EntityRef } from '../../../shared/domain/refs';

const alice: EntityRef = { type: 'systemuser', id: 'alice' };
const david: EntityRef = { type: 'systemuser', id: 'david' };
const sales: EntityRef = { type: 'queue', id: 'sales' };
const bob: EntityRef = { type: 'contact', id: 'bob' };
const vendor: EntityRef = { type: 'new_vendor', id: 'v1' };
const colleague: EntityRef = { type: 'systemuser', id: 'carl' };

function input(filters: Record<string, number>, over: Partial<AcceptanceInput> = {}): AcceptanceInput {
  return {
    outgoing: false,
    mailboxOwner: alice,
    recipientPrincipals: [alice],
    senderMatches: [],
    recipientMatches: [],
    correlated: false,
    onlySyncingMailbox: false,
    filterOf: (r) => filters[r.id],
    ...over,
  };
}

describe('filter 0: all email messages', () => {
  it('accepts an uncorrelated mail from an unknown sender', () => {
    assert.deepEqual(evaluateAcceptance(input({ alice: 0 })), { accepted: true, by: alice, reason: 'AcceptAll' });
  });
});

describe('filter 1: responses to Dynamics 365 email', () => {
  it('accepts a correlated mail', () => {
    assert.deepEqual(evaluateAcceptance(input({ alice: 1 }, { correlated: true })), {
      accepted: true,
      by: alice,
      reason: 'CorrelationMatch',
    });
  });
  it('rejects an uncorrelated mail as NoCorrelationMatch, even from a known contact', () => {
    assert.deepEqual(evaluateAcceptance(input({ alice: 1 }, { senderMatches: [bob] })), {
      accepted: false,
      reason: 'NoCorrelationMatch',
    });
  });
});

describe('filter 2: from leads, contacts and accounts', () => {
  it('accepts mail whose sender resolves to a contact', () => {
    assert.deepEqual(evaluateAcceptance(input({ alice: 2 }, { senderMatches: [bob] })), {
      accepted: true,
      by: alice,
      reason: 'SenderMatch',
    });
  });
  it('rejects mail from an unknown sender (P10)', () => {
    assert.equal(evaluateAcceptance(input({ alice: 2 })).accepted, false);
  });
  it('rejects mail from a custom email-enabled row (P11 with filter 2)', () => {
    assert.equal(evaluateAcceptance(input({ alice: 2 }, { senderMatches: [vendor] })).accepted, false);
  });
  it('rejects mail from another Dynamics user', () => {
    assert.equal(evaluateAcceptance(input({ alice: 2 }, { senderMatches: [colleague] })).accepted, false);
  });
});

describe('filter 3: from any email-enabled record', () => {
  it('accepts mail from a custom email-enabled row (P11)', () => {
    assert.deepEqual(evaluateAcceptance(input({ alice: 3 }, { senderMatches: [vendor] })), {
      accepted: true,
      by: alice,
      reason: 'SenderMatch',
    });
  });
  it('rejects mail from an address no row has', () => {
    assert.equal(evaluateAcceptance(input({ alice: 3 })).accepted, false);
  });
});

describe('filter 4: no email messages', () => {
  it('rejects even a correlated mail from a contact', () => {
    assert.equal(evaluateAcceptance(input({ alice: 4 }, { correlated: true, senderMatches: [bob] })).accepted, false);
  });
});

describe('distribution list and Bcc (P13)', () => {
  it('mail reaching the owner only through a DL or Bcc is NoRecipientMatch under filter 1', () => {
    assert.deepEqual(evaluateAcceptance(input({ alice: 1 }, { recipientPrincipals: [] })), {
      accepted: false,
      reason: 'NoRecipientMatch',
    });
  });
  it("the same mail is accepted when the owner's filter is 0", () => {
    assert.deepEqual(evaluateAcceptance(input({ alice: 0 }, { recipientPrincipals: [] })), {
      accepted: true,
      by: alice,
      reason: 'AcceptAll',
    });
  });
  it('under filter 3 a DL mail from a known row is still not accepted for the owner', () => {
    assert.equal(
      evaluateAcceptance(input({ alice: 3 }, { recipientPrincipals: [], senderMatches: [bob] })).accepted,
      false,
    );
  });
});

describe('the filters of all recipients count', () => {
  it('another resolved recipient whose filter accepts becomes the accepting entity', () => {
    const r = evaluateAcceptance(input({ alice: 1, david: 0 }, { recipientPrincipals: [alice, david] }));
    assert.deepEqual(r, { accepted: true, by: david, reason: 'AcceptAll' });
  });
  it('the mailbox owner is asked first when both accept', () => {
    const r = evaluateAcceptance(input({ alice: 0, david: 0 }, { recipientPrincipals: [david, alice] }));
    assert.equal(r.accepted && r.by.id, 'alice');
  });
  it('a shared address (user + queue) is tracked when the queue accepts all, though the user has filter 4', () => {
    const r = evaluateAcceptance(input({ alice: 4, sales: 0 }, { recipientPrincipals: [alice, sales] }));
    assert.deepEqual(r, { accepted: true, by: sales, reason: 'AcceptAll' });
  });
  it('UseFilteringMethodOfSyncingMailboxOnlyForCorrelation restricts the check to the mailbox owner', () => {
    const r = evaluateAcceptance(
      input({ alice: 1, david: 0 }, { recipientPrincipals: [alice, david], onlySyncingMailbox: true }),
    );
    assert.deepEqual(r, { accepted: false, reason: 'NoCorrelationMatch' });
  });
});

describe("Sent Items use the owner's filter, tested on recipients", () => {
  it('filter 2 accepts a sent mail to a contact', () => {
    const r = evaluateAcceptance(
      input({ alice: 2 }, { outgoing: true, recipientPrincipals: [], recipientMatches: [bob] }),
    );
    assert.deepEqual(r, { accepted: true, by: alice, reason: 'SenderMatch' });
  });
  it('filter 2 rejects a sent mail to unknown addresses, although the sender (Alice) is known', () => {
    const r = evaluateAcceptance(
      input({ alice: 2 }, { outgoing: true, recipientPrincipals: [], senderMatches: [bob] }),
    );
    assert.equal(r.accepted, false);
  });
  it('filter 0 accepts a sent mail to a DL (no recipient check on Sent Items)', () => {
    const r = evaluateAcceptance(input({ alice: 0 }, { outgoing: true, recipientPrincipals: [] }));
    assert.deepEqual(r, { accepted: true, by: alice, reason: 'AcceptAll' });
  });
});

describe('the trace of filters consulted (what explain shows)', () => {
  it('lists each user or queue whose filter was asked, in order, with its answer', () => {
    const r = evaluateWithTrace(input({ alice: 1, sales: 0 }, { recipientPrincipals: [alice, sales] }));
    assert.deepEqual(r.checked, [
      { entity: alice, filter: 1, accepted: false },
      { entity: sales, filter: 0, accepted: true },
    ]);
  });
});

describe("Sent Items: the recipients' filters count too (P14)", () => {
  it('a user recipient with filter 0 accepts mail sent by an owner whose filter 1 does not', () => {
    const r = evaluateWithTrace(input({ alice: 1, david: 0 }, { outgoing: true, recipientPrincipals: [david] }));
    assert.equal(r.accepted, true);
    assert.deepEqual(r.accepted && r.by, david);
    assert.equal(r.reason, 'AcceptAll');
  });
  it("with only the syncing mailbox counting, the owner's filter alone decides", () => {
    const r = evaluateWithTrace(
      input({ alice: 1, david: 0 }, { outgoing: true, recipientPrincipals: [david], onlySyncingMailbox: true }),
    );
    assert.equal(r.accepted, false);
    assert.equal(r.reason, 'NoCorrelationMatch');
  });
});
