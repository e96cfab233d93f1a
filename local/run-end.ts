// The end of `exsync run`: the state dump when asked for, the simulators' snapshots and the clock kept in the
// data directory, dead letters kept there and reported, and the simulators' 429s when limits were on.
import { writeFileSync } from 'node:fs';
import type { LocalQueue } from '../shared/adapters/localqueue';
import type { RequestCounter } from '../shared/compose';
import type { AlertLog, Ledger, Log, MailboxRegistry } from '../shared/ports';
import type { ScaledClock } from './clock';
import type { DataDir, DataDirState } from './data-dir';
import { describeBody, keep, mailboxName, type KeptDeadLetter } from './dlq';
import { buildDump } from './dump';
import type { InjectedCounts } from './faults';
import type { RunArgs, RunResult } from './run-args';
import type { DataverseSimulator } from './sim/dataverse';
import type { GraphSimulator } from './sim/graph';
import type { MailboxSummary } from './summary';

export interface RunEnd {
  args: RunArgs;
  out: NodeJS.WritableStream;
  dir: DataDir;
  state: DataDirState;
  clock: ScaledClock;
  log: Log;
  queues: Record<string, LocalQueue>;
  ledger: Ledger;
  mailboxes: MailboxRegistry;
  alerts: AlertLog;
  graphSim: GraphSimulator | undefined;
  dvSim: DataverseSimulator | undefined;
  simLimits: 'real' | undefined;
  showAddresses: boolean;
  keptDeadLetters: KeptDeadLetter[];
  summary: MailboxSummary[];
  requests: RequestCounter;
  injected: InjectedCounts;
  /** Date.now() when the run began. */
  realStart: number;
}

export async function finishRun(o: RunEnd): Promise<RunResult> {
  const { args, out, dir, state, clock, log, queues, ledger, mailboxes, alerts, graphSim, dvSim, simLimits } = o;
  const { showAddresses, keptDeadLetters, summary, requests, injected, realStart } = o;
  const deadLetters = Object.entries(queues).flatMap(([queue, q]) =>
    q.deadLetters().map((letter) => ({ queue, letter })),
  );
  const decisions = await ledger.all();
  if (args.dump) {
    const dump = buildDump({
      dataverse: dvSim?.dump() ?? {},
      exchange: graphSim?.exchangeState() ?? {},
      decisions,
      deadLetters,
      alerts: await alerts.all(),
    });
    writeFileSync(args.dump, `${JSON.stringify(dump, null, 2)}\n`);
  }
  if (graphSim) dir.write('graph.json', graphSim.snapshot());
  if (dvSim) dir.write('dataverse.json', dvSim.snapshot());
  dir.write('state.json', { ...state, clock: clock.now().toISOString() });
  const names =
    showAddresses && deadLetters.length
      ? new Map((await mailboxes.list()).map((m) => [m.mailboxId, m.address]))
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
}
