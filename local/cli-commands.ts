// The commands of `exsync`, once their arguments have parsed (cli.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '../shared/config';
import { runCommand } from './run';
import { ScaledClock } from './clock';
import { startGraphSimulator } from './sim/graph';
import { startDataverseSimulator } from './sim/dataverse';
import { demoTenant } from './tenant/demo';
import { loadTenantFile } from './tenant/validate';
import { explainCommand } from './explain';
import { formatExplanation } from './explain-text';
import { engineBenchmark } from './bench-engine';
import { formatDeadLetters, listDeadLetters, replayServiceBus } from './dlq';
import { DataDir } from './data-dir';
import { BadInputError } from './bad-input';
import { UsageError, type Flags } from './cli-usage';
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
  const mailboxes = intFlag('bench', flags, 'mailboxes', 10, 1, 1000);
  const perMailbox = intFlag('bench', flags, 'messages-per-mailbox', 200, 1, 100000);
  const data = mkdtempSync(join(tmpdir(), 'exsync-bench-'));
  try {
    const tenant = demoTenant({ mailboxes, messagesPerMailbox: perMailbox });
    if (!flags.json) process.stdout.write(`Benchmark: ${mailboxes} mailbox(es) x ${perMailbox} message(s)…\n`);
    const r = await runCommand(
      { once: true, data, reset: true, quiet: true, tenantObject: tenant, reproducible: false },
      process.stdout,
    );
    const promoted = r.decisions.filter((d) => d.outcome === 'promoted').length;
    const seconds = r.ms / 1000;
    const figures = {
      mailboxes,
      messagesPerMailbox: perMailbox,
      itemsDecided: r.decisions.length,
      promoted,
      seconds: Number(seconds.toFixed(2)),
      itemsPerSecond: Number((r.decisions.length / seconds).toFixed(1)),
      promotedPerSecond: Number((promoted / seconds).toFixed(1)),
      graphRequests: r.requests.graph,
      dataverseRequests: r.requests.dataverse,
      graphRequestsPerPromoted: promoted ? Number((r.requests.graph / promoted).toFixed(3)) : null,
      dataverseRequestsPerPromoted: promoted ? Number((r.requests.dataverse / promoted).toFixed(3)) : null,
      dataverseRequestsPer100Seen: r.decisions.length
        ? Number(((100 * r.requests.dataverse) / r.decisions.length).toFixed(2))
        : null,
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      engineMicrosPerEmail: (await engineBenchmark(tenant)).microsPerItem,
    };
    if (flags.json) process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
    else for (const [k, v] of Object.entries(figures)) process.stdout.write(`  ${k.padEnd(30)} ${v}\n`);
    return r.exitCode;
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
}

async function dlq(action: string, flags: Flags): Promise<number> {
  const data = typeof flags.data === 'string' ? flags.data : '.exsync';
  const settings = typeof flags.settings === 'string' ? flags.settings : undefined;
  if (action === 'list') {
    const list = await listDeadLetters({ data, ...(settings ? { settings } : {}) });
    process.stdout.write(flags.json ? `${JSON.stringify(list, null, 2)}\n` : `${formatDeadLetters(list)}\n`);
    return 0;
  }
  const onServiceBus = await replayServiceBus(settings);
  if (onServiceBus) {
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
  const r = await runCommand(
    { once: true, data, reset: false, replayDeadLetters: true, ...(settings ? { settings } : {}) },
    process.stdout,
  );
  return r.exitCode;
}

export async function runCli(command: string, flags: Flags, positional: string[]): Promise<number> {
  if (command === 'sim') return await sim(flags);
  if (command === 'explain') {
    const e = await explainCommand({
      ...(typeof flags.item === 'string' ? { item: flags.item } : { id: positional[0] }),
      data: typeof flags.data === 'string' ? flags.data : '.exsync',
      ...(typeof flags.settings === 'string' ? { settings: flags.settings } : {}),
    });
    process.stdout.write(flags.json ? `${JSON.stringify(e, null, 2)}\n` : `${formatExplanation(e)}\n`);
    return 0;
  }
  if (command === 'bench') return await bench(flags);
  if (command === 'dlq') return await dlq(positional[0], flags);
  if (command === 'mailbox') return await mailboxCommand(positional[0], positional[1], flags);
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
