// The commands of `exsync`, once their arguments have parsed (cli.ts).
import { PassThrough } from 'node:stream';
import { loadSettings } from '../shared/config';
import { runCommand } from './run';
import { ScaledClock } from './clock';
import { startGraphSimulator } from './sim/graph';
import { startDataverseSimulator } from './sim/dataverse';
import { demoTenant } from './tenant/demo';
import { loadTenantFile } from './tenant/validate';
import { explainCommand } from './explain';
import { formatExplanation } from './explain-text';
import { runBench } from './bench';
import { formatBench } from './bench/report';
import { formatDeadLetters, listDeadLetters, readKept, replayServiceBus } from './dlq';
import { DataDir } from './data-dir';
import { BadInputError } from './bad-input';
import { UsageError, type Flags } from './cli-usage';
import { withProgress } from './progress';
import { namesDeployment, openTarget, type TargetArgs } from './target';
import { formatMailboxes, listMailboxes } from './mailbox-list';
import { mailboxCommand, shadowCommand } from './cutover-commands';

function intFlag(command: string, flags: Flags, name: string, dflt: number, min: number, max: number): number {
  const v = flags[name];
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not "${v}"`, command);
  return n;
}

async function sim(flags: Flags): Promise<number> {
  // The local settings the simulators read (CLOCK_SPEED, SIM_LIMITS), validated as `run` validates them.
  const s = loadSettings({ CLOCK_SPEED: process.env.CLOCK_SPEED, SIM_LIMITS: process.env.SIM_LIMITS }, 'local');
  const limits = s.simLimits === 'real' ? ({ limits: 'real' } as const) : {};
  const tenant = typeof flags.tenant === 'string' ? loadTenantFile(flags.tenant) : demoTenant();
  const clock = new ScaledClock(tenant.now ? new Date(tenant.now) : new Date(), s.clockSpeed);
  const graph = await startGraphSimulator({
    tenant,
    clock,
    port: intFlag('sim', flags, 'graph-port', 0, 0, 65535),
    ...limits,
  });
  const dataverse = await startDataverseSimulator({
    tenant,
    clock,
    port: intFlag('sim', flags, 'dataverse-port', 0, 0, 65535),
    ...limits,
  });
  process.stdout.write(`graph: ${graph.baseUrl}\ndataverse: ${dataverse.baseUrl}\n`);
  if (s.simLimits === 'real')
    process.stderr.write(`Service protection limits are on (SIM_LIMITS=real), on a clock x${s.clockSpeed}.\n`);
  process.stderr.write('Any non-empty bearer token is accepted. Press Ctrl+C to stop.\n');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await Promise.all([graph.close(), dataverse.close()]);
  return 0;
}

async function bench(flags: Flags): Promise<number> {
  const mailboxes = intFlag('bench', flags, 'mailboxes', 10, 2, 1000);
  const perMailbox = intFlag('bench', flags, 'messages-per-mailbox', 200, 1, 100000);
  const options = {
    mailboxes,
    messagesPerMailbox: perMailbox,
    arrivalsPerMailbox: intFlag('bench', flags, 'arrivals-per-mailbox', 20, 1, 1000),
    liveMinutes: intFlag('bench', flags, 'live-minutes', 60, 5, 1440),
    scheduleMailboxes: intFlag('bench', flags, 'schedule-mailboxes', 10_000, 0, 100_000),
  };
  const say = (line: string) => void (flags.json ? undefined : process.stdout.write(`${line}\n`));
  say(`Benchmark: ${mailboxes} mailboxes x ${perMailbox} messages, then ${options.liveMinutes} minutes of arrivals…`);
  const { result } = await runBench(options, say);
  process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatBench(result)}\n`);
  return 0;
}

/** Where an admin command reads: --data, --settings, --deployment (local/target.ts). */
function targetArgs(flags: Flags): TargetArgs {
  return {
    data: typeof flags.data === 'string' ? flags.data : '.exsync',
    ...(typeof flags.settings === 'string' ? { settings: flags.settings } : {}),
    ...(typeof flags.deployment === 'string' ? { deployment: flags.deployment } : {}),
  };
}

