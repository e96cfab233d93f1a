// One row per Message-ID and direction, also when two mailboxes with the same message are synced and
// written at the same moment (sss-behaviour.md 1.8): the stages run concurrently over real Table
// Storage and the simulators, as two Functions instances would.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { composePipeline } from '../../shared/compose';
import { loadSettings } from '../../shared/config';
import { createLog } from '../../shared/log';
import { QUEUES, type OutgoingMessage, type QueueName } from '../../shared/ports';
import type { PipelineDeps } from '../../shared/pipeline/deps';
import { runSchedule } from '../../shared/pipeline/schedule';
import { handleSyncMessage } from '../../shared/pipeline/sync';
import { handleWriteMessage } from '../../shared/pipeline/write';
import { ScaledClock } from '../../local/clock';
import { startAzurite, type AzuriteHandle } from '../../local/azurite';
import { startGraphSimulator, type GraphSimulator } from '../../local/sim/graph';
import { startDataverseSimulator, type DataverseSimulator } from '../../local/sim/dataverse';
import { acceptanceFixtureF, withInboxMessage, ALICE, SALES } from '../../local/tenant/acceptance';

let azurite: AzuriteHandle;
let graph: GraphSimulator;
let dataverse: DataverseSimulator;
let deps: PipelineDeps;
const sent: { queue: QueueName; message: OutgoingMessage }[] = [];

before(async () => {
  azurite = await startAzurite({ inMemory: true });
  const m = { internetMessageId: '<both@fabrikam.com>', subject: 'For both of you', from: { emailAddress: { address: 'someone@fabrikam.com' } }, toRecipients: [{ emailAddress: { address: ALICE } }, { emailAddress: { address: SALES } }] };
  let tenant = withInboxMessage(acceptanceFixtureF(), ALICE, m);
  tenant = withInboxMessage(tenant, SALES, m);
  tenant.dataverse.usersettingscollection![0]!.incomingemailfilteringmethod = 0;
  const clock = new ScaledClock(new Date(tenant.now!));
  graph = await startGraphSimulator({ tenant, clock });
  dataverse = await startDataverseSimulator({ tenant, clock });
  const settings = loadSettings({ AzureWebJobsStorage: azurite.connectionString, GRAPH_BASE_URL: graph.baseUrl, DATAVERSE_URL: dataverse.baseUrl, CREDENTIAL_MODE: 'static', STATIC_TOKEN: 't' });
  deps = await composePipeline({ settings, queue: { send: async (queue, messages) => void sent.push(...messages.map((message) => ({ queue, message }))) }, clock, log: createLog(() => undefined) });
});
after(async () => {
  await graph?.close();
  await dataverse?.close();
  await azurite?.stop();
});

const inbound = (m: OutgoingMessage) => ({ body: m.body, messageId: m.messageId, ...(m.sessionId ? { sessionId: m.sessionId } : {}), deliveryCount: 1 });

test('a message in two mailboxes processed at the same moment leaves one email and one promoted decision; the other is Duplicate', async () => {
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
