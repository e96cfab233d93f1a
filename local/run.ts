// `exsync run`: the pipeline on one machine. The same stage handlers as on Azure, over the embedded
// queue, with checkpoints in Table Storage (embedded Azurite) and, unless real endpoints are configured,
// the Graph and Dataverse simulators seeded from a tenant fixture.
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { loadSettings, type Settings } from '../shared/config';
import { composePipeline, newRequestCounter } from '../shared/compose';
import { createLocalQueues } from '../shared/adapters/localqueue';
import { createLog, jsonLinesSink } from '../shared/log';
import type { ScheduleResult } from '../shared/pipeline/schedule';
import { createStages } from '../shared/pipeline/stages';
import { QUEUES, type QueuePort } from '../shared/ports';
import {
  initTelemetry,
  observeQueueDepth,
  telemetrySink,
  traceStage,
  tracedHandler,
  tracedQueue,
} from '../shared/telemetry';
import { ScaledClock } from './clock';
import { DataDir, type DataDirState } from './data-dir';
import { EmbeddedHost } from './host';
import { startAzurite } from './azurite';
import { demoTenant } from './tenant/demo';
import { loadTenantFile } from './tenant/validate';
import type { TimelineEvent } from './tenant/fixture';
import { formatNothingDue, formatSummary, progressSink, summarize, type MailboxSummary } from './summary';
import { faultsTables, outageClock, seededRandom, parseFaults, tablesFault, type InjectedCounts } from './faults';
import { startTablesProxy } from './tables-proxy';
import { patient, rideOutOn } from './ride-out';
import { readSettingsFile } from './settings-file';
import { applyTimelineEvent } from './timeline';
import { withCrashPoints } from './crash';
import { holdSyncJobs, syncInOrder } from './in-order';
import { readKept, sendKept } from './dlq';
import { BadInputError } from './bad-input';
import { runMode, usesSimulators } from './run-mode';
import type { RunArgs, RunResult } from './run-args';
import { finishRun } from './run-end';
import { runOnce, runUntilStopped } from './run-loop';
import { startSimulators } from './run-simulators';
import { startLocalNotify } from './run-notify';
import { localStatusSources, throttleTally } from './status-sources';
import { startStatusServer } from './status-server';

export type { RunArgs, RunResult } from './run-args';

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
    const sims = useSims
      ? await startSimulators({ args, state, dir, reseed, tenant, clock, simLimits, faults, injected, down, stops })
      : undefined;
    const graphSim = sims?.graph;
    const dvSim = sims?.dataverse;
    // Table Storage faults: a proxy in front of Azurite answers 503 ServerBusy when they strike.
    const tablesProxy =
      storage && faults && faultsTables(faults)
        ? await startTablesProxy(storage.connectionString, tablesFault(faults, injected, down))
        : undefined;
    if (tablesProxy) stops.push(() => tablesProxy.close());
    const notify = await startLocalNotify({ once: args.once, useSims, env, stops });
    const settings: Settings = loadSettings(
      {
        ...env,
        ...notify.env,
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
    const throttles = throttleTally(sink, clock.now());
    const log = createLog(telemetrySink(throttles.sink), settings.logPersonalData);
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
    const notifyLine = notify.startLine(settings);
    if (notifyLine && !args.quiet) out.write(`${notifyLine}\n`);
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
    notify.bind(createStages(deps), host);

    // `groupOnly`: just the events at the next pending instant, so that a run the faults made longer (the
    // clock moves over every Retry-After) still syncs between the same events as a run without them.
    const applyDueTimeline = async (groupOnly = false) => {
      const group = timeline[state.timelineApplied]?.at;
      while (
        state.timelineApplied < timeline.length &&
        Date.parse(timeline[state.timelineApplied].at) <= clock.now().getTime()
      ) {
        if (groupOnly && timeline[state.timelineApplied].at !== group) break;
        const ev = timeline[state.timelineApplied++];
        if (graphSim && dvSim) await applyTimelineEvent(ev, graphSim, dvSim.baseUrl, SIM_TOKEN);
      }
    };
    let lastSchedule: ScheduleResult | undefined;
    const cycle = async (force: boolean, timelineGroupOnly = false): Promise<MailboxSummary[]> => {
      const since = clock.now().toISOString();
      await applyDueTimeline(timelineGroupOnly);
      const hold = inOrder ? holdSyncJobs(local.port) : undefined;
      // The timer function is retried by its next tick on Azure; here the cycle waits out the trouble itself.
      timerQueue = hold ? tracedQueue(hold.port) : deps.queue;
      const r = await rideOut('schedule', () => traceStage({ stage: 'schedule' }, () => timer.schedule({ force })));
      lastSchedule = r;
      // The subscriptions timer after the schedule, which registers new mailboxes; the next tick polls by them.
      if (notify.on) await rideOut('subscriptions', () => timer.subscriptions());
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
      await sendKept(local.port, keptDeadLetters);
      if (!args.quiet) out.write(`Replaying ${keptDeadLetters.length} dead letter(s)…\n`);
      keptDeadLetters = [];
    }
    if (!args.once) {
      const sources = {
        stores: loop,
        clock,
        dir,
        queues: local.queues,
        throttling: throttles.read,
        showPersonal: showAddresses,
      };
      const page = await startStatusServer(localStatusSources(sources));
      stops.push(() => page.close());
      out.write(`status: ${page.url}\n`);
    }
    const summary = args.once
      ? await runOnce({ cycle, clock, state, timeline, mailboxes: loop.mailboxes, lastSchedule: () => lastSchedule })
      : await runUntilStopped({ cycle, clock, out, host, speed, syncIntervalSeconds: settings.syncIntervalSeconds });

    return await finishRun({
      args,
      out,
      dir,
      state,
      clock,
      log,
      queues: local.queues,
      ledger: loop.ledger,
      mailboxes: loop.mailboxes,
      alerts: loop.alerts,
      graphSim,
      dvSim,
      simLimits,
      showAddresses,
      keptDeadLetters,
      summary,
      requests,
      injected,
      realStart,
    });
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
