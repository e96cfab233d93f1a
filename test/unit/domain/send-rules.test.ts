// The rules that decide whether an email waiting in Pending Send goes this cycle, over plain values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  backlogHold,
  importanceOf,
  laterHold,
  sendHold,
  unresolvedHold,
  type SendingMailbox,
  type SendingRules,
} from '../../../shared/domain/send-rules';

const RULES: SendingRules = {
  requireApprovalForUserEmail: true,
  requireApprovalForQueueEmail: true,
  allowUnresolvedRecipients: false,
};
const READY: SendingMailbox = {
  owner: { type: 'systemuser' },
  active: true,
  approval: 1,
  enabledForOutgoing: true,
  outgoingStatus: 1,
};

test('Outgoing rule — stuck in Pending Send: the first cause found, in order inactive, not approved, outgoing disabled, not tested', () => {
  const reason = (m: Partial<SendingMailbox>, r: Partial<SendingRules> = {}) =>
    sendHold({ ...READY, ...m }, { ...RULES, ...r })?.reason;
  assert.equal(reason({}), undefined, 'a ready mailbox sends');
  assert.equal(reason({ active: false, approval: 2, enabledForOutgoing: false, outgoingStatus: 0 }), 'MailboxDisabled');
  assert.equal(reason({ approval: 2, enabledForOutgoing: false, outgoingStatus: 0 }), 'MailboxNotApproved');
  assert.equal(reason({ enabledForOutgoing: false, outgoingStatus: 0 }), 'OutgoingDisabled');
  assert.equal(reason({ outgoingStatus: 2 }), 'OutgoingNotTested', 'a failed test');
  assert.equal(reason({ outgoingStatus: 0 }), 'OutgoingNotTested', 'a test never run');
  assert.equal(reason({ approval: 2 }, { requireApprovalForUserEmail: false }), undefined, 'approval not asked for');
  assert.equal(
    reason({ approval: 2, owner: { type: 'queue' } }, { requireApprovalForUserEmail: false }),
    'MailboxNotApproved',
    "a queue follows the queues' switch",
  );
});

test('Outgoing rule — send flow: delayedemailsendtime holds the email only while it is ahead', () => {
  const now = new Date('2025-01-10T10:00:00Z');
  assert.equal(laterHold(undefined, now), undefined);
  assert.equal(laterHold('2025-01-10T10:00:00Z', now), undefined, 'its time has come');
  assert.equal(laterHold('2025-01-10T09:00:00Z', now), undefined);
  assert.equal(laterHold('2025-01-10T10:00:01Z', now)?.reason, 'SendLater');
});

test('Unresolved recipients: held only when there are some and the organization does not allow them', () => {
  assert.equal(unresolvedHold(0, RULES), undefined);
  assert.equal(unresolvedHold(2, { ...RULES, allowUnresolvedRecipients: true }), undefined);
  assert.match(String(unresolvedHold(2, RULES)?.detail), /^2 recipient\(s\)/);
});

test('Outgoing rule — send flow: deliveryprioritycode as importance; bulk: the backlog says the limit', () => {
  assert.deepEqual([0, 1, 2, undefined].map(importanceOf), ['low', 'normal', 'high', 'normal']);
  assert.deepEqual([backlogHold(150).reason, /at most 150/.test(backlogHold(150).detail)], ['SendBacklog', true]);
});
