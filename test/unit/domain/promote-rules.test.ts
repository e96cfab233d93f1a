// Issue 10, points 5 and 10, at the rule: promote() and the Graph message it is given.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promote } from '../../../shared/domain/promote';
import { correlatedSubjectChanged } from '../../../shared/domain/correlate';
import { normalizeGraphMessage } from '../../../shared/domain/graph-message';
import { singleLine } from '../../../shared/domain/text';
import { emailActivityId } from '../../../shared/domain/message-id';
import type { MailItem } from '../../../shared/domain/item';
import { ALICE_MAILBOX, E1, FABRIKAM, SALES, context, fixture, mail } from './promote-fixture';

test('No endless or wrong work: another item of this mailbox with the same Message-ID is a Duplicate; the same item again is promoted again', () => {
  const f = fixture();
  f.existing.push({
    messageKey: 'r1@fabrikam.com',
    activityid: 'ROW',
    outgoing: false,
    receivingMailboxId: ALICE_MAILBOX,
    graphId: 'AAMk-first',
  });
  const other = promote(mail({ graphId: 'AAMk-second' }), context(f));
  assert.equal(other.decision.reason, 'Duplicate');
  assert.equal(other.decision.activityid, 'ROW');
  assert.equal(other.activity, undefined);
  assert.equal(
    promote(mail({ graphId: 'AAMk-first' }), context(f)).decision.outcome,
    'promoted',
    'a replay of the same item',
  );
  // A row of this mailbox known from Dataverse only (no item recorded) is taken as its own, as before, when it
  // has the id the product gives the message; another writer's row for this mailbox (SSS's) is a Duplicate.
  f.existing[0] = { ...f.existing[0]!, graphId: undefined, activityid: emailActivityId('r1@fabrikam.com', false) };
  assert.equal(promote(mail({ graphId: 'AAMk-second' }), context(f)).decision.outcome, 'promoted');
  f.existing[0] = { ...f.existing[0], activityid: 'ROW' };
  assert.equal(promote(mail({ graphId: 'AAMk-second' }), context(f)).decision.reason, 'Duplicate');
});

test('No endless or wrong work: control characters in a subject or a kept header become spaces where the item enters', () => {
  assert.equal(singleLine('a\r\nb\tc\u0000d\u007fe\u0085f\u2028g'), 'a  b c d e f g');
  const n = normalizeGraphMessage(
    {
      id: 'AAMk1',
      internetMessageId: '<x@y.z>',
      subject: 'Hi\r\nBcc: evil@x.y',
      receivedDateTime: '2025-01-10T09:00:00Z',
      from: { emailAddress: { address: 'bob@fabrikam.com' } },
      internetMessageHeaders: [{ name: 'Reply-To', value: 'a@b.c\r\nX: 1' }],
    },
    'inbox',
  );
  assert.equal(n.kind, 'item');
  const item = (n as { item: MailItem }).item;
  assert.equal(item.subject, 'Hi  Bcc: evil@x.y');
  assert.equal(item.keptHeaders['Reply-To'], 'a@b.c  X: 1');
  const badId = normalizeGraphMessage(
    {
      id: 'AAMk2',
      internetMessageId: '<x\u0000@y.z>',
      receivedDateTime: '2025-01-10T09:00:00Z',
      from: { emailAddress: { address: 'bob@fabrikam.com' } },
    },
    'inbox',
  );
  assert.equal(badId.kind, 'invalid', 'a Message-ID with a control character is malformed');
  const badSender = normalizeGraphMessage(
    {
      id: 'AAMk3',
      internetMessageId: '<x@y.z>',
      receivedDateTime: '2025-01-10T09:00:00Z',
      from: { emailAddress: { address: 'bob\u0001@fabrikam.com' } },
    },
    'inbox',
  );
  assert.equal(
    badSender.kind === 'invalid' && badSender.invalidSender,
    true,
    'an address with a control character is not an address',
  );
});

