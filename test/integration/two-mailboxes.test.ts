// One row per Message-ID and direction, also when two mailboxes with the same message are synced and
// written at the same moment (docs/sss-parity.md#duplicates): the stages run concurrently over real Table
// Storage and the simulators, as two Functions instances would.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { QUEUES } from '../../shared/ports';
import { runSchedule } from '../../shared/pipeline/schedule';
import { handleSyncMessage } from '../../shared/pipeline/sync';
import { handleWriteMessage } from '../../shared/pipeline/write';
import { acceptanceFixtureF, withInboxMessage, ALICE, SALES } from '../../local/tenant/acceptance';
import { inbound, startPipeline, type TestPipeline } from '../support/pipeline';

let p: TestPipeline;

before(async () => {
  const m = {
    internetMessageId: '<both@fabrikam.com>',
    subject: 'For both of you',
    from: { emailAddress: { address: 'someone@fabrikam.com' } },
    toRecipients: [{ emailAddress: { address: ALICE } }, { emailAddress: { address: SALES } }],
  };
  let tenant = withInboxMessage(acceptanceFixtureF(), ALICE, m);
  tenant = withInboxMessage(tenant, SALES, m);
  tenant.dataverse.usersettingscollection![0]!.incomingemailfilteringmethod = 0;
  p = await startPipeline(tenant);
});
after(async () => p?.stop());

test('a message in two mailboxes processed at the same moment leaves one email and one promoted decision; the other is Duplicate', async () => {
  const { deps, sent, dataverse } = p;
  await runSchedule(deps, { force: true });
  const jobs = sent.filter((s) => s.queue === QUEUES.syncJobs);
  assert.equal(jobs.length, 2);
  await Promise.all(jobs.map((j) => handleSyncMessage(inbound(j.message), deps)));
  const writes = sent.filter((s) => s.queue === QUEUES.activityWrites);
  await Promise.all(writes.map((w) => handleWriteMessage(inbound(w.message), deps)));
  const rows = (dataverse.dump().emails ?? []).filter((e) => e.messageid === '<both@fabrikam.com>');
  assert.equal(rows.length, 1);
  const decisions = (await deps.ledger.all()).filter((d) => d.internetMessageId === '<both@fabrikam.com>');
  assert.equal(decisions.length, 2);
  assert.deepEqual(decisions.map((d) => d.outcome).sort(), ['promoted', 'skipped']);
  const dup = decisions.find((d) => d.outcome === 'skipped')!;
  assert.equal(dup.reason, 'Duplicate');
  assert.equal(dup.activityid, rows[0]!.activityid);
});
