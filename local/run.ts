// `exsync run`: the pipeline on one machine. The same stage handlers as on Azure, over the embedded
// queue, with checkpoints in Table Storage (embedded Azurite) and, unless real endpoints are configured,
// the Graph and Dataverse simulators seeded from a tenant fixture.
import { createWriteStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSettings, type Settings } from '../shared/config';
import { composePipeline, newRequestCounter, type RequestCounter } from '../shared/compose';
import { createLocalQueues } from '../shared/adapters/localqueue';
import { createLog, jsonLinesSink } from '../shared/log';
import type { ScheduleResult } from '../shared/pipeline/schedule';
import { MAX_TRANSIENT_FAILURES } from '../shared/pipeline/health';
import { createStages } from '../shared/pipeline/stages';
import { QUEUES, type QueueName, type QueuePort } from '../shared/ports';
import {
  initTelemetry,
  observeQueueDepth,
  telemetrySink,
  traceStage,
  tracedHandler,
  tracedQueue,
} from '../shared/telemetry';
import type { Decision } from '../shared/domain/activity';
import { replayMessageId } from '../shared/domain/queue-message-ids';
import { ScaledClock } from './clock';
import { DataDir, type DataDirState } from './data-dir';
import { EmbeddedHost } from './host';
import { startAzurite } from './azurite';
import { startGraphSimulator, type GraphSimulator, type GraphSimulatorOptions, type GraphSimStats } from './sim/graph';
import { startDataverseSimulator, type DataverseSimulator, type DataverseSimulatorOptions } from './sim/dataverse';
import { demoTenant } from './tenant/demo';
import { loadTenantFile } from './tenant/validate';
import type { TenantFixture, TimelineEvent } from './tenant/fixture';
import { buildDump } from './dump';
import { formatNothingDue, formatSummary, progressSink, summarize, type MailboxSummary } from './summary';
import {
  dataverseIntercept,
  faultsTables,
  graphIntercept,
  outageClock,
  seededRandom,
  parseFaults,
  tablesFault,
  type InjectedCounts,
} from './faults';
import { startTablesProxy } from './tables-proxy';
import { patient, rideOutOn } from './ride-out';
import { readSettingsFile } from './settings-file';
import { applyTimelineEvent } from './timeline';
import { withCrashPoints } from './crash';
import { holdSyncJobs, syncInOrder } from './in-order';
import { describeBody, keep, mailboxName, readKept } from './dlq';
import { BadInputError } from './bad-input';
import { runMode, usesSimulators } from './run-mode';

export interface RunArgs {
  once: boolean;
  tenant?: string;
  data: string;
  reset: boolean;
  dump?: string;
  faults?: string;
  settings?: string;
  /** Fewer progress lines (benchmarks). */
  quiet?: boolean;
  /** A fixture object instead of a file (bench). */
  tenantObject?: TenantFixture;
  /** Send the data directory's dead letters to their queues again before the first cycle (`exsync dlq replay`). */
  replayDeadLetters?: boolean;
  /** One mailbox at a time so a run is reproducible; `--once` default. Bench turns it off to measure throughput. */
  reproducible?: boolean;
  /**
   * Tests: simulator options over those SIM_LIMITS and --faults give (small custom limits, an intercept),
   * and a look at the simulators once they run (to expire delta tokens mid-run, say).
   */
  simOptions?: {
    graph?: Pick<GraphSimulatorOptions, 'limits' | 'latencyMs' | 'intercept' | 'hold'>;
    dataverse?: Pick<DataverseSimulatorOptions, 'limits' | 'latencyMs' | 'intercept' | 'hold'>;
  };
  /** Tests: the simulators once they run, and the run's clock (a test may make a call "take" clock time). */
  onSimulators?: (graph: GraphSimulator, dataverse: DataverseSimulator, clock: ScaledClock) => void;
}

/** What the simulators saw, when the run used them. */
export interface SimulatorFigures {
  graph: GraphSimStats;
  dataverse: ReturnType<DataverseSimulator['stats']>;
}

export interface RunResult {
  exitCode: number;
  summary: MailboxSummary[];
  decisions: Decision[];
  requests: RequestCounter;
  faults: InjectedCounts;
  deadLetters: number;
  ms: number;
  simulators?: SimulatorFigures;
}

const SIM_TOKEN = 'local-simulator-token';

