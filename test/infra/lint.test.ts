// Issue point "The build enforces it": `npm run lint` fails on a planted layering violation, an oversized file
// or function, and a dead export. Each test lints only the text it plants, through the repository's own
// eslint.config.mjs (as if the text were at the path it names) or the dead-export script on a small project,
// so none depends on the rest of the repository being lint-clean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ESLint } from 'eslint';

const root = join(__dirname, '..', '..', '..');
const STRUCTURE_RULES = ['exsync/layers', 'max-lines', 'max-lines-per-function'];

// The repository's config with the structure rules only. Those need no type information, so the planted file
// is parsed without building the whole TypeScript program (which also would not hold a file that is not there).
let eslint: ESLint | undefined;
async function lint(path: string, text: string): Promise<{ rule: string; message: string }[]> {
  eslint ??= new ESLint({
    cwd: root,
    overrideConfig: { languageOptions: { parserOptions: { projectService: false } } },
    ruleFilter: ({ ruleId }) => STRUCTURE_RULES.includes(ruleId),
  });
  const [result] = await eslint.lintText(text, { filePath: join(root, path) });
  return result!.messages.map((m) => ({ rule: m.ruleId ?? `fatal: ${m.message}`, message: m.message }));
}

async function assertRefused(path: string, text: string, because: RegExp) {
  const found = await lint(path, text);
  assert.equal(found.length, 1, `${path}: one finding for\n${text}\n${JSON.stringify(found)}`);
  assert.equal(found[0]!.rule, 'exsync/layers', `${path}: found by the layering rule`);
  assert.match(found[0]!.message, because);
}

async function assertAllowed(path: string, text: string) {
  assert.deepEqual(await lint(path, text), [], `${path} may hold\n${text}`);
}

test('The build enforces it: the domain imports no adapter, pipeline, host or SDK (a planted import fails lint)', async () => {
  const at = 'shared/domain/planted.ts';
  await assertRefused(at, "import { createTableStore } from '../adapters/tables';\n", /pure.*adapter/);
  await assertRefused(at, "import type { PipelineDeps } from '../pipeline/deps';\n", /pure.*pipeline/);
  await assertRefused(at, "import { app } from '@azure/functions';\n", /pure.*package @azure\/functions/);
  await assertRefused(at, "export { TableClient } from '@azure/data-tables';\n", /package @azure\/data-tables/);
  await assertRefused(at, "const fs = require('node:fs');\nexport const f = fs;\n", /node:fs/);
  await assertRefused(at, "export const load = () => import('../../local/run');\n", /pure.*local/);
  await assertRefused('shared/domain/sub/deeper.ts', "import '../../adapters/graph';\n", /adapter/);
  // What it may import: itself and hashing.
  await assertAllowed(at, "import { createHash } from 'node:crypto';\nimport { ensureError } from './errors';\n");
});

test('The build enforces it: the pipeline imports no functions/ or local/ (a planted import fails lint)', async () => {
  const at = 'shared/pipeline/planted.ts';
  await assertRefused(at, "import { syncHandler } from '../../functions/sync';\n", /pipeline imports no functions/);
  await assertRefused(at, "import type { Host } from '../../local/host';\n", /pipeline imports no local/);
  await assertRefused(at, "import { azurePipeline } from '../../index';\n", /pipeline imports no index/);
  await assertAllowed(at, "import { decide } from '../domain/accept';\nimport type { Clock } from '../ports';\n");
});

test('The build enforces it: functions/ import no local/ (a planted import fails lint)', async () => {
  await assertRefused(
    'functions/planted.ts',
    "import { startHost } from '../local/host';\n",
    /functions\/ imports no local/,
  );
  await assertAllowed(
    'functions/planted.ts',
    "import { app } from '@azure/functions';\nimport { x } from '../shared/compose';\n",
  );
});

test('The build enforces it: telemetry imports no pipeline (a planted import fails lint)', async () => {
  const at = 'shared/telemetry/planted.ts';
  await assertRefused(at, "import { PoisonMessageError } from '../pipeline/deps';\n", /telemetry imports no pipeline/);
  await assertRefused(
    at,
    "export type Deps = import('../pipeline/deps').PipelineDeps;\n",
    /telemetry imports no pipeline/,
  );
  await assertAllowed(at, "import { trace } from '@opentelemetry/api';\nimport { QUEUES } from '../ports';\n");
});

