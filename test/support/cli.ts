// Drives the product the way a user does (docs/cli.md): `exsync run --once --tenant F --dump S`,
// as a child process, then reads the state dump.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TenantFixture } from '../../local/tenant/fixture';

export const CLI = join(__dirname, '..', '..', 'local', 'cli.js');

export interface Dump {
  dataverse: Record<string, Record<string, unknown>[]>;
  exchange: Record<string, unknown>;
  decisions: Record<string, unknown>[];
  deadLetters: Record<string, unknown>[];
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  dump?: Dump;
  dir: string;
}

/**
 * How long a child `exsync` may run before it is taken for hung and killed: a hang guard, never a measure of
 * speed (the slowest run of the default suite takes well under a minute alone, several on a loaded machine).
 */
export const CLI_HANG_GUARD_MS = 15 * 60_000;

/**
 * Runs exsync with the given arguments in a fresh working directory (or `dir`). `timeoutMs` can only lengthen
 * the hang guard: a shorter limit would make the result depend on the machine's speed.
 */
export function exsync(
  args: string[],
  opts: { dir?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): CliRun {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'exsync-test-'));
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !/^(DATAVERSE_URL|GRAPH_BASE_URL|AzureWebJobsStorage|CREDENTIAL_MODE|STATIC_TOKEN)$/.test(k))
      env[k] = v;
  const guard = Math.max(opts.timeoutMs ?? 0, CLI_HANG_GUARD_MS);
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    env: { ...env, ...opts.env },
    encoding: 'utf8',
    timeout: guard,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error)
    throw new Error(
      `exsync ${args.join(' ')}: ${(r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT' ? `still running after the ${guard / 60_000}-minute hang guard, killed` : r.error.message}\n${r.stdout ?? ''}\n${r.stderr ?? ''}`,
    );
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, dir };
}

/** Writes the fixture, runs `exsync run --once --tenant F --data D --dump S`, returns the dump. */
export function runTenant(
  tenant: TenantFixture | string,
  extra: string[] = [],
  opts: { dir?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): CliRun & { dump: Dump } {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'exsync-test-'));
  const fixture = typeof tenant === 'string' ? tenant : join(dir, 'tenant.json');
  if (typeof tenant !== 'string') writeFileSync(fixture, JSON.stringify(tenant));
  const dumpFile = join(dir, 'dump.json');
  const r = exsync(['run', '--once', '--tenant', fixture, '--data', join(dir, 'data'), '--dump', dumpFile, ...extra], {
    ...opts,
    dir,
  });
  if (r.code !== 0) throw new Error(`exsync exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return { ...r, dump: JSON.parse(readFileSync(dumpFile, 'utf8')) as Dump };
}

export function cleanup(run: { dir: string }): void {
  rmSync(run.dir, { recursive: true, force: true });
}

/** Emails in the dump other than the fixture's own. */
export function createdEmails(dump: Dump, fixture: TenantFixture): Record<string, unknown>[] {
  const before = new Set((fixture.dataverse.emails ?? []).map((e) => e.activityid));
  return (dump.dataverse.emails ?? []).filter((e) => !before.has(e.activityid));
}

export function decisionFor(
  dump: Dump,
  mailbox: string,
  internetMessageId: string,
): Record<string, unknown> | undefined {
  return dump.decisions.find((d) => d.mailbox === mailbox && d.internetMessageId === internetMessageId);
}