export async function runCommand(args: RunArgs, out: NodeJS.WritableStream): Promise<RunResult> {
  const realStart = Date.now();
  const fromFile = args.settings ? readSettingsFile(args.settings) : {};
  const env: Record<string, string | undefined> = { ...process.env, ...fromFile };
  const useSims = usesSimulators(env, args);
  const simEnv = (graph: string, dataverse: string) =>
    useSims
      ? { GRAPH_BASE_URL: graph, DATAVERSE_URL: dataverse, CREDENTIAL_MODE: 'static', STATIC_TOKEN: SIM_TOKEN }
      : {};
  // Validate everything before starting anything, so a bad setting costs nothing.
  // The user's own values are checked as given, even those the simulators replace.
  const given = loadSettings(
    { ...env, ...(useSims ? { DATAVERSE_URL: 'http://127.0.0.1', STATIC_TOKEN: env.STATIC_TOKEN || SIM_TOKEN } : {}) },
    'local',
  );
  const simLimits = given.simLimits === 'real' ? ('real' as const) : undefined;
  const faults = args.faults ? parseFaultsArg(args.faults) : undefined;

  const dir = new DataDir(args.data);
  const reseed = !!args.tenant || !!args.tenantObject || args.reset || !dir.hasState();
  const tenant = reseed ? (args.tenantObject ?? (args.tenant ? loadTenantFile(args.tenant) : demoTenant())) : undefined;
  if (reseed) dir.reset();
  dir.ensure();
  const state: DataDirState = reseed
    ? {
        version: 1,
        seededFrom: args.tenant ?? 'demo',
        clock: tenant?.now ?? new Date().toISOString(),
        timelineApplied: 0,
      }
    : dir.read<DataDirState>('state.json');
  const timeline: TimelineEvent[] = reseed
    ? [...(tenant?.timeline ?? [])].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
    : dir.has('timeline.json')
      ? dir.read<TimelineEvent[]>('timeline.json')
      : [];
  if (reseed) dir.write('timeline.json', timeline);
  const mode = runMode({
    env,
    fromFile,
    ...(args.settings ? { settingsFile: args.settings } : {}),
    ...(args.tenant ? { tenant: args.tenant } : {}),
    tenantObject: !!args.tenantObject,
    reseed,
    seededFrom: state.seededFrom,
    data: args.data,
  });
  if (!args.quiet) out.write(`${mode.text}\n`);

  const speed = Number(env.CLOCK_SPEED ?? '1') || 1;
  const clock = new ScaledClock(new Date(state.clock), speed);
  clock.virtualWaits = args.once;
  const injected: InjectedCounts = {};
  // Outage windows count from the run's start: set once the stack is up, just before the pipeline starts.
  let runStartMs: number | undefined;
  const down = faults ? outageClock(faults, clock, () => runStartMs) : undefined;
  const logFile = createWriteStream(join(args.data, 'exsync.log'), { flags: 'a' });
  const stops: (() => Promise<void>)[] = [];
  try {
    const storage = env.AzureWebJobsStorage ? undefined : await startAzurite({ location: dir.azurite });
    if (storage) stops.push(() => storage.stop());
    let graphSim: GraphSimulator | undefined;
    let dvSim: DataverseSimulator | undefined;
    if (useSims) {
      const onPort = async <T>(
        what: string,
        port: number | undefined,
        start: (port: number) => Promise<T>,
      ): Promise<T> => {
        try {
          return await start(port ?? 0);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE')
            throw new Error(
              `the ${what} simulator's port ${port} is in use: is another exsync run using ${args.data}? Stop it, or give this run another --data directory (the simulators keep their port: the delta links they handed out point at it).`,
            );
          throw e;
        }
      };
      graphSim = await onPort('Graph', state.ports?.graph, (port) =>
        startGraphSimulator({
          ...(reseed ? { tenant: tenant! } : { snapshot: dir.read('graph.json') }),
          clock,
          port,
          ...(simLimits ? { limits: simLimits } : {}),
          ...(faults ? { intercept: graphIntercept(faults, injected, down) } : {}),
          ...(faults?.latencyMs['graph.latency'] ? { latencyMs: faults.latencyMs['graph.latency'] } : {}),
          ...args.simOptions?.graph,
        }),
      );
      stops.push(() => graphSim!.close());
      dvSim = await onPort('Dataverse', state.ports?.dataverse, (port) =>
        startDataverseSimulator({
          ...(reseed ? { tenant: tenant! } : { snapshot: dir.read('dataverse.json') }),
          clock,
          port,
          ...(simLimits ? { limits: simLimits } : {}),
          ...(faults ? { intercept: dataverseIntercept(faults, injected, down) } : {}),
          ...(faults?.latencyMs['dataverse.latency'] ? { latencyMs: faults.latencyMs['dataverse.latency'] } : {}),
          ...args.simOptions?.dataverse,
        }),
      );
      stops.push(() => dvSim!.close());
      args.onSimulators?.(graphSim, dvSim, clock);
      state.ports = { graph: Number(new URL(graphSim.baseUrl).port), dataverse: Number(new URL(dvSim.baseUrl).port) };
    }
    // Table Storage faults: a proxy in front of Azurite answers 503 ServerBusy when they strike.
    const tablesProxy =
      storage && faults && faultsTables(faults)
        ? await startTablesProxy(storage.connectionString, tablesFault(faults, injected, down))
        : undefined;
    if (tablesProxy) stops.push(() => tablesProxy.close());
    const settings: Settings = loadSettings(
      {
        ...env,
        ...(storage ? { AzureWebJobsStorage: tablesProxy?.connectionString ?? storage.connectionString } : {}),
        ...simEnv(graphSim?.baseUrl ?? '', dvSim?.baseUrl ?? ''),
      },
      'local',
    );

    // Spans and metrics to <data>/telemetry.jsonl (and OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set); a
    // caller that started telemetry already (a test with in-memory exporters) keeps its own.
    const telemetry = initTelemetry({
      mode: 'local',
      env,
      allowPersonal: settings.logPersonalData,
      dataDir: args.data,
    });
    let unobserveQueues = () => undefined as void;
    stops.push(async () => {
      await telemetry.flush(); // the last metric export still reads the queues
      await telemetry.shutdown();
      unobserveQueues();
    });
    const { sink, timings } = progressSink(out, jsonLinesSink(logFile), !!args.quiet);
    const log = createLog(telemetrySink(sink), settings.logPersonalData);
    const local = createLocalQueues(clock, { maxDeliveryCount: settings.queueMaxDeliveryCount });
    unobserveQueues = observeQueueDepth(() =>
      Object.fromEntries(Object.entries(local.queues).map(([n, q]) => [n, q.stats()])),
    );
    const requests = newRequestCounter();
    // Addresses on the terminal as the summary shows them: always for the simulators' made-up tenant.
    const showAddresses = settings.logPersonalData || useSims;
    const rideOut = rideOutOn(clock, log);
    runStartMs = clock.now().getTime();
    // No retries inside the Table SDK here: they sleep in real time, and the run's clock paces every retry.
    const deps = await rideOut('start', () =>
      composePipeline({ settings, queue: local.port, clock, log, counter: requests, tableClientRetries: 0 }),
    );
    // The loop's own reads between cycles (the timer's part) wait out an outage instead of ending the run.
    const loop = {
      ...deps,
      mailboxes: patient('mailboxes', deps.mailboxes, rideOut),
      ledger: patient('ledger', deps.ledger, rideOut),
      alerts: patient('alerts', deps.alerts, rideOut),
    };
    // `crash` faults: the stages' calls to outside systems may "kill the process" just before or after.
    const stageDeps = withCrashPoints(deps, faults?.rates.crash ?? 0, seededRandom((faults?.seed ?? 0) + 2), injected);
    const stages = createStages(stageDeps);
    // The timer's stage sends through this cycle's hold under `--once` (in-order.ts), else to the queue itself.
    let timerQueue: QueuePort = deps.queue;
    const timer = createStages({ ...deps, queue: { send: (q, m) => timerQueue.send(q, m) } });
    // `--once` runs mailboxes one after another (in-order.ts) so a run is reproducible, faults or not.
    const inOrder = args.reproducible ?? args.once;
    const host = new EmbeddedHost({
      queues: local.queues,
      handlers: {
        [QUEUES.syncJobs]: tracedHandler('sync', stages.sync),
        [QUEUES.activityWrites]: tracedHandler('write', stages.write),
      },
      clock,
      log,
      ...(inOrder ? { concurrency: { [QUEUES.syncJobs]: 1 } } : {}),
    });

    // `groupOnly`: just the events at the next pending instant, so that a run the faults made longer (the
    // clock moves over every Retry-After) still syncs between the same events as a run without them.
    const applyDueTimeline = async (groupOnly = false) => {
      const group = timeline[state.timelineApplied]?.at;
      while (
        state.timelineApplied < timeline.length &&
        Date.parse(timeline[state.timelineApplied]!.at) <= clock.now().getTime()
      ) {
        if (groupOnly && timeline[state.timelineApplied]!.at !== group) break;
        const ev = timeline[state.timelineApplied++]!;
        if (graphSim && dvSim) await applyTimelineEvent(ev, graphSim, dvSim.baseUrl, SIM_TOKEN);
      }
    };
    let lastSchedule: ScheduleResult | undefined;
    const cycle = async (force: boolean, timelineGroupOnly = false): Promise<MailboxSummary[]> => {
      const since = clock.now().toISOString();
      await applyDueTimeline(timelineGroupOnly);
      const hold = inOrder ? holdSyncJobs(local.port) : undefined;
      timerQueue = hold ? tracedQueue(hold.port) : deps.queue;
      // The timer function is retried by its next tick on Azure; here the cycle waits out the trouble itself.
      const r = await rideOut('schedule', () => traceStage({ stage: 'schedule' }, () => timer.schedule({ force })));
      lastSchedule = r;
      if (r.enqueued.length && !args.quiet) out.write(`Syncing ${r.enqueued.length} mailbox(es)…\n`);
      if (hold)
        await syncInOrder(hold.held, {
          port: local.port,
          deps: loop,
          clock,
          drain: () => host.drain({ skipIdleWaits: args.once }),
        });
      else await host.drain({ skipIdleWaits: args.once });
      const recent = (await loop.ledger.all()).filter((d) => d.decidedAt >= since);
      const rows = summarize(recent, timings);
      // "Nothing new" only after mailboxes were synced; when none was due, say when the next one is.
      const nothingDue = r.enqueued.length === 0 && rows.length === 0;
      if (!args.quiet)
        out.write(
          `${nothingDue ? formatNothingDue(r.waiting, clock.now(), speed) : formatSummary(rows, showAddresses)}\n`,
        );
      return rows;
    };

    let keptDeadLetters = readKept(dir);
    if (args.replayDeadLetters && keptDeadLetters.length) {
      for (const d of keptDeadLetters) {
        const queue = (Object.values(QUEUES) as string[]).includes(d.queue) ? (d.queue as QueueName) : undefined;
        if (!queue) continue;
        await local.port.send(queue, [
          {
            body: d.body,
            messageId: replayMessageId(d.messageId, String(Date.now())),
            ...(d.sessionId ? { sessionId: d.sessionId } : {}),
          },
        ]);
      }
      if (!args.quiet) out.write(`Replaying ${keptDeadLetters.length} dead letter(s)…\n`);
      keptDeadLetters = [];
    }
    let summary: MailboxSummary[] = [];
    if (args.once) {
      const runStart = clock.now().toISOString();
      summary = await cycle(true);
      // A mailbox that failed is retried when due (5 minutes later, as SSS does) until it syncs or is disabled.
      for (let round = 0; round < 2 * MAX_TRANSIENT_FAILURES; round++) {
        const eligible = new Set([
          ...(lastSchedule?.enqueued ?? []),
          ...(lastSchedule?.waiting ?? []).map((w) => w.mailboxId),
        ]);
        const pending = (await loop.mailboxes.list()).filter(
          (m) =>
            eligible.has(m.mailboxId) &&
            m.health.state !== 'disabled' &&
            (!m.health.lastSyncCompletedAt || m.health.lastSyncCompletedAt < runStart),
        );
        if (pending.length === 0) break;
        const next = Math.min(...pending.map((m) => Date.parse(m.health.nextDueAt ?? clock.now().toISOString())));
        if (next > clock.now().getTime()) clock.advance(next - clock.now().getTime());
        summary = summary.concat(await cycle(false));
      }
      // Timeline events after "now" happen while the run goes on: move the clock to each and sync again.
      while (state.timelineApplied < timeline.length) {
        const next = Date.parse(timeline[state.timelineApplied]!.at);
        const wait = next - clock.now().getTime();
        if (wait > 0) clock.advance(wait);
        summary = summary.concat(await cycle(true, true));
      }
    } else {
      let stopping = false;
      const onSignal = () => {
        if (stopping) {
          out.write(
            'Stopped at once: writes still queued were not carried out (their items are missing from Dataverse and the ledger; --reset starts over).\n',
          );
          process.exit(130);
        }
        out.write('\nStopping: finishing the writes already queued (Ctrl+C again to stop at once)…\n');
        stopping = true;
        host.stop();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      const tickMs = Math.min(60_000, settings.syncIntervalSeconds * 1000);
      summary = await cycle(true);
      if (!stopping)
        out.write(
          `Checking every ${Math.round(tickMs / 1000)} s for mailboxes that are due (each mailbox every ${settings.syncIntervalSeconds} s, SYNC_INTERVAL_SECONDS${speed === 1 ? '' : `; clock x${speed}`}). Press Ctrl+C to stop.\n`,
        );
      while (!stopping) {
        const wakeAt = Date.now() + clock.toRealMs(tickMs);
        while (!stopping && Date.now() < wakeAt) await new Promise((r) => setTimeout(r, 200));
        if (!stopping) await cycle(false);
      }
    }

    const deadLetters = Object.entries(local.queues).flatMap(([queue, q]) =>
      q.deadLetters().map((letter) => ({ queue, letter })),
    );
    const decisions = await loop.ledger.all();
    if (args.dump) {
      const dump = buildDump({
        dataverse: dvSim?.dump() ?? {},
        exchange: graphSim?.exchangeState() ?? {},
        decisions,
        deadLetters,
        alerts: await loop.alerts.all(),
      });
      writeFileSync(args.dump, `${JSON.stringify(dump, null, 2)}\n`);
    }
    if (graphSim) dir.write('graph.json', graphSim.snapshot());
    if (dvSim) dir.write('dataverse.json', dvSim.snapshot());
    dir.write('state.json', { ...state, clock: clock.now().toISOString() });
    const names =
      showAddresses && deadLetters.length
        ? new Map((await loop.mailboxes.list()).map((m) => [m.mailboxId, m.address]))
        : undefined;
    keep(dir, deadLetters, keptDeadLetters, names);
    const simulators = graphSim && dvSim ? { graph: graphSim.stats(), dataverse: dvSim.stats() } : undefined;
    if (simulators && (simLimits || args.simOptions?.graph?.limits || args.simOptions?.dataverse?.limits)) {
      const g = simulators.graph.throttled;
      const d = simulators.dataverse.throttled;
      log.info('sim.throttled', {
        graphConcurrency: g.concurrency,
        graphWindow: g.window,
        dataverseRequests: d.requests,
        dataverseExecutionTime: d.executionTime,
        dataverseConcurrency: d.concurrency,
      });
      if (!args.quiet)
        out.write(
          `Simulator limits: Graph answered ${g.concurrency + g.window} 429(s) (concurrency ${g.concurrency}, window ${g.window}); Dataverse ${d.requests + d.executionTime + d.concurrency} (requests ${d.requests}, execution time ${d.executionTime}, concurrency ${d.concurrency}).\n`,
        );
    }
    if (deadLetters.length) {
      out.write(
        `${deadLetters.length} message(s) were dead-lettered (kept in ${args.data}; \`exsync dlq list\` shows them, \`exsync dlq replay\` runs them again):\n`,
      );
      for (const d of deadLetters.slice(0, 10))
        out.write(
          `  ${d.queue}: ${describeBody(d.letter.body, mailboxName(d.letter.body, names))}: ${d.letter.reason} ${d.letter.description}\n`,
        );
    }
    return {
      exitCode: deadLetters.length ? 1 : 0,
      summary,
      decisions,
      requests,
      faults: injected,
      deadLetters: deadLetters.length,
      ms: Date.now() - realStart,
      ...(simulators ? { simulators } : {}),
    };
  } catch (e) {
    // A failure against the real services says why they were used and how to use the simulators.
    if (mode.adviceFor) throw new Error(`${(e as Error).message}\n${mode.adviceFor(e)}`, { cause: e });
    throw e;
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    await new Promise<void>((r) => logFile.end(() => r()));
  }
}

/** --faults: a spec that does not parse is bad input (exit 2), as a bad setting is. */
function parseFaultsArg(spec: string): ReturnType<typeof parseFaults> {
  try {
    return parseFaults(spec);
  } catch (e) {
    throw new BadInputError((e as Error).message);
  }
}
