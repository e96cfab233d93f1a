// Issue point "Split the two long decision functions, promote … into named steps": the steps promote is
// made of (party resolution, the row) answer on their own as promote answers through them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promote } from '../../../shared/domain/promote';
import { chooseOwner, resolveParties } from '../../../shared/domain/promote-parties';
import { emailRow, evaluationJson } from '../../../shared/domain/promote-row';
import { evaluateAcceptance } from '../../../shared/domain/accept';
import { ALICE, BOB, E1, OPP1, SALES, context, fixture, mail } from './promote-fixture';

test('Split promote into named steps: party resolution gives From first, then To, Cc; Bcc only on sent mail', () => {
  const item = mail({
    to: [{ address: 'alice@contoso.com' }, { address: 'nobody@example.com' }],
    cc: [{ address: 'sales@contoso.com' }],
    bcc: [{ address: 'david@contoso.com' }],
  });
  const received = resolveParties(item, false, context());
  assert.deepEqual(received.sender, BOB);
  assert.deepEqual(
    received.all.map((p) => [p.mask, p.addressused, p.party?.id]),
    [
      [1, 'bob@fabrikam.com', 'bob'],
      [2, 'alice@contoso.com', 'alice'],
      [2, 'nobody@example.com', undefined],
      [3, 'sales@contoso.com', 'sales'],
    ],
  );
  assert.deepEqual(received.recipientPrincipals, [ALICE, SALES]);
  const sent = resolveParties({ ...item, folder: 'sentitems' }, true, context());
  assert.deepEqual(
    sent.bcc.map((p) => p.party?.id),
    ['david'],
  );
});

test('Split promote into named steps: the owner is a recipient user who owns the sender contact, else the first', () => {
  const ctx = context();
  const p = resolveParties(
    mail({ to: [{ address: 'david@contoso.com' }, { address: 'alice@contoso.com' }] }),
    false,
    ctx,
  );
  // Bob's contact is owned by Alice: she wins over David, who comes first.
  assert.equal(chooseOwner(false, p, undefined, ctx), 'alice');
  const q = resolveParties(mail({ to: [{ address: 'david@contoso.com' }] }), false, ctx);
  assert.equal(chooseOwner(false, q, undefined, ctx), 'david');
  assert.equal(chooseOwner(true, q, undefined, ctx), 'alice', 'sent mail belongs to the mailbox owner');
});

test('Split promote into named steps: the row links to the correlated email and takes its Regarding', () => {
  const f = fixture();
  const ctx = context(f);
  const item = mail();
  const p = resolveParties(item, false, ctx);
  const acceptance = evaluateAcceptance({
    outgoing: false,
    mailboxOwner: ALICE,
    recipientPrincipals: p.recipientPrincipals,
    senderMatches: [BOB],
    recipientMatches: [ALICE],
    correlated: true,
    onlySyncingMailbox: false,
    filterOf: ctx.filterOf,
  });
  const correlation = { method: 'InReplyTo' as const, target: E1, setsParent: true };
  const { activity, detail } = emailRow(item, ctx, p, correlation, acceptance, {
    by: ALICE,
    reason: 'CorrelationMatch',
    method: 'InReplyTo',
  });
  assert.deepEqual(activity.regarding, OPP1);
  assert.equal(activity.correlatedActivityId, 'E1');
  assert.equal(activity.parentActivityId, 'E1');
  assert.equal(activity.directioncode, false);
  assert.equal(activity.statuscode, 4);
  assert.equal(detail, '');
  // promote takes the same step: the same row.
  assert.deepEqual(promote(item, ctx).activity, activity);
  assert.equal(promote(item, ctx).decision.evaluation, evaluationJson(p.all, acceptance));
});

test('Split promote into named steps: the row says which columns were cut', () => {
  const item = mail({ subject: 'x'.repeat(900), internetMessageId: `<${'m'.repeat(400)}@fabrikam.com>` });
  const ctx = context();
  const p = resolveParties(item, false, ctx);
  const acceptance = evaluateAcceptance({
    outgoing: false,
    mailboxOwner: ALICE,
    recipientPrincipals: p.recipientPrincipals,
    senderMatches: [BOB],
    recipientMatches: [ALICE],
    correlated: false,
    onlySyncingMailbox: false,
    filterOf: () => 0,
  });
  const { activity, detail } = emailRow(item, ctx, p, { method: 'None', setsParent: false }, acceptance, {
    by: ALICE,
    reason: 'AcceptAll',
    method: 'None',
  });
  assert.equal(detail, 'truncated: subject, messageid');
  assert.equal(activity.subject.length, 800);
  assert.equal(activity.regarding, undefined);
});
