// Every port of the pipeline in memory, for stage unit tests that run in milliseconds: no Azurite, no
// simulators. Each fake keeps the promise its port makes (see the files beside this one).
import type { DvMailbox, MailboxRecord } from '../../../shared/ports';
import type { PipelineDeps, StageSettings } from '../../../shared/pipeline/deps';
import { loadSettings, stageSettings } from '../../../shared/config';
import { fakeClock, type FakeClock } from './clock';
import { fakeLog, type FakeLog } from './log';
import { fakeQueue, type FakeQueue } from './queue';
import { fakeGraph, type FakeGraph } from './graph';
import { fakeDataverse, orgWith, type FakeDataverse } from './dataverse';
import {
  fakeAlerts,
  fakeCheckpoints,
  fakeCorrelation,
  fakeLedger,
  fakeMailboxes,
  type FakeCheckpoints,
} from './tables';

export { delivered } from './queue';
export { userMailbox } from './dataverse';
export { promotedEntry, skippedEntry, writeBatchOf } from './entries';

export interface FakePipeline {
  deps: PipelineDeps;
  clock: FakeClock;
  log: FakeLog;
  queue: FakeQueue;
  graph: FakeGraph;
  dataverse: FakeDataverse;
  checkpoints: FakeCheckpoints;
  alerts: ReturnType<typeof fakeAlerts>;
  correlation: ReturnType<typeof fakeCorrelation>;
}

export function fakePipeline(
  o: { mailboxes?: DvMailbox[]; registry?: MailboxRecord[]; settings?: Partial<StageSettings>; now?: string } = {},
): FakePipeline {
  const clock = fakeClock(o.now);
  const log = fakeLog();
  const queue = fakeQueue(clock);
  const graph = fakeGraph();
  const dataverse = fakeDataverse(orgWith(o.mailboxes ?? []), clock);
  const checkpoints = fakeCheckpoints();
  const alerts = fakeAlerts();
  const correlation = fakeCorrelation();
  const deps: PipelineDeps = {
    graph,
    dataverse,
    checkpoints,
    mailboxes: fakeMailboxes(o.registry),
    ledger: fakeLedger(),
    correlation,
    alerts,
    queue,
    clock,
    log,
    settings: {
      ...stageSettings(loadSettings({})),
      syncIntervalSeconds: 60,
      syncTimeBudgetSeconds: 240,
      writeBatchMaxBytes: 200_000,
      ...o.settings,
    },
  };
  return { deps, clock, log, queue, graph, dataverse, checkpoints, alerts, correlation };
}

/** A registry row as the schedule first writes it. */
export function healthyRecord(m: DvMailbox): MailboxRecord {
  return {
    mailboxId: m.mailboxid,
    address: m.address,
    owner: m.owner,
    enabledForIncoming: true,
    health: { state: 'healthy', consecutiveFailures: 0 },
  };
}
