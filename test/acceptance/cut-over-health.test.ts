// The product never changes SSS's own columns for a mailbox it does not own (docs/cut-over.md): a shadow
// mailbox's failures are kept in the product's registry, and `exsync mailbox enable` re-enables it there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptanceFixtureF, ALICE, ALICE_MAILBOX_ID, SALES_MAILBOX_ID } from '../../local/tenant/acceptance';
import { QUEUES } from '../../shared/ports';
import { runSchedule } from '../../shared/pipeline/schedule';
import { handleSyncMessage } from '../../shared/pipeline/sync';
import { enable, type MailboxAdminDeps } from '../../shared/pipeline/mailbox-admin';
import { inbound, startPipeline } from '../support/pipeline';

const refuseAlice = (req: { mailbox?: string }) =>
  req.mailbox === ALICE
    ? { status: 401, body: { error: { code: 'InvalidAuthenticationToken', message: 'x' } } }
    : undefined;

async function oneCycle(p: Awaited<ReturnType<typeof startPipeline>>) {
  const before = p.sent.length;
  await runSchedule(p.deps);
  for (const s of p.sent.slice(before))
    if (s.queue === QUEUES.syncJobs) await handleSyncMessage(inbound(s.message), p.deps);
}

test("The product never changes SSS's own columns for a mailbox it does not own: a shadow mailbox's permanent failure disables it in the registry only, and exsync mailbox enable re-enables it there", async () => {
  const p = await startPipeline(acceptanceFixtureF(), { SHADOW_MODE: 'true' }, { graphIntercept: refuseAlice });
  try {
    const before = p.dataverse.dump();
    await oneCycle(p);
    assert.equal((await p.deps.mailboxes.get(ALICE_MAILBOX_ID))!.health.state, 'disabled');
    assert.deepEqual(
      (await p.deps.alerts.forMailbox(ALICE_MAILBOX_ID)).map((a) => a.code),
      ['MailboxDisabled'],
      'the alert is kept in the product table',
    );
    const after = p.dataverse.dump();
    assert.deepEqual(
      after.mailboxes,
      before.mailboxes,
      'enabledforincomingemail and incomingemailstatus stay as SSS has them',
    );
    assert.deepEqual(after.tracelogs ?? [], before.tracelogs ?? [], 'no trace log on the mailbox');
    // Not synced while disabled, however Dataverse's row changes.
    p.clock.advance(10 * 60_000);
    const jobs = p.sent.length;
    await runSchedule(p.deps);
    assert.equal(p.sent.slice(jobs).filter((s) => s.message.sessionId === ALICE_MAILBOX_ID).length, 0);
    const admin: MailboxAdminDeps = {
      dataverse: p.deps.dataverse,
      ownership: p.deps.ownership!,
      mailboxes: p.deps.mailboxes,
      checkpoints: p.deps.checkpoints,
      columns: p.deps.mailboxColumns!,
      clock: p.clock,
      shadowMode: true,
    };
    const r = await enable(admin, ALICE);
    assert.equal(r.changed, true);
    assert.equal(r.columnsWritten, undefined, "SSS's columns are not written for a shadow mailbox");
    assert.equal((await p.deps.mailboxes.get(ALICE_MAILBOX_ID))!.health.state, 'healthy');
    assert.deepEqual(p.dataverse.dump().mailboxes, before.mailboxes);
    assert.equal((await p.deps.mailboxes.get(SALES_MAILBOX_ID))!.health.state, 'healthy');
  } finally {
    await p.stop();
  }
});
