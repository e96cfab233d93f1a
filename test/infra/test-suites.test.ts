// The test suites' own rules, checked on the test sources so that a new test cannot quietly break them: no
// pass/fail depends on how fast the machine is (timeouts are hang guards, no upper bound on elapsed time),
// and size work runs in the long suite (`npm run test:long`), which the README tells a developer about.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readText, root } from './bicep-text';

/** Test sources (TypeScript and the runner's JavaScript), by path relative to the repository. */
function testSources(): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  (function walk(dir: string) {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) {
        if (name !== 'fixtures') walk(p);
      } else if (/\.(ts|js|mjs)$/.test(name)) out.push({ path: relative(root, p), text: readText(relative(root, p)) });
    }
  })(join(root, 'test'));
  return out;
}

/** `file:line: text` for every line of the test sources that matches. */
function linesMatching(re: RegExp): string[] {
  return testSources().flatMap(({ path, text }) =>
    text.split('\n').flatMap((line, i) => (re.test(line) ? [`${path}:${i + 1}: ${line.trim()}`] : [])),
  );
}

const HANG_GUARD_MIN_MS = 60_000;

test('Tests that never flake: no test bounds elapsed wall-clock time from above', () => {
  // An upper bound on elapsed time fails on a machine busy enough; a lower bound (a wait really waited) is fine.
  const found = linesMatching(
    /(Date|performance)\.now\(\)\s*-\s*[\w.]+\)?\s*<|(?<!=)>=?\s*\(?(Date|performance)\.now\(\)\s*-/,
  );
  assert.deepEqual(
    found,
    [],
    'assert what the code counts (requests in flight, pages, retries), not how long it took; timings belong in `exsync bench`',
  );
});

test('Tests that never flake: every timeout in a test is a hang guard of a minute or more', () => {
  const short = linesMatching(/\b(timeout|startTimeoutMs)\s*:\s*[\d_]+\b(?!\s*\*)/).filter((l) => {
    const n = Number(/\b(?:timeout|startTimeoutMs)\s*:\s*([\d_]+)/.exec(l)![1]!.replace(/_/g, ''));
    return n < HANG_GUARD_MIN_MS;
  });
  assert.deepEqual(
    short,
    [],
    `a timeout shorter than ${HANG_GUARD_MIN_MS / 1000} s turns a slow machine into a failure: wait for what the test counts instead (test/support/until.ts)`,
  );
  const runner = readText('test/run-tests.js');
  assert.match(runner, /--test-timeout=\$\{HANG_GUARD_MS\}/, 'the runner gives every test a hang guard');
});

test('Tests that never flake, in a suite a developer will run: size work is in the long suite, which npm run test:long runs and the README describes', () => {
  const pkg = JSON.parse(readText('package.json')) as { scripts: Record<string, string> };
  assert.equal(pkg.scripts.test, 'tsc -p . && node test/run-tests.js');
  assert.equal(pkg.scripts['test:long'], 'tsc -p . && node test/run-tests.js --long');
  const long = readdirSync(join(root, 'test', 'long'))
    .filter((f) => f.endsWith('.test.ts'))
    .sort();
  assert.deepEqual(long, [
    'act-fault-seeds.test.ts',
    'big-folder.test.ts',
    'fault-seeds.test.ts',
    'send-fault-seeds.test.ts',
  ]);
  assert.match(readText('test/long/act-fault-seeds.test.ts'), /ACT_FAULT_SEEDS_FROM = '4'[^]*ACT_FAULT_SEEDS = '50'/);
  assert.match(
    readText('test/faults/act-fault-suite.test.ts'),
    /ACT_FAULT_SEEDS \?\? 3\)/,
    'the default suite runs ACT seeds 1-3',
  );
  assert.match(readText('test/long/big-folder.test.ts'), /50_000/, "the 50,000-message folder is the long suite's");
  assert.match(readText('test/long/fault-seeds.test.ts'), /FAULT_SEEDS_FROM = '7'[^]*FAULT_SEEDS = '50'/);
  assert.match(readText('test/faults/fault-suite.test.ts'), /FAULT_SEEDS \?\? 6\b/, 'the default suite runs seeds 1-6');
  assert.match(
    readText('test/long/send-fault-seeds.test.ts'),
    /SEND_FAULT_SEEDS_FROM = '4'[^]*SEND_FAULT_SEEDS = '50'/,
  );
  assert.match(
    readText('test/faults/send-fault-suite.test.ts'),
    /SEND_FAULT_SEEDS \?\? 3\)/,
    'the default suite runs send seeds 1-3',
  );
  // No other test file builds a folder of that size.
  assert.deepEqual(
    linesMatching(/\b50_?000\b/).filter(
      (l) => !l.startsWith('test/long/') && !l.startsWith('test/infra/test-suites.test.ts'),
    ),
    [],
  );

  const dev = /## Development\n([^]*?)(\n## |$)/.exec(readText('README.md'))?.[1] ?? '';
  for (const command of ['npm test', 'npm run test:long', 'node test/run-tests.js', 'FAULT_SEEDS', 'test/stress.sh']) {
    assert.ok(dev.includes(command), `README "Development" tells how to use ${command}`);
  }
});