test('Rules of the specification: correlatedsubjectchanged compares without leading RE:, tracking tokens, case and spacing; FW: counts as a change', () => {
  const s = { tokenPrefixes: ['CRM:'], tokenDigits: 7 };
  const target = { ...E1, subject: 'Quote Q-100 CRM:0001001' };
  assert.equal(correlatedSubjectChanged('RE: Quote Q-100 CRM:0001001', target, s), false);
  assert.equal(correlatedSubjectChanged('Re:re: quote  Q-100', target, s), false);
  assert.equal(correlatedSubjectChanged('FW: Quote Q-100', target, s), true);
  assert.equal(correlatedSubjectChanged('RE: Quote Q-101', target, s), true);
  assert.equal(
    correlatedSubjectChanged('RE: Quote Q-100', { ...E1, subject: undefined }, s),
    undefined,
    'unknown when the correlated subject is not known',
  );
  const p = promote(
    mail({ subject: 'RE: Something else' }),
    context(fixture(), { known: { ...context().known, byMessageKey: (k) => (k === E1.messageKey ? [target] : []) } }),
  );
  assert.equal(p.activity?.correlatedsubjectchanged, true);
  assert.equal(
    promote(mail({ inReplyTo: [], to: [{ address: 'david@contoso.com' }] }), context()).activity
      ?.correlatedsubjectchanged,
    undefined,
    'not correlated: not set',
  );
});

test('Rules of the specification: SSSCreateAdditionalQueueItemsForAlreadyTrackedEmail gives a queue mailbox meeting a tracked mail a queue item, and only when on', () => {
  const f = fixture();
  f.existing.push({
    messageKey: 'r1@fabrikam.com',
    activityid: 'ROW',
    outgoing: false,
    receivingMailboxId: ALICE_MAILBOX,
  });
  const queueMailbox = { id: 'mbx-sales', address: 'sales@contoso.com', owner: SALES };
  const on = promote(
    mail(),
    context(f, {
      mailbox: queueMailbox,
      queueItems: { acceptingQueues: true, syncingQueue: true, alreadyTracked: true },
    }),
  );
  assert.equal(on.decision.reason, 'Duplicate');
  assert.deepEqual(on.queueItem, { activityid: 'ROW', queueId: SALES.id });
  const off = promote(
    mail(),
    context(f, {
      mailbox: queueMailbox,
      queueItems: { acceptingQueues: true, syncingQueue: true, alreadyTracked: false },
    }),
  );
  assert.equal(off.queueItem, undefined);
  const user = promote(
    mail(),
    context(f, {
      mailbox: { id: 'mbx-david', address: 'david@contoso.com', owner: { type: 'systemuser', id: 'david' } },
      queueItems: { acceptingQueues: true, syncingQueue: true, alreadyTracked: true },
    }),
  );
  assert.equal(user.queueItem, undefined, 'a user mailbox gets none');
});

test('Rules of the specification: a tracked folder measures the start date by the last modified date, the Inbox by the received date', () => {
  const old = { receivedDateTime: '2024-12-15T09:00:00.000Z' };
  const ctx = (over = {}) =>
    context(fixture(), {
      mailbox: {
        id: ALICE_MAILBOX,
        address: 'alice@contoso.com',
        owner: { type: 'systemuser', id: 'alice' },
        processEmailReceivedAfter: '2025-01-01T00:00:00Z',
      },
      ...over,
    });
  assert.equal(
    promote(mail({ ...old, lastModifiedDateTime: '2025-01-04T00:00:00.000Z' }), ctx({ folderTracking: FABRIKAM }))
      .decision.reason,
    'FolderTracked',
  );
  assert.equal(
    promote(mail({ ...old, lastModifiedDateTime: '2024-12-15T09:00:00.000Z' }), ctx({ folderTracking: FABRIKAM }))
      .decision.reason,
    'BeforeProcessEmailReceivedAfter',
  );
  assert.equal(
    promote(mail({ ...old, lastModifiedDateTime: '2025-01-04T00:00:00.000Z' }), ctx()).decision.reason,
    'BeforeProcessEmailReceivedAfter',
    'the Inbox keeps the received date',
  );
});
