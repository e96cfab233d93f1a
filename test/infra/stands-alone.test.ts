// The repository stands alone: a maintainer has this repository and the public documentation, nothing else.
// Design notes and references kept outside it (a sibling `shared/` folder with its design, reference and
// acceptance files, and the source keys of those references) are never cited; the rules they hold are
// written down in docs/ (docs/sss-parity.md, docs/cli.md, docs/tenant-fixtures-and-dumps.md, …) with their
// public sources. Links and anchors into docs/ resolve, so a comment pointing at a heading stays true.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './bicep-text';
import { anchorsOf } from './markdown';

const SELF = 'test/infra/stands-alone.test.ts';

/** What a file outside the repository is cited by. Built from parts so that this file does not cite itself. */
const OUTSIDE: { what: string; re: RegExp }[] = [
  { what: 'the outside shared folder', re: new RegExp(['/work', 'shared'].join('/'), 'i') },
  { what: 'a file of ../shared', re: /\.\.\/shared\/(?:acceptance|design|reference|hooks)\b/i },
  { what: 'the SSS reference', re: new RegExp(['sss', 'behaviou?r'].join('-'), 'i') },
  {
    what: 'a reference or design file',
    re: new RegExp(
      `\\b(?:${['protocols', 'run-contract', 'architecture', 'style', 'toolchain-notes', 'azure-functions-and-infra']
        .map((n) => `${n}\\.md`)
        .join('|')})`,
      'i',
    ),
  },
  { what: 'a reference file', re: /\btoolchain-notes\b|\bazure-functions-and-infra\b/i },
  {
    what: 'an acceptance scenario file',
    re: new RegExp(`\\b(?:${['email-promotion', 'outgoing-health-act'].join('|')})\\.md\\b`, 'i'),
  },
  {
    what: 'a source key of the outside reference (name the public page instead)',
    re: new RegExp(
      `\\b(?:PP|PA|CE|SDK)-(?:${[
        'corr',
        'sss',
        'sysemail',
        'track',
        'orgdb',
        'trouble',
        'monitor',
        'connect',
        'pera',
        'best',
        'fwd',
        'flt',
        'assoc',
        'owner',
        'qi',
        'sent',
        'synclogic',
        'filters',
        'faq',
        'primary',
        'personal',
        'email',
        'mailbox',
        'org',
        'esp',
        'queue',
        'us',
        'outlookfilters',
        'fields',
        'reason',
        'deliver',
        'token',
      ].join('|')})\\b`,
    ),
  },
];

const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', '.exsync']);
const TEXT = /\.(?:ts|js|mjs|cjs|json|jsonc|md|bicep|bicepparam|kql|yaml|yml|sh|txt|xml|html|css)$|^[^.]+$|^\.[a-z]+$/i;

/** The files git tracks (what a clone holds); without git, the working tree minus build output and packages. */
function trackedFiles(): string[] {
  try {
    return execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
      .split('\0')
      .filter(Boolean);
  } catch {
    const out: string[] = [];
    (function walk(rel: string) {
      for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
        if (SKIP_DIRS.has(e.name)) continue;
        const p = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) walk(p);
        else out.push(p);
      }
    })('');
    return out;
  }
}

function textFiles(): string[] {
  return trackedFiles().filter((f) => {
    if (f.split('/').some((part) => SKIP_DIRS.has(part)) || f === 'package-lock.json') return false;
    const name = f.split('/').pop()!;
    return TEXT.test(name) && existsSync(join(root, f)) && statSync(join(root, f)).size < 4 * 1024 * 1024;
  });
}

test('The repository stands alone: no tracked file cites ../shared or its files (sss-behaviour.md, protocols.md, run-contract.md, acceptance scenario files…) or their source keys', () => {
  const files = textFiles();
  assert.ok(files.length > 100, `read ${files.length} files`);
  const hits: string[] = [];
  for (const f of files) {
    if (f === SELF) continue;
    const lines = readFileSync(join(root, f), 'utf8').split('\n');
    lines.forEach((line, i) => {
      for (const o of OUTSIDE) {
        const m = o.re.exec(line);
        if (m) hits.push(`${f}:${i + 1}: ${o.what}: ${m[0]}`);
      }
    });
  }
  assert.deepEqual(
    hits,
    [],
    `${hits.length} citation(s) of files outside the repository; say the rule in the repo's words and point at docs/`,
  );
});

test('The repository stands alone: every docs/ page a file points at exists, and so does the heading it names', () => {
  const files = textFiles().filter((f) => f !== SELF);
  const missing: string[] = [];
  let checked = 0;
  for (const f of files) {
    const text = readFileSync(join(root, f), 'utf8');
    for (const m of text.matchAll(/(?<![\w./-])(?:\.\.\/)*(docs\/[\w.-]+\.md)(?:#([\w-]+))?/g)) {
      checked++;
      const page = m[1]!;
      if (!existsSync(join(root, page))) {
        missing.push(`${f}: ${page} does not exist`);
        continue;
      }
      if (m[2] && !anchorsOf(readFileSync(join(root, page), 'utf8')).has(m[2]))
        missing.push(`${f}: ${page} has no heading #${m[2]}`);
    }
  }
  assert.ok(checked >= 5, `checked ${checked} pointers into docs/`);
  assert.deepEqual(missing, []);
});

test('The repository stands alone: the README links the docs/ pages that hold the long references', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  for (const page of ['docs/sss-parity.md', 'docs/cli.md', 'docs/tenant-fixtures-and-dumps.md'])
    assert.ok(readme.includes(`](${page}`), `README links ${page}`);
  assert.ok(readme.includes('\n## Key concepts\n'), 'README has a Key concepts section');
});
