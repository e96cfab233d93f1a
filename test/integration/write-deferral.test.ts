// A write that points at an email not in Dataverse yet (another page or mailbox is still writing it) is
// put off, not burned through its deliveries; after MAX_DEFERRALS it is written without the link.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { acceptanceFixtureF, ALICE, ALICE_MAILBOX_ID, ALICE_ID, BOB } from '../../local/tenant/acceptance';
import { QUEUES } from '../../shared/ports';
import { MAX_DEFERRALS, writeBatch } from '../../shared/pipeline/write';
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
  kind: 'write', mailboxId: ALICE_MAILBOX_ID, workload: 'email', batchId: 'b1', deferrals,
  entries: [{
    decision: { mailboxId: ALICE_MAILBOX_ID, mailbox: ALICE, workload: 'email', folder: 'inbox', internetMessageId: '<reply@fabrikam.com>', messageKey: 'reply@fabrikam.com', graphId: 'g1', outcome: 'promoted', reason: 'CorrelationMatch', correlationMethod: 'InReplyTo', activityid: id, correlatedActivityId: missing, decidedAt: '2025-01-10T10:00:00.000Z' },
    activity: {
      activityid: id, subject: 'RE: x', description: '', directioncode: false, statuscode: 4, messageid: '<reply@fabrikam.com>', actualend: '2025-01-10T09:00:00.000Z',
      correlatedActivityId: missing, parentActivityId: missing, acceptingEntity: { type: 'systemuser', id: ALICE_ID }, receivingMailboxId: ALICE_MAILBOX_ID,
      parties: [{ mask: 1, addressused: BOB }],
    },
  }],
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
