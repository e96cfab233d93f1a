#!/usr/bin/env node
// Runs compiled test files under dist/test with node's own test runner (CI reads its summary), then prints
// the slowest files and a plain "N passed, N failed" line.
//
//   node test/run-tests.js [filter…]          the default suite: every *.test.js except dist/test/long/
//   node test/run-tests.js --long [filter…]   the long suite: dist/test/long/ (size work, the other fault seeds)
//
// A filter keeps the files of the chosen suite whose path contains it. A directory argument to node would
// also run support files, so the list is made here.
const { mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, relative, sep } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = join(__dirname, '..', 'dist', 'test');
const args = process.argv.slice(2);
const long = args.includes('--long');
const only = args.filter((a) => a !== '--long');
const suite = long ? 'long suite' : 'default suite';
// Hang guards only, never a measure of speed: no test of either suite comes near them on a loaded 2-core
// machine; a test that reaches one is stuck.
const HANG_GUARD_MS = (long ? 120 : 20) * 60_000;

const files = [];
(function walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js')) {
      const inLong = relative(root, p).split(sep)[0] === 'long';
      if (inLong === long && (only.length === 0 || only.some((o) => p.includes(o)))) files.push(p);
    }
  }
})(root);
if (files.length === 0) {
  console.error(
    `no ${suite} test files found under dist/test${only.length ? ` matching ${only.join(', ')}` : ''} (did the build run?)`,
  );
  process.exit(1);
}

// Longest files first (the durations of the last run, kept beside the build; new files count as long), so
// that no long file starts last and runs alone at the end. The order changes nothing else.
const durationsFile = join(root, '..', '.test-durations.json');
let lastDurations = {};
try {
  lastDurations = JSON.parse(readFileSync(durationsFile, 'utf8'));
} catch {
  // first run after a clean build: alphabetical
}
const expected = (f) => lastDurations[relative(root, f)] ?? Number.MAX_SAFE_INTEGER;
files.sort((a, b) => expected(b) - expected(a) || a.localeCompare(b));

const tmp = mkdtempSync(join(tmpdir(), 'exsync-tests-'));
const summaryFile = join(tmp, 'summary.jsonl');
const started = Date.now();
const r = spawnSync(
  process.execPath,
  [
    '--test',
    '--test-concurrency=2',
    `--test-timeout=${HANG_GUARD_MS}`,
    // node's own choice when no reporter is named: spec on a terminal, TAP otherwise (CI).
    `--test-reporter=${process.stdout.isTTY ? 'spec' : 'tap'}`,
    '--test-reporter-destination=stdout',
    `--test-reporter=${join(__dirname, 'run-tests-summary.mjs')}`,
    `--test-reporter-destination=${summaryFile}`,
    ...files,
  ],
  { stdio: 'inherit' },
);

let events = [];
try {
  events = readFileSync(summaryFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
} catch {
  // no summary: node failed before running anything; its own output says why
}
rmSync(tmp, { recursive: true, force: true });

const tests = events.filter((e) => !e.suite && !(e.isFile && e.type === 'test:complete'));
const passed = tests.filter((e) => e.type === 'test:pass' && !e.skip && !e.todo).length;
const skipped = tests.filter((e) => e.type === 'test:pass' && (e.skip || e.todo)).length;
const failed = tests.filter((e) => e.type === 'test:fail').length;
const durations = events
  .filter((e) => e.isFile && e.type === 'test:complete' && typeof e.ms === 'number')
  .sort((a, b) => b.ms - a.ms);
try {
  const next = {
    ...lastDurations,
    ...Object.fromEntries(durations.map((e) => [relative(root, e.file), Math.round(e.ms)])),
  };
  writeFileSync(`${durationsFile}.${process.pid}`, JSON.stringify(next));
  renameSync(`${durationsFile}.${process.pid}`, durationsFile); // a second copy writing at the same time cannot leave half a file
} catch {
  // only an ordering hint
}
const seconds = (ms) => `${ms < 10_000 ? (ms / 1000).toFixed(1) : Math.round(ms / 1000)} s`;
const prefix = process.stdout.isTTY ? '' : '# '; // keeps a TAP stream valid
if (durations.length) {
  const slowest = durations
    .slice(0, 5)
    .map((e) => `${relative(root, e.file).replace(/\.test\.js$/, '')} ${seconds(e.ms)}`);
  console.log(`${prefix}slowest files: ${slowest.join(', ')}`);
}
console.log(
  `${prefix}${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''} (${suite}: ${files.length} file(s) in ${seconds(Date.now() - started)})`,
);
process.exit(r.status ?? 1);
