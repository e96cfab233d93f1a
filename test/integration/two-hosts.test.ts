// Two hosts sharing one storage account and the same Graph and Dataverse (two Functions instances, or a
// second `exsync run` pointed at the same resources): each has its own queue, both sync every mailbox at
// once, and still no email is duplicated and no item is lost. Checkpoint ETags make one of two writers
// give way; deterministic activity ids and create-only writes make a repeated write harmless.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composePipeline } from '../../shared/compose';
import { loadSettings } from '../../shared/config';
import { createLog } from '../../shared/log';
import { QUEUES } from '../../shared/ports';
import { createLocalQueues } from '../../shared/adapters/localqueue';
import { runSchedule } from '../../shared/pipeline/schedule';
import { handleSyncMessage } from '../../shared/pipeline/sync';
import { handleWriteMessage } from '../../shared/pipeline/write';
import { ScaledClock } from '../../local/clock';
import { EmbeddedHost } from '../../local/host';
import { startAzurite } from '../../local/azurite';
import { startGraphSimulator } from '../../local/sim/graph';
import { startDataverseSimulator } from '../../local/sim/dataverse';
import { demoTenant } from '../../local/tenant/demo';

interface Folder {
  wellKnownName?: string;
  messages?: { id: string }[];
}

test('two hosts on the same storage and simulators: one row per Message-ID and direction, one decision per synced message', async () => {
  const tenant = demoTenant({ mailboxes: 4, messagesPerMailbox: 60 });
  const clock = new ScaledClock(new Date(tenant.now!));
  clock.virtualWaits = true;
  const azurite = await startAzurite({ inMemory: true });
  const graph = await startGraphSimulator({ tenant, clock });
  const dataverse = await startDataverseSimulator({ tenant, clock });
  try {
    const settings = loadSettings({
      AzureWebJobsStorage: azurite.connectionString,
      GRAPH_BASE_URL: graph.baseUrl,
      DATAVERSE_URL: dataverse.baseUrl,
      CREDENTIAL_MODE: 'static',
      STATIC_TOKEN: 't',
    });
    const hosts = await Promise.all(
      [1, 2].map(async () => {
        const local = createLocalQueues(clock);
        const deps = await composePipeline({ settings, queue: local.port, clock, log: createLog(() => undefined) });
        const host = new EmbeddedHost({
          queues: local.queues,
          handlers: {
            [QUEUES.syncJobs]: (m) => handleSyncMessage(m, deps),
            [QUEUES.activityWrites]: (m) => handleWriteMessage(m, deps),
          },
          clock,
          log: createLog(() => undefined),
        });
        return { local, deps, host };
      }),
    );
    await Promise.all(hosts.map((h) => runSchedule(h.deps, { force: true })));
    await Promise.all(hosts.map((h) => h.host.drain({ skipIdleWaits: true })));
    // A host that gave way to the other's checkpoint leaves the rest to the next cycle, as on Azure.
    for (let cycle = 0; cycle < 3; cycle++) {
      clock.advance(10 * 60_000);
      await Promise.all(hosts.map((h) => runSchedule(h.deps)));
      await Promise.all(hosts.map((h) => h.host.drain({ skipIdleWaits: true })));
    }

    for (const h of hosts)
      assert.deepEqual(
        Object.values(h.local.queues).flatMap((q) => q.deadLetters()),
        [],
      );
    const emails = dataverse.dump().emails ?? [];
    const keys = emails.map((e) => `${String(e.messageid).toLowerCase()}|${e.directioncode}`);
    assert.equal(new Set(keys).size, keys.length, 'no duplicate emails');
    const decisions = await hosts[0]!.deps.ledger.all();
    const state = graph.exchangeState() as Record<string, { mailFolders: Folder[] }>;
    for (const [address, box] of Object.entries(state)) {
      const ids = box.mailFolders
        .filter((f) => f.wellKnownName === 'inbox' || f.wellKnownName === 'sentitems')
        .flatMap((f) => (f.messages ?? []).map((m) => m.id));
      const decided = decisions.filter((d) => d.mailbox === address).map((d) => d.graphId);
      assert.deepEqual([...decided].sort(), [...ids].sort(), `every message of ${address} decided once`);
    }
    const rows = new Set(emails.map((e) => e.activityid));
    for (const d of decisions.filter((x) => x.outcome === 'promoted'))
      assert.ok(rows.has(d.activityid), `row of ${d.internetMessageId}`);
  } finally {
    await graph.close();
    await dataverse.close();
    await azurite.stop();
  }
});