async function dlq(action: string, flags: Flags): Promise<number> {
  const { data, settings, deployment } = targetArgs(flags);
  if (action === 'list') {
    const list = await withProgress('Reading dead letters', () => listDeadLetters(targetArgs(flags)));
    process.stdout.write(flags.json ? `${JSON.stringify(list, null, 2)}\n` : `${formatDeadLetters(list)}\n`);
    return 0;
  }
  const onServiceBus = await withProgress('Replaying dead letters', () => replayServiceBus(settings, deployment));
  if (onServiceBus) {
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ replayed: onServiceBus }, null, 2)}\n`);
      return 0;
    }
    process.stdout.write(
      `Moved back to their queues: ${Object.entries(onServiceBus)
        .map(([q, n]) => `${q} ${n}`)
        .join(', ')}\n`,
    );
    return 0;
  }
  // Locally: a run that starts by sending them again, and ends like any `--once` run.
  if (!new DataDir(data).hasState())
    throw new BadInputError(`nothing has run in ${data} yet: there are no dead letters to replay (use --data)`);
  const replayed = readKept(new DataDir(data)).length;
  // With --json the run's own lines are left out: one object says what was replayed and how the run ended.
  const out = flags.json ? new PassThrough().resume() : process.stdout;
  const r = await runCommand(
    { once: true, data, reset: false, replayDeadLetters: true, ...(settings ? { settings } : {}) },
    out,
  );
  if (flags.json)
    process.stdout.write(
      `${JSON.stringify({ replayed: { local: replayed }, deadLetters: r.deadLetters, exitCode: r.exitCode }, null, 2)}\n`,
    );
  return r.exitCode;
}

/** `mailbox list` of a deployment reads its registry; the cut-over's actions work on the local data directory. */
async function mailboxOn([action, name]: string[], flags: Flags): Promise<number> {
  if (!namesDeployment(targetArgs(flags))) return await mailboxCommand(action, name, flags);
  if (action === 'list') return await deployedMailboxes(flags);
  throw new BadInputError(
    `mailbox ${action} works on the local data directory only; against a deployment only list is available`,
  );
}

async function deployedMailboxes(flags: Flags): Promise<number> {
  const rows = await withProgress('Reading the mailbox registry', async () => {
    const target = await openTarget(targetArgs(flags));
    try {
      return await listMailboxes(target);
    } finally {
      await target.close();
    }
  });
  process.stdout.write(flags.json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatMailboxes(rows)}\n`);
  return 0;
}

export async function runCli(command: string, flags: Flags, positional: string[]): Promise<number> {
  if (command === 'sim') return await sim(flags);
  if (command === 'explain') {
    const e = await withProgress('Reading the ledger', (p) =>
      explainCommand(
        { ...(typeof flags.item === 'string' ? { item: flags.item } : { id: positional[0] }), ...targetArgs(flags) },
        p,
      ),
    );
    process.stdout.write(flags.json ? `${JSON.stringify(e, null, 2)}\n` : `${formatExplanation(e)}\n`);
    return 0;
  }
  if (command === 'bench') return await bench(flags);
  if (command === 'dlq') return await dlq(positional[0], flags);
  if (command === 'mailbox') return await mailboxOn(positional, flags);
  if (command === 'shadow') return await shadowCommand(flags);
  const r = await runCommand(
    {
      once: flags.once === true,
      ...(typeof flags.tenant === 'string' ? { tenant: flags.tenant } : {}),
      data: typeof flags.data === 'string' ? flags.data : '.exsync',
      reset: flags.reset === true,
      ...(typeof flags.dump === 'string' ? { dump: flags.dump } : {}),
      ...(typeof flags.faults === 'string' ? { faults: flags.faults } : {}),
      ...(typeof flags.settings === 'string' ? { settings: flags.settings } : {}),
    },
    process.stdout,
  );
  return r.exitCode;
}
