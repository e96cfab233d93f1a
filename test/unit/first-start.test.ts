// Point 13, a first start that respects the user's time, on the Node it claims: `npm install && npm start`
// compiles once, and every locked package declares it runs on the Node versions package.json claims.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import semver from 'semver';

const root = join(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  engines: { node: string };
  scripts: Record<string, string>;
};

test('A first start on the Node it claims: every locked package admits every Node version package.json engines claims', () => {
  const claimed = pkg.engines.node;
  assert.ok(semver.validRange(claimed), `engines.node "${claimed}" is a range`);
  assert.ok(semver.satisfies(process.version, claimed), `this Node (${process.version}) is one the package claims`);
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; engines?: unknown }>;
  };
  const refusing: string[] = [];
  for (const [path, p] of Object.entries(lock.packages)) {
    const node =
      p.engines && typeof p.engines === 'object' && !Array.isArray(p.engines)
        ? (p.engines as { node?: string }).node
        : undefined;
    if (!path || !node) continue;
    // subset: every version the claim admits is one the package declares it runs on.
    if (!semver.validRange(node) || !semver.subset(claimed, node))
      refusing.push(`${path.replace(/^.*node_modules\//, '')}@${p.version} wants node ${node}`);
  }
  assert.deepEqual(refusing, [], `packages that do not run on every Node "${claimed}" admits`);
});

test("A first start that respects the user's time: npm start compiles only what changed since npm install", () => {
  // The repository's tsconfig on a two-file project, built by the package's own `prepare` and `start` commands.
  const dir = mkdtempSync(join(tmpdir(), 'exsync-first-start-'));
  try {
    copyFileSync(join(root, 'tsconfig.json'), join(dir, 'tsconfig.json'));
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    mkdirSync(join(dir, 'shared'));
    writeFileSync(join(dir, 'index.ts'), "export { greeting } from './shared/greeting';\n");
    writeFileSync(join(dir, 'shared', 'greeting.ts'), "export const greeting = 'hello';\n");
    const startCompile = pkg.scripts.start!.split('&&')[0]!.trim();
    assert.match(pkg.scripts.start!, /&& node dist\/local\/cli\.js run$/, 'start runs exsync run after compiling');
    const sh = (cmd: string) => {
      const r = spawnSync('sh', ['-c', cmd], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}${delimiter}${process.env.PATH}` },
      });
      assert.equal(r.status, 0, `${cmd}\n${r.stdout}${r.stderr}`);
      return r.stdout;
    };
    sh(pkg.scripts.prepare!);
    assert.match(
      readFileSync(join(dir, 'dist', 'shared', 'greeting.js'), 'utf8'),
      /'hello'/,
      'npm install (prepare) compiled',
    );
    assert.match(
      sh(`${startCompile} --verbose`),
      /is up to date/,
      'npm start right after npm install compiles nothing',
    );
    writeFileSync(join(dir, 'shared', 'greeting.ts'), "export const greeting = 'edited';\n");
    assert.match(sh(`${startCompile} --verbose`), /Building project/, 'an edited source is compiled by npm start');
    assert.match(readFileSync(join(dir, 'dist', 'shared', 'greeting.js'), 'utf8'), /'edited'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