test('The build enforces it: shared/ imports no host and no product file imports test/ (planted imports fail lint)', async () => {
  await assertRefused(
    'shared/adapters/planted.ts',
    "import { run } from '../../local/run';\n",
    /shared\/ imports no local/,
  );
  await assertRefused('shared/compose-planted.ts', "import '../functions/sync';\n", /shared\/ imports no functions/);
  await assertRefused('local/planted.ts', "import { until } from '../test/support/until';\n", /imports no test\//);
  await assertAllowed('local/planted.ts', "import { composePipeline } from '../shared/compose';\n");
});

test('The build enforces it: no product file over 300 lines, no function in shared/ over 60 lines', async () => {
  const lines = (n: number) => Array.from({ length: n }, (_, i) => `export const v${i} = ${i};`).join('\n') + '\n';
  assert.deepEqual(await lint('local/planted.ts', lines(300)), [], '300 lines is the limit');
  for (const at of ['local/planted.ts', 'shared/planted.ts', 'functions/planted.ts', 'index.ts'])
    assert.deepEqual(
      (await lint(at, lines(301))).map((f) => f.rule),
      ['max-lines'],
      `${at}: 301 lines`,
    );
  assert.deepEqual(await lint('test/unit/planted.test.ts', lines(400)), [], 'tests have no size limit');

  // A function of n lines whose body holds a nested function: the nested lines count for the outer one.
  const fn = (n: number) =>
    [
      'export function long(): number {',
      '  const inner = () => {',
      ...Array(n - 5).fill('    void 0;'),
      '  };',
      '  return inner.length;',
      '}',
      '',
    ].join('\n');
  assert.deepEqual(await lint('shared/pipeline/planted.ts', fn(60)), [], 'a 60-line function');
  assert.deepEqual(
    (await lint('shared/pipeline/planted.ts', fn(61))).map((f) => f.rule),
    ['max-lines-per-function'],
    'a 61-line function in shared/',
  );
  assert.deepEqual(await lint('local/planted.ts', fn(61)), [], 'the function limit holds in shared/ only');
});

test('The build enforces it: an export nothing imports fails the dead-export check, and so does a re-export nobody imports', () => {
  const dir = mkdtempSync(join(tmpdir(), 'exsync-dead-exports-'));
  try {
    const put = (path: string, text: string) => {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    // No lib files: the check reads imports and exports only, and stays quick on a busy machine.
    put('tsconfig.json', JSON.stringify({ compilerOptions: { noLib: true, types: [] }, include: ['**/*.ts'] }));
    put(
      'shared/values.ts',
      [
        'export const imported = 1;',
        'export const dead = 2;',
        'export const usedHere = 3;',
        'export const reexported = usedHere + 1;',
        'export interface Options { a: number }',
        'export function make(o: Options): number { return o.a; }',
        '',
      ].join('\n'),
    );
    put('shared/index.ts', "export { imported, reexported as renamed } from './values';\n");
    put(
      'test/user.ts',
      "import { imported } from '../shared';\nimport { make } from '../shared/values';\nmake({ a: imported });\n",
    );
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [join(root, '.ci', 'lint', 'dead-exports.js'), ...args, dir], { encoding: 'utf8' });
    const r = run('--all');
    assert.equal(r.status, 1, `exit status\n${r.stdout}${r.stderr}`);
    const listed = (out: string) =>
      out
        .split('\n')
        .filter((l) => l.startsWith('  '))
        .map((l) => l.trim());
    assert.deepEqual(listed(r.stderr), [
      'shared/index.ts:1 renamed',
      'shared/values.ts:2 dead',
      'shared/values.ts:4 reexported',
    ]);
    // Used only in its own file (a helper, a type in a signature): listed by --all, and not a failure.
    assert.deepEqual(listed(r.stdout), ['shared/values.ts:3 usedHere', 'shared/values.ts:5 Options']);

    put(
      'test/user.ts',
      "import { imported, renamed } from '../shared';\nimport { make } from '../shared/values';\nmake({ a: imported + renamed });\n",
    );
    put(
      'shared/values.ts',
      readFileSync(join(dir, 'shared/values.ts'), 'utf8').replace('export const dead = 2;\n', ''),
    );
    const clean = run();
    assert.equal(clean.status, 0, `${clean.stdout}${clean.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('The build enforces it: npm run lint runs the format check, the dead-export check and ESLint, and .ci/run runs it before the tests', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const steps = pkg.scripts.lint!.split('&&').map((s) => s.trim());
  assert.deepEqual(steps, ['npm run -s format:check', 'node .ci/lint/dead-exports.js', 'eslint --max-warnings=0 .']);
  assert.match(pkg.scripts['format:check']!, /^prettier --check /);
  const ci = readFileSync(join(root, '.ci', 'run'), 'utf8')
    .split('\n')
    .filter((l) => !l.startsWith('#'));
  const at = (cmd: string) => ci.findIndex((l) => l.trim() === cmd);
  assert.ok(at('npm run lint') > at('npm ci --no-audit --no-fund --loglevel=error'), '.ci/run lints after installing');
  assert.ok(at('npm run lint') >= 0 && at('npm run lint') < at('npm test'), '.ci/run lints before npm test');
});
