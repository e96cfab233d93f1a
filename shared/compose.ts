// The composition root: turns settings into the ports the stages use, and the stages bound to them. Azure
// and the local runtime both build their PipelineDeps here; only the queue port differs (Service Bus or the
// embedded queue).
import { stageSettings, type Settings } from './config';
import type { Clock, Log, QueuePort } from './ports';
import type { PipelineDeps } from './pipeline/deps';
import { createStages, type Stages } from './pipeline/stages';
import { azureResourceCredential, createCredential, scopeFor, tokenSource } from './adapters/identity';
import { createGraphClient } from './adapters/graph/client';
import { createGraphCategories } from './adapters/graph/categories';
import { createGraphSubscriptions } from './adapters/graph/subscriptions';
import { createDataverseAdapter } from './adapters/dataverse';
import { createGraphSender } from './adapters/graph/send';
import { createOutbox } from './adapters/dataverse/outbox';
import { createWebApi } from './adapters/dataverse/http';
import { createMailboxColumns } from './adapters/dataverse/mailbox-columns';
import { createTableStore, type TableStore } from './adapters/tables';
import { createGraphAct } from './adapters/graph/act';
import { createDataverseAct } from './adapters/dataverse/act';
import { instrumentPipeline, recordRequest } from './telemetry';

export interface RequestCounter {
  graph: number;
  dataverse: number;
  byRoute: Record<string, number>;
}

export function newRequestCounter(): RequestCounter {
  return { graph: 0, dataverse: 0, byRoute: {} };
}

/** Table Storage by connection string (local) or endpoint + managed identity (Azure). */
export async function tablesFor(s: Settings, maxRetries?: number): Promise<TableStore> {
  if (!s.storageConnectionString && !s.tableServiceUri)
    throw new Error('AzureWebJobsStorage__tableServiceUri (or AzureWebJobsStorage) is not set');
  const tables = createTableStore({
    ...(s.storageConnectionString ? { connectionString: s.storageConnectionString } : {}),
    ...(!s.storageConnectionString && s.tableServiceUri
      ? { endpoint: s.tableServiceUri, credential: azureResourceCredential(s) }
      : {}),
    tablePrefix: s.tablePrefix,
    allowInsecure:
      !!s.storageConnectionString && /127\.0\.0\.1|localhost|UseDevelopmentStorage/.test(s.storageConnectionString),
    ...(maxRetries !== undefined ? { maxRetries } : {}),
  });
  await tables.ensureTables();
  return tables;
}

export interface ComposeOptions {
  settings: Settings;
  queue: QueuePort;
  clock: Clock;
  log: Log;
  counter?: RequestCounter;
  /** The Table SDK's own retries within a call; the local runtime sets 0 so its clock paces every retry. */
  tableClientRetries?: number;
}

/** Each request is recorded in telemetry, and in the caller's counter when it passes one (bench, run summary). */
function requestCounting(counter: RequestCounter | undefined) {
  return (system: 'graph' | 'dataverse') => (route: string) => {
    recordRequest(system, route);
    if (!counter) return;
    counter[system]++;
    const k = `${system}.${route}`;
    counter.byRoute[k] = (counter.byRoute[k] ?? 0) + 1;
  };
}

export async function composePipeline(o: ComposeOptions): Promise<PipelineDeps & { tables: TableStore }> {
  const s = o.settings;
  if (!s.dataverseUrl) throw new Error('DATAVERSE_URL is not set');
  const credential = createCredential(s);
  const count = requestCounting(o.counter);
  const tables = await tablesFor(s, o.tableClientRetries);
  const graphOptions = {
    baseUrl: s.graphBaseUrl,
    token: tokenSource(credential, scopeFor(s.graphBaseUrl)),
    pageSize: s.graphPageSize,
    clock: o.clock,
    onRequest: count('graph'),
  };
  // One Dataverse client for the adapter, the outbox and the cut-over's mailbox columns: one concurrency limit
  // and one service-protection wait.
  const dataverseApi = createWebApi({
    url: s.dataverseUrl,
    token: tokenSource(credential, scopeFor(s.dataverseUrl)),
    clock: o.clock,
    onRequest: count('dataverse'),
  });
  // Telemetry decorators around the ports (spans, metrics, promotion.decided); no-ops until telemetry starts.
  return instrumentPipeline(
    {
      graph: createGraphClient(graphOptions),
      dataverse: createDataverseAdapter({
        url: s.dataverseUrl,
        token: tokenSource(credential, scopeFor(s.dataverseUrl)),
        clock: o.clock,
        batchSize: s.dataverseBatchSize,
        partyTables: s.partyExtraTables,
        api: dataverseApi,
      }),
      mailSend: createGraphSender(graphOptions),
      categories: createGraphCategories(graphOptions),
      outbox: createOutbox(dataverseApi),
      graphSubscriptions: createGraphSubscriptions(graphOptions),
      subscriptions: tables.subscriptions,
      act: actPorts(s, graphOptions, tables, credential, count('dataverse')),
      checkpoints: tables.checkpoints,
      mailboxes: tables.mailboxes,
      ledger: tables.ledger,
      correlation: tables.correlation,
      alerts: tables.alerts,
      ownership: tables.ownership,
      mailboxColumns: createMailboxColumns(dataverseApi),
      queue: o.queue,
      clock: o.clock,
      log: o.log,
      settings: stageSettings(s),
      tables,
    },
    { allowPersonal: s.logPersonalData },
  );
}

/** The ACT job's ports: contacts and tasks through Graph and the Web API, the links in Table Storage. */
function actPorts(
  s: Settings,
  graphOptions: Parameters<typeof createGraphAct>[0],
  tables: TableStore,
  credential: ReturnType<typeof createCredential>,
  onRequest: (route: string) => void,
): NonNullable<PipelineDeps['act']> {
  const token = tokenSource(credential, scopeFor(s.dataverseUrl!));
  return {
    exchange: createGraphAct(graphOptions),
    dataverse: createDataverseAct(createWebApi({ url: s.dataverseUrl!, token, clock: graphOptions.clock, onRequest })),
    links: tables.actLinks,
  };
}

/** A Functions process: the ports, and the stages bound to them once (the local runtime wraps the ports first). */
export async function composeStages(o: ComposeOptions): Promise<Stages> {
  return createStages(await composePipeline(o));
}
