// The Function App's deployment as azd does it with remoteBuild (azure.yaml): the upload is the project folder
// minus .funcignore; the platform's build (Oryx, https://github.com/microsoft/Oryx/blob/main/doc/runtimes/nodejs.md)
// then runs `npm install` (devDependencies included, with the package's install lifecycle scripts), `npm run build`
// and `npm run build:azure`. Here the upload is copied to a scratch folder and the same scripts run there over the
// repository's installed node_modules; the prune of build:azure is computed from package-lock.json (running it
// would prune the repository's own node_modules) and checked against npm's own dry run.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { filesAfterIgnore, parseIgnore } from './funcignore';

interface LockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  peer?: boolean;
}
export interface PackageJson {
  main: string;
  scripts: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** Root scripts `npm install` (no arguments, in the project) runs, in npm's order. */
const INSTALL_LIFECYCLE = [
  'preinstall',
  'install',
  'postinstall',
  'prepublish',
  'preprepare',
  'prepare',
  'postprepare',
];

const npm = (args: string[], cwd: string) =>
  spawnSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });

/**
 * `npm prune --omit=dev --omit=optional [&& rm -f dist/<file> …]` -> the omitted kinds and the build leftovers it
 * deletes (the incremental build info `npm install`'s prepare writes); any other build:azure script is refused.
 */
export function pruneOmits(script: string | undefined): Set<string> {
  return parseBuildAzure(script).omit;
}

export function parseBuildAzure(script: string | undefined): { omit: Set<string>; removes: string[] } {
  const m = /^npm prune((?: --omit=(?:dev|optional|peer))+)((?: && rm -f dist\/[\w.-]+)*)$/.exec((script ?? '').trim());
  if (!m)
    throw new Error(
      `build:azure is not "npm prune --omit=..." with optional "&& rm -f dist/<file>": ${script ?? '(missing)'}`,
    );
  return {
    omit: new Set([...m[1]!.matchAll(/--omit=(\w+)/g)].map((x) => x[1]!)),
    removes: [...m[2]!.matchAll(/rm -f (dist\/[\w.-]+)/g)].map((x) => x[1]!),
  };
}

/** Lock entries (`node_modules/...` paths) that a prune with these omissions keeps, and those it removes. */
export function pruneByLock(
  lockText: string,
  omit: Set<string>,
): { kept: Map<string, LockEntry>; removed: Map<string, LockEntry> } {
  const lock = JSON.parse(lockText) as { lockfileVersion: number; packages: Record<string, LockEntry> };
  if (lock.lockfileVersion < 2)
    throw new Error('package-lock.json v2 or later is needed (it flags dev and optional packages)');
  const kept = new Map<string, LockEntry>();
  const removed = new Map<string, LockEntry>();
  for (const [path, e] of Object.entries(lock.packages)) {
    if (!path.startsWith('node_modules/') && !path.includes('/node_modules/')) continue;
    const drop =
      (omit.has('dev') && e.dev) ||
      (omit.has('optional') && e.optional) ||
      (omit.has('dev') && omit.has('optional') && e.devOptional) ||
      (omit.has('peer') && e.peer);
    (drop ? removed : kept).set(path, e);
  }
  return { kept, removed };
}

/** `name@version` of each package npm's own dry run would remove (`remove <name> <version>` lines). */
export function npmPruneDryRun(root: string, omit: Set<string>): Set<string> {
  const r = npm(
    ['prune', '--dry-run', '--offline', '--no-audit', '--no-fund', ...[...omit].map((o) => `--omit=${o}`)],
    root,
  );
  if (r.status !== 0) throw new Error(`npm prune --dry-run failed: ${r.stderr}`);
  return new Set([...r.stdout.matchAll(/^remove (\S+) (\S+)$/gm)].map((m) => `${m[1]}@${m[2]}`));
}

export const packageName = (lockPath: string): string =>
  lockPath.slice(lockPath.lastIndexOf('node_modules/') + 'node_modules/'.length);

export interface RemoteBuild {
  /** Files uploaded (project folder minus .funcignore). */
  uploaded: string[];
  /** Files in the deployed package outside node_modules, after the build scripts ran. */
  files: string[];
  /** node_modules entries (lock paths) left after build:azure. */
  packages: Map<string, LockEntry>;
  removed: Map<string, LockEntry>;
  omit: Set<string>;
  /** The scratch folder holding the built upload; node_modules there links to the repository's. */
  dir: string;
  cleanup(): void;
}

export function remoteBuild(root: string): RemoteBuild {
  const rules = parseIgnore(readFileSync(join(root, '.funcignore'), 'utf8'));
  const uploaded = filesAfterIgnore(root, rules);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as PackageJson;
  const omit = pruneOmits(pkg.scripts['build:azure']);
  const dir = mkdtempSync(join(tmpdir(), 'exsync-remote-build-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    for (const f of uploaded) {
      mkdirSync(dirname(join(dir, f)), { recursive: true });
      copyFileSync(join(root, f), join(dir, f));
    }
    // npm install's result, dev dependencies included (the lock decides the tree, as it did here).
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    for (const script of [...INSTALL_LIFECYCLE.filter((s) => pkg.scripts[s]), 'build']) {
      const r = npm(['run', script], dir);
      if (r.status !== 0) throw new Error(`npm run ${script} failed on the upload:\n${r.stdout}\n${r.stderr}`);
    }
    for (const f of parseBuildAzure(pkg.scripts['build:azure']).removes) rmSync(join(dir, f), { force: true });
    const files = filesAfterIgnore(dir, parseIgnore('node_modules\n'));
    const { kept, removed } = pruneByLock(readFileSync(join(root, 'package-lock.json'), 'utf8'), omit);
    return { uploaded, files, packages: kept, removed, omit, dir, cleanup };
  } catch (e) {
    cleanup();
    throw e;
  }
}
