// The Azure Functions modules register the same handlers the local runtime runs: driving the exported
// function handlers (as the Functions host would, with trigger metadata) over real Table Storage and the
// simulators carries a reply from Exchange into Dataverse exactly as `exsync run` does.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { HttpRequest, InvocationContext, type Timer } from '@azure/functions';
import { explainHandler, EXPLAIN_ROUTE } from '../../functions/explain';
import { scheduleHandler } from '../../functions/schedule';
import { syncHandler } from '../../functions/sync';
import { writeHandler } from '../../functions/write';
import { QUEUES, type OutgoingMessage } from '../../shared/ports';
import { createStages } from '../../shared/pipeline/stages';
import {
  acceptanceFixtureF,
  withInboxMessage,
  ALICE,
  BOB,
  E1_ID,
  ALICE_MAILBOX_ID,
} from '../../local/tenant/acceptance';
import { startPipeline, type TestPipeline } from '../support/pipeline';

let p: TestPipeline;

before(async () => {
  const tenant = withInboxMessage(acceptanceFixtureF(), ALICE, {
    internetMessageId: '<fn-reply@fabrikam.com>',
    subject: 'RE: Quote Q-100',
    from: { emailAddress: { address: BOB } },
    internetMessageHeaders: [{ name: 'In-Reply-To', value: '<e1@contoso.onmicrosoft.com>' }],
  });
  p = await startPipeline(tenant, { TABLE_PREFIX: 'fn' });
});
after(async () => p?.stop());

const context = (functionName: string, m?: OutgoingMessage) =>
  new InvocationContext({
    invocationId: `test-${functionName}`,
    functionName,
    logHandler: () => undefined,
    triggerMetadata: m ? { messageId: m.messageId, sessionId: m.sessionId, deliveryCount: 1 } : {},
  });

test('timer -> sync -> write through the Functions handlers promotes the reply with the sessions and ids Service Bus needs', async () => {
  const { deps, sent, dataverse } = p;
  const stages = createStages(deps);
  const pipeline = async () => stages;
  await scheduleHandler(pipeline)({ isPastDue: false } as unknown as Timer, context('schedule'));
  const jobs = sent.filter((s) => s.queue === QUEUES.syncJobs);
  assert.equal(jobs.length, 2, 'one job per mailbox (Alice, Sales)');
  const aliceJob = jobs.find((j) => j.message.sessionId === ALICE_MAILBOX_ID)!;
  assert.ok(aliceJob, 'sessionId is the mailbox id');
  assert.match(aliceJob.message.messageId, new RegExp(`^${ALICE_MAILBOX_ID}:email:`));

  await syncHandler(pipeline)(aliceJob.message.body, context('sync', aliceJob.message));
  const writes = sent.filter((s) => s.queue === QUEUES.activityWrites);
  assert.equal(writes.length, 1);
  await writeHandler(pipeline)(writes[0]!.message.body, context('write', writes[0]!.message));

  const emails = dataverse.dump().emails!.filter((e) => e.messageid === '<fn-reply@fabrikam.com>');
  assert.equal(emails.length, 1);
  assert.equal(emails[0]!._correlatedactivityid_value, E1_ID);
  const decisions = await deps.ledger.forMailbox(ALICE_MAILBOX_ID);
  assert.equal(decisions.length, 1);
  assert.equal(decisions[0]!.outcome, 'promoted');
  assert.equal(decisions[0]!.correlationMethod, 'InReplyTo');
});

test('a body that is not a sync job is refused as poison (Service Bus then dead-letters it), not processed', async () => {
  await assert.rejects(
    syncHandler(async () => createStages(p.deps))({ kind: 'sync', mailboxId: 42 }, context('sync')),
    /PoisonMessage|mailboxId/,
  );
  await assert.rejects(
    writeHandler(async () => createStages(p.deps))('not json at all', context('write')),
    /write batch/,
  );
});

test('No personal data out by accident: explain takes the Message-ID in a POST body, so the request URL carries no Message-ID', async () => {
  // Runs after the reply was promoted above. The host records request URLs (query included) in `requests`.
  const explain = explainHandler(async () => createStages(p.deps));
  const url = `https://app.example/api/${EXPLAIN_ROUTE}`;
  const ask = (init: { body?: string; query?: Record<string, string> }) =>
    explain(
      new HttpRequest({
        method: 'POST',
        url,
        ...(init.body !== undefined ? { body: { string: init.body } } : {}),
        ...(init.query ? { query: init.query } : {}),
      }),
    );

  const ok = await ask({ body: JSON.stringify({ id: '<fn-reply@fabrikam.com>' }) });
  assert.equal(ok.status, 200);
  const answer = ok.jsonBody as { seen: boolean; mailboxes: { outcome: string; reason: string }[] };
  assert.equal(answer.seen, true);
  assert.deepEqual(
    answer.mailboxes.map((m) => m.outcome),
    ['promoted'],
  );
  assert.doesNotMatch(url, /fabrikam|%40|@/, 'the URL the host records holds no Message-ID');

  // The id is never read from the URL: a client that puts it there gets a 400, not an answer.
  const inQuery = await ask({ query: { id: '<fn-reply@fabrikam.com>' } });
  assert.equal(inQuery.status, 400);
  for (const bad of [
    'not json',
    JSON.stringify({ id: 'two words' }),
    JSON.stringify({ id: 42 }),
    JSON.stringify({ id: `<${'x'.repeat(5000)}@y>` }),
  ]) {
    assert.equal((await ask({ body: bad })).status, 400, bad.slice(0, 40));
  }
});
