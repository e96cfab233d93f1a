// The real pipeline over real Table Storage (Azurite) and the simulators, with the queue port recording
// what the stages send, as the Service Bus namespace would receive it. For tests that drive the stage
// handlers (or the Functions handlers) directly.
import { composePipeline } from '../../shared/compose';
import { loadSettings } from '../../shared/config';
import { createLog } from '../../shared/log';
import type { OutgoingMessage, QueueName } from '../../shared/ports';
import type { PipelineDeps } from '../../shared/pipeline/deps';
import { ScaledClock } from '../../local/clock';
import { startAzurite } from '../../local/azurite';
import { startGraphSimulator, type GraphSimulator } from '../../local/sim/graph';
import { startDataverseSimulator, type DataverseSimulator } from '../../local/sim/dataverse';
import type { TenantFixture } from '../../local/tenant/fixture';

export interface TestPipeline {
  deps: PipelineDeps;
  graph: GraphSimulator;
  dataverse: DataverseSimulator;
  sent: { queue: QueueName; message: OutgoingMessage }[];
  stop(): Promise<void>;
}

export async function startPipeline(
  tenant: TenantFixture,
  env: Record<string, string> = {},
  sims: {
    graphIntercept?: Parameters<typeof startGraphSimulator>[0]['intercept'];
    dataverseIntercept?: Parameters<typeof startDataverseSimulator>[0]['intercept'];
    graphNotifications?: Parameters<typeof startGraphSimulator>[0]['notifications'];
  } = {},
): Promise<TestPipeline & { clock: ScaledClock }> {
  const azurite = await startAzurite({ inMemory: true });
  const clock = new ScaledClock(new Date(tenant.now ?? Date.now()));
  const graph = await startGraphSimulator({
    tenant,
    clock,
    ...(sims.graphIntercept ? { intercept: sims.graphIntercept } : {}),
    ...(sims.graphNotifications ? { notifications: sims.graphNotifications } : {}),
  });
  const dataverse = await startDataverseSimulator({
    tenant,
    clock,
    ...(sims.dataverseIntercept ? { intercept: sims.dataverseIntercept } : {}),
  });
  const settings = loadSettings({
    AzureWebJobsStorage: azurite.connectionString,
    GRAPH_BASE_URL: graph.baseUrl,
    DATAVERSE_URL: dataverse.baseUrl,
    CREDENTIAL_MODE: 'static',
    STATIC_TOKEN: 'test-token',
    ...env,
  });
  const sent: TestPipeline['sent'] = [];
  const queue = {
    send: async (q: QueueName, messages: OutgoingMessage[]) =>
      void sent.push(...messages.map((message) => ({ queue: q, message }))),
  };
  const deps = await composePipeline({ settings, queue, clock, log: createLog(() => undefined) });
  return {
    deps,
    graph,
    dataverse,
    sent,
    clock,
    async stop() {
      await graph.close();
      await dataverse.close();
      await azurite.stop();
    },
  };
}

/** A recorded message as a trigger hands it over. */
export const inbound = (m: OutgoingMessage) => ({
  body: m.body,
  messageId: m.messageId,
  ...(m.sessionId ? { sessionId: m.sessionId } : {}),
  deliveryCount: 1,
});
