// The product in `exsync bench`: the same stage handlers as `exsync run` (schedule, sync, write) over the
// embedded queue and Table Storage in Azurite, against the bench's simulators, counting what Azure bills:
// Functions executions and their durations, Service Bus operations, Table Storage transactions, log volume.
import { loadSettings } from '../../shared/config';
import { composePipeline } from '../../shared/compose';
import { createLocalQueues } from '../../shared/adapters/localqueue';
import { createLog } from '../../shared/log';
import { createStages } from '../../shared/pipeline/stages';
import { QUEUES, type QueuePort } from '../../shared/ports';
import type { InboundMessage } from '../../shared/pipeline/deps';
import type { ScaledClock } from '../clock';
import { EmbeddedHost } from '../host';
import { startAzurite } from '../azurite';
import { startTablesProxy } from '../tables-proxy';

/** What a run of ours counted, for the Azure cost estimate (cost.ts). */
export interface AzureUsage {
  executions: number;
  /** Sum of the handlers' wall-clock durations, in seconds. */
  executionSeconds: number;
  serviceBusOperations: number;
  tableTransactions: number;
  telemetryBytes: number;
}

export interface OursSystem {
  tick(): Promise<void>;
  tickMs: number;
  /** How long until ours hears of a message delivered to `mailbox` now (see `hearOf`). */
  onArrival(mailbox: string): number;
  decided(): Promise<number>;
  usage: AzureUsage;
  close(): Promise<void>;
}

/**
 * How the product learns that a message arrived. Today its polling finds it at the mailbox's next scheduled
 * sync, so there is no notification to wait for: 0. When change notifications drive syncs, this is the one
 * place to switch: start the Graph simulator with delivery to the notify endpoint and return its delay.
 */
function hearOf(): number {
  return 0;
}

export async function startOurs(o: {
  graphUrl: string;
  dataverseUrl: string;
  clock: ScaledClock;
}): Promise<OursSystem> {
  const stops: (() => Promise<void>)[] = [];
  const usage: AzureUsage = {
    executions: 0,
    executionSeconds: 0,
    serviceBusOperations: 0,
    tableTransactions: 0,
    telemetryBytes: 0,
  };
  try {
    const azurite = await startAzurite({ inMemory: true });
    stops.push(() => azurite.stop());
    const proxy = await startTablesProxy(azurite.connectionString, () => (usage.tableTransactions++, false));
    stops.push(() => proxy.close());
    const settings = loadSettings(
      {
        AzureWebJobsStorage: proxy.connectionString,
        GRAPH_BASE_URL: o.graphUrl,
        DATAVERSE_URL: o.dataverseUrl,
        CREDENTIAL_MODE: 'static',
        STATIC_TOKEN: 'bench-ours',
      },
      'local',
    );
    const log = createLog((level, event, props) => {
      usage.telemetryBytes += JSON.stringify({ level, event, ...props }).length + 40; // + timestamp and framing
    });
    const local = createLocalQueues(o.clock, { maxDeliveryCount: settings.queueMaxDeliveryCount });
    const queue: QueuePort = {
      send: (q, messages) => ((usage.serviceBusOperations += messages.length), local.port.send(q, messages)),
    };
    const deps = await composePipeline({ settings, queue, clock: o.clock, log, tableClientRetries: 0 });
    const stages = createStages(deps);
    // One Functions execution per message: receive and complete (or abandon) are two more Service Bus operations.
    const billed =
      (handler: (m: InboundMessage) => Promise<void>) =>
      async (m: InboundMessage): Promise<void> => {
        const started = Date.now();
        usage.executions++;
        usage.serviceBusOperations += 2;
        try {
          await handler(m);
        } finally {
          usage.executionSeconds += (Date.now() - started) / 1000;
        }
      };
    const host = new EmbeddedHost({
      queues: local.queues,
      handlers: { [QUEUES.syncJobs]: billed(stages.sync), [QUEUES.activityWrites]: billed(stages.write) },
      clock: o.clock,
      log,
    });
    return {
      tickMs: 60_000, // the timer trigger's schedule, once a minute
      async tick() {
        const started = Date.now();
        usage.executions++;
        await stages.schedule();
        usage.executionSeconds += (Date.now() - started) / 1000;
        await host.drain({ skipIdleWaits: true });
      },
      onArrival: () => hearOf(),
      decided: async () => (await deps.ledger.all()).length,
      usage,
      async close() {
        for (const stop of stops.reverse()) await stop().catch(() => undefined);
      },
    };
  } catch (e) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw e;
  }
}
