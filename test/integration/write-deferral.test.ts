// A write that points at an email not in Dataverse yet (another page or mailbox is still writing it) is
// put off, not burned through its deliveries; after MAX_DEFERRALS it is written without the link, and
// what Dataverse still refuses then ends as failed.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { acceptanceFixtureF, ALICE, ALICE_MAILBOX_ID, ALICE_ID, BOB, E1_ID } from '../../local/tenant/acceptance';
import { QUEUES } from '../../shared/ports';
import { handleWriteMessage, MAX_DEFERRALS, writeBatch } from '../../shared/pipeline/write';
import type { WriteBatch } from '../../shared/domain/jobs';
import { emailActivityId } from '../../shared/domain/message-id';
import { startPipeline } from '../support/pipeline';

let p: Awaited<ReturnType<typeof startPipeline>>;
before(async () => {
  p = await startPipeline(acceptanceFixtureF());
});
after(async () => p?.stop());

const missing = emailActivityId('not-written-yet@x.io', true);
const id = emailActivityId('reply@fabrikam.com', false);
const batch = (deferrals: number): WriteBatch => ({
  kind: 'write',
  mailboxId: ALICE_MAILBOX_ID,
  workload: 'email',
  batchId: 'b1',
  deferrals,
  entries: [
    {
      decision: {
        mailboxId: ALICE_MAILBOX_ID,
        mailbox: ALICE,
        workload: 'email',
        folder: 'inbox',
        internetMessageId: '<reply@fabrikam.com>',
        messageKey: 'reply@fabrikam.com',
        graphId: 'g1',
        outcome: 'promoted',
        reason: 'CorrelationMatch',
        correlationMethod: 'InReplyTo',
        activityid: id,
        correlatedActivityId: missing,
        decidedAt: '2025-01-10T10:00:00.000Z',
      },
      activity: {
        activityid: id,
        subject: 'RE: x',
        description: '',
        directioncode: false,
        statuscode: 4,
        messageid: '<reply@fabrikam.com>',
        actualend: '2025-01-10T09:00:00.000Z',
        correlatedActivityId: missing,
        parentActivityId: missing,
        acceptingEntity: { type: 'systemuser', id: ALICE_ID },
        receivingMailboxId: ALICE_MAILBOX_ID,
        parties: [{ mask: 1, addressused: BOB }],
      },
    },
  ],
});

test('the first attempts are deferred with a growing delay, nothing is recorded yet', async () => {
  await writeBatch(batch(0), p.deps);
  const deferred = p.sent.filter((s) => s.queue === QUEUES.activityWrites);
  assert.equal(deferred.length, 1);
  assert.equal((deferred[0]!.message.body as WriteBatch).deferrals, 1);
  assert.ok(deferred[0]!.message.scheduledEnqueueTimeUtc!.getTime() > p.clock.now().getTime());
  assert.equal(await p.deps.ledger.get(ALICE_MAILBOX_ID, 'email', 'g1'), undefined);
});

test(`after ${MAX_DEFERRALS} deferrals the email is written without the link, and the decision says so`, async () => {
  await writeBatch(batch(MAX_DEFERRALS), p.deps);
  const row = p.dataverse.dump().emails!.find((e) => e.activityid === id)!;
  assert.ok(row);
  assert.equal(row._correlatedactivityid_value, undefined);
  const d = (await p.deps.ledger.get(ALICE_MAILBOX_ID, 'email', 'g1'))!;
  assert.equal(d.outcome, 'promoted');
  assert.match(String(d.detail), /written without its link/);
});

test('No endless or wrong work: a write deferred six times and then refused (its Regarding target does not exist) ends as failed / WriteFailed with the error, never deferred again', async () => {
  // A reply correlated with E1, whose Regarding (an opportunity) was deleted since: Dataverse answers 404.
  const replyId = emailActivityId('reply-to-deleted@fabrikam.com', false);
  const deletedOpportunity = '0dead000-0000-4000-8000-00000000dead';
  const first: WriteBatch = {
    kind: 'write',
    mailboxId: ALICE_MAILBOX_ID,
    workload: 'email',
    batchId: 'b-regarding-gone',
    entries: [
      {
        decision: {
          mailboxId: ALICE_MAILBOX_ID,
          mailbox: ALICE,
          workload: 'email',
          folder: 'inbox',
          internetMessageId: '<reply-to-deleted@fabrikam.com>',
          messageKey: 'reply-to-deleted@fabrikam.com',
          graphId: 'g-gone',
          outcome: 'promoted',
          reason: 'CorrelationMatch',
          correlationMethod: 'InReplyTo',
          activityid: replyId,
          correlatedActivityId: E1_ID,
          decidedAt: '2025-01-10T10:00:00.000Z',
        },
        activity: {
          activityid: replyId,
          subject: 'RE: x',
          description: '',
          directioncode: false,
          statuscode: 4,
          messageid: '<reply-to-deleted@fabrikam.com>',
          actualend: '2025-01-10T09:00:00.000Z',
          correlatedActivityId: E1_ID,
          parentActivityId: E1_ID,
          regarding: { type: 'opportunity', id: deletedOpportunity },
          acceptingEntity: { type: 'systemuser', id: ALICE_ID },
          receivingMailboxId: ALICE_MAILBOX_ID,
          parties: [{ mask: 1, addressused: BOB }],
        },
      },
    ],
  };
  // Run the write handler on each message it leaves behind until none is left (bounded, so a loop fails the test).
  p.sent.length = 0;
  let next: { body: unknown; messageId: string } | undefined = { body: first, messageId: first.batchId };
  const deferrals: number[] = [];
  for (let run = 0; next && run < 3 * MAX_DEFERRALS; run++) {
    const before = p.sent.length;
    await handleWriteMessage({ body: next.body, messageId: next.messageId, deliveryCount: 1 }, p.deps);
    const sent = p.sent.slice(before).filter((s) => s.queue === QUEUES.activityWrites);
    assert.ok(sent.length <= 1);
    next = sent[0]?.message;
    if (next) deferrals.push((next.body as WriteBatch).deferrals ?? 0);
  }
  assert.equal(next, undefined, 'the write settled');
  assert.deepEqual(deferrals, [1, 2, 3, 4, 5, 6]);
  const d = (await p.deps.ledger.get(ALICE_MAILBOX_ID, 'email', 'g-gone'))!;
  assert.equal(d.outcome, 'failed');
  assert.equal(d.reason, 'WriteFailed');
  assert.match(String(d.detail), /404 .*opportunity With Id = 0dead000-0000-4000-8000-00000000dead Does Not Exist/);
  assert.equal(
    p.dataverse.dump().emails!.find((e) => e.activityid === replyId),
    undefined,
    'no row was created',
  );
});
