// Issue point "Backoff instead of instant redelivery", through the real sync stage: a Graph failure is the
// mailbox's health (SSS: again 5 minutes later), and when health's own Table Storage write fails the job
// goes through the same scheduled retry as any other transient failure, instead of an instant redelivery.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptanceFixtureF, ALICE, ALICE_MAILBOX_ID } from '../../local/tenant/acceptance';
import { QUEUES } from '../../shared/ports';
import { runSchedule } from '../../shared/pipeline/schedule';
import { handleSyncMessage } from '../../shared/pipeline/sync';
import { throttled } from '../../shared/domain/errors';
import { inbound, startPipeline } from '../support/pipeline';

const graphDownForAlice = (req: { mailbox?: string }) =>
  req.mailbox === ALICE
    ? { status: 503, body: { error: { code: 'ServiceUnavailable', message: 'injected by the test' } } }
    : undefined;

test('Backoff instead of instant redelivery: a Graph failure whose mailbox-health write fails (Table Storage down) is retried with backoff, then recorded', async () => {
  const p = await startPipeline(acceptanceFixtureF(), {}, { graphIntercept: graphDownForAlice });
  try {
    await runSchedule(p.deps);
    const job = p.sent.find((s) => s.queue === QUEUES.syncJobs && s.message.sessionId === ALICE_MAILBOX_ID)!.message;
    // Table Storage refuses writes to the mailbox registry meanwhile (the registry is the port health writes to).
    const registry = p.deps.mailboxes;
    const down = {
      ...registry,
      upsert: async () => {
        throw throttled('tables', 'mailbox upsert: busy', 0, { status: 503, code: 'ServerBusy' });
      },
    };
    const before = p.sent.length;
    await handleSyncMessage(inbound(job), { ...p.deps, mailboxes: down });
    const retries = p.sent.slice(before).filter((s) => s.queue === QUEUES.syncJobs);
    assert.equal(retries.length, 1, 'one scheduled retry, and the handler returned: no instant redelivery');
    const retry = retries[0]!.message;
    assert.equal(retry.messageId, `${job.messageId}:retry:1`);
    assert.equal(retry.sessionId, ALICE_MAILBOX_ID);
    assert.ok(retry.scheduledEnqueueTimeUtc!.getTime() - p.clock.now().getTime() >= 4_000);
    assert.equal((await registry.get(ALICE_MAILBOX_ID))!.health.consecutiveFailures, 0, 'nothing recorded yet');
    // Storage is back when the retry comes: the failure is recorded as SSS does, retry in 5 minutes.
    p.clock.advance(retry.scheduledEnqueueTimeUtc!.getTime() - p.clock.now().getTime());
    await handleSyncMessage(inbound(retry), p.deps);
    const alice = (await registry.get(ALICE_MAILBOX_ID))!;
    assert.equal(alice.health.state, 'failing');
    assert.equal(alice.health.consecutiveFailures, 1);
  } finally {
    await p.stop();
  }
});
