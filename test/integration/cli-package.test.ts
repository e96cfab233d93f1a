// Point 1, the command line as users run it: the package as npm packs it, installed into a prefix of its own
// (production and optional dependencies only, as `npm install -g` installs a package), then `exsync` by its
// linked name. Also `npx exsync` in the repository, the README's own command.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
/** A hang guard only: an install that has not ended in this time is stuck, however loaded the machine. */
const HANG_GUARD_MS = 15 * 60_000;

/** The environment a user's shell has: no npm script variables, no endpoints that switch off the simulators. */
function userEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (
      v !== undefined &&
      !/^npm_/i.test(k) &&
      !/^(DATAVERSE_URL|GRAPH_BASE_URL|AzureWebJobsStorage.*|CREDENTIAL_MODE|STATIC_TOKEN)$/.test(k)
    )
      env[k] = v;
  return env;
}

function sh(cmd: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, {
    cwd,
    env: userEnv(),
    encoding: 'utf8',
    timeout: HANG_GUARD_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
}

const work = mkdtempSync(join(tmpdir(), 'exsync-pack-'));
const prefix = join(work, 'prefix');
const bin = join(prefix, 'bin', 'exsync');
let packed: string[] = [];

before(() => {
  // The suite has just compiled dist/; `prepare` would compile the same again, so the scripts are skipped.
  const pack = sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root);
  assert.equal(pack.status, 0, pack.stderr);
  const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  packed = info!.files.map((f) => f.path);
  const install = sh(
    'npm',
    [
      'install',
      '--global',
      '--prefix',
      prefix,
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      join(work, info!.filename),
    ],
    work,
  );
  assert.equal(install.status, 0, `npm install of the tarball failed:\n${install.stderr}`);
});

after(() => rmSync(work, { recursive: true, force: true }));

test('The command line as users run it: the tarball holds the compiled command line and product, not the tests', () => {
  for (const f of [
    'bin/exsync.js',
    'dist/local/cli.js',
    'dist/local/run.js',
    'dist/shared/config.js',
    'dist/index.js',
    'package.json',
    'README.md',
    // The README's long references live in docs/: its links must work in the installed package too.
    'docs/cli.md',
    'docs/settings.md',
    'docs/sss-parity.md',
  ])
    assert.ok(packed.includes(f), `${f} is in the tarball`);
  assert.deepEqual(
    packed.filter((f) => /^(dist\/)?test\//.test(f)),
    [],
    'no tests in the tarball',
  );
  assert.deepEqual(
    packed.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')),
    [],
    'no TypeScript sources in the tarball',
  );
  // Installed as a user installs it: packages only the development tools need (dev in the lock) are absent.
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  const devOnly = Object.entries(lock.packages)
    .filter(([p, v]) => v.dev && /^node_modules\/(@[^/]+\/)?[^/]+$/.test(p))
    .map(([p]) => p.slice('node_modules/'.length));
  assert.ok(devOnly.includes('typescript'), 'the lock marks the development tools');
  const installed = join(prefix, 'lib', 'node_modules', 'exchange-dataverse-sync', 'node_modules');
  for (const dev of devOnly)
    assert.ok(
      !existsSync(join(installed, dev)),
      `${dev}, needed only for development, is not installed with the package`,
    );
});

test('The command line as users run it: an installed `exsync --help` prints the usage and exits 0', () => {
  const r = sh(bin, ['--help'], work);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Usage: exsync <command>/);
  for (const command of ['run', 'sim', 'bench', 'explain', 'dlq'])
    assert.match(r.stdout, new RegExp(`^  ${command} `, 'm'));
});

test('The command line as users run it: an installed `exsync run --once --dump F` writes the dump', () => {
  const dir = mkdtempSync(join(work, 'run-'));
  const dump = join(dir, 'state.json');
  const r = sh(bin, ['run', '--once', '--data', join(dir, 'data'), '--dump', dump], dir);
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /Summary \(4 mailbox\(es\)/);
  const state = JSON.parse(readFileSync(dump, 'utf8')) as { decisions: unknown[]; dataverse: { emails?: unknown[] } };
  assert.ok(state.decisions.length > 0, 'the dump holds decisions');
  assert.ok((state.dataverse.emails ?? []).length > 0, 'the dump holds Dataverse emails');
});

test('The command line as users run it: an installed `exsync` with an unknown command prints the usage and exits 2', () => {
  const r = sh(bin, ['frobnicate'], work);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command "frobnicate"/);
  assert.match(r.stderr, /Usage: exsync <command>/);
});

test('The command line as users run it: `npx exsync --help` in the repository prints the usage and exits 0', () => {
  const r = sh('npx', ['exsync', '--help'], root);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Usage: exsync <command>/);
});
