// The deployment documentation against infra/: every parameter, output, module file and app-setting name the
// README's Deployment section, docs/deploy.md and docs/identity-and-permissions.md (and infra/README.md) mention
// exists; the parameter and output tables list exactly what main.bicep declares; the documented commands pass
// every required parameter. A rename in the Bicep without the documents (or the reverse) fails here. Then the
// reference pages (docs/cli.md and the others the README links) against the command line and the settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { code, params, readText, root } from './bicep-text';
import { appSettingNames } from './drift';
import { anchorsOf, fencedBlocks } from './markdown';
import { COMMANDS, EXIT_CODES } from '../../local/cli-usage';
import { parseArgs } from '../../local/cli';
import { parseFaults } from '../../local/faults';

const main = readText('infra/main.bicep');
const mainParams = params(main);
const paramNames = new Set(mainParams.map((p) => p.name));
const required = mainParams.filter((p) => p.defaultExpr === undefined).map((p) => p.name);
const outputs = new Set([...code(main).matchAll(/^output (\w+) /gm)].map((m) => m[1]!));
const appSettings = new Set(appSettingNames(readText('infra/app/function.bicep')));
const paramFile = JSON.parse(readText('infra/main.parameters.json')) as {
  parameters: Record<string, { value: string }>;
};
/** azd environment variable -> the main.bicep parameter main.parameters.json feeds with it. */
const azdVars = new Map(
  Object.entries(paramFile.parameters).map(([p, v]) => [/^\$\{([A-Z_]+)/.exec(String(v.value))![1]!, p]),
);
/** Variables azd itself reads or sets (not product settings). */
const AZD_BUILTINS = new Set([
  'AZURE_ENV_NAME',
  'AZURE_LOCATION',
  'AZURE_SUBSCRIPTION_ID',
  'AZURE_PRINCIPAL_ID',
  'AZURE_PRINCIPAL_TYPE',
  'AZURE_RESOURCE_GROUP',
]);
/** Names outside infra/ the documents may mention, with the reason. */
const EXTERNAL: Record<string, string> = {
  AZURE_FEDERATED_TOKEN_FILE:
    'read by @azure/identity WorkloadIdentityCredential (explains why workloadidentity mode does not work on Azure)',
  internetMessageId: "Graph message property: the explain endpoint's id",
  clientState: 'Graph subscription property: the secret every change notification carries back',
  NODE_ENV: 'read by npm: production would skip the devDependencies the remote build compiles with',
  remoteBuild: 'azure.yaml service property (azd): the platform builds the upload',
  maxConcurrentSessions: 'host.json Service Bus setting: executions per instance of the session-enabled sync trigger',
  maxConcurrentCalls: 'host.json Service Bus setting: executions per instance of the write trigger',
  maxConcurrentCallsPerSession: 'host.json Service Bus setting: one message at a time per mailbox',
  sessionIdleTimeout: 'host.json Service Bus setting: how long an idle session slot waits',
};

function infraBicepFiles(): string[] {
  const out: string[] = [];
  (function walk(rel: string) {
    for (const e of readdirSync(join(root, rel), { withFileTypes: true })) {
      if (e.isDirectory()) walk(`${rel}/${e.name}`);
      else if (e.name.endsWith('.bicep')) out.push(`${rel}/${e.name}`);
    }
  })('infra');
  return out;
}
/** Every param, var and output name declared in any infra/**.bicep (for camelCase names in the text). */
const bicepSymbols = new Set(
  infraBicepFiles().flatMap((f) =>
    [...code(readText(f)).matchAll(/^(?:@export\(\)\s*)?(?:param|var|output) (\w+)/gm)].map((m) => m[1]!),
  ),
);

/** The README's `## Deployment` section, up to the next `## ` heading. */
function readmeDeployment(): string {
  const readme = readText('README.md');
  const at = readme.indexOf('\n## Deployment\n');
  assert.ok(at >= 0, 'README.md has a ## Deployment section');
  const end = readme.indexOf('\n## ', at + 5);
  return readme.slice(at + 1, end < 0 ? undefined : end + 1);
}

interface Doc {
  file: string;
  text: string;
}
const DOCS: Doc[] = [
  { file: 'README.md', text: readmeDeployment() },
  { file: 'docs/deploy.md', text: readText('docs/deploy.md') },
  { file: 'docs/identity-and-permissions.md', text: readText('docs/identity-and-permissions.md') },
  // infra/README.md up to its telemetry table (event and KQL property names are checked by the telemetry tests).
  { file: 'infra/README.md', text: readText('infra/README.md').split(/\n## Telemetry names/)[0]! },
];
const doc = (file: string) => DOCS.find((d) => d.file === file)!;

/** Fenced code blocks (content) and inline code spans outside them. */
function codeOf(text: string): { blocks: string[]; spans: string[] } {
  const blocks: string[] = [];
  const prose = text.replace(/^( *)```[^\n]*\n([^]*?)^\1```[ \t]*$/gm, (_m, _i, body: string) => {
    blocks.push(body);
    return '';
  });
  return { blocks, spans: [...prose.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!) };
}
/** Shell commands in the blocks, continuation lines joined, comments (# ...) kept as their own lines. */
const commands = (text: string): string[] =>
  codeOf(text).blocks.flatMap((b) =>
    b
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .map((l) => l.trim()),
  );

const UPPER = /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g;
const DOUBLE_UNDERSCORE = /\b[A-Za-z]\w*?__\w+\b/g;

test('the README Deployment section links the guides, and every relative link in the documents resolves', () => {
  assert.match(doc('README.md').text, /\]\(docs\/deploy\.md\)/);
  assert.match(doc('README.md').text, /\]\(docs\/identity-and-permissions\.md\)/);
  for (const d of DOCS) {
    for (const m of d.text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!.replace(/#.*$/, '');
      if (!target || /^[a-z]+:/.test(target)) continue;
      assert.ok(existsSync(join(root, dirname(d.file), target)), `${d.file}: link ${m[1]} resolves`);
    }
  }
});

test('every UPPER_SNAKE and __ name in code is an output, an app setting, an azd variable, or listed as external', () => {
  const known = (n: string) =>
    outputs.has(n) || appSettings.has(n) || azdVars.has(n) || AZD_BUILTINS.has(n) || n in EXTERNAL;
  for (const d of DOCS) {
    const { blocks, spans } = codeOf(d.text);
    const names = new Set(
      [...blocks, ...spans].flatMap((t) => [...t.matchAll(UPPER), ...t.matchAll(DOUBLE_UNDERSCORE)].map((m) => m[0])),
    );
    assert.deepEqual(
      [...names].filter((n) => !known(n)),
      [],
      `${d.file}: names that exist nowhere in infra/`,
    );
  }
});

test('every file a document names (modules, parameters file, queries) exists', () => {
  const FILE = /^(?:\.\.\/)?[\w.\-/*]+\.(?:bicep|json|kql|yaml|md|ts|sh)$/;
  const exists = (base: string, rel: string): boolean => {
    if (!rel.includes('*')) return existsSync(join(root, base, rel));
    const dir = posix.dirname(rel);
    const re = new RegExp(`^${posix.basename(rel).replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}$`);
    return existsSync(join(root, base, dir)) && readdirSync(join(root, base, dir)).some((f) => re.test(f));
  };
  let checked = 0;
  for (const d of DOCS) {
    for (const span of codeOf(d.text).spans) {
      if (!FILE.test(span)) continue;
      checked++;
      // A path is read from the repository root, from infra/ (module paths as main.bicep writes them), or from the document's folder.
      assert.ok(
        exists('', span) || exists('infra', span) || exists(dirname(d.file), span),
        `${d.file}: \`${span}\` exists`,
      );
    }
  }
  assert.ok(checked >= 10, `checked ${checked} file names`);
});

test('docs/deploy.md names every module main.bicep uses', () => {
  const modules = [...code(main).matchAll(/^module \w+ '([^']+)'/gm)].map((m) => m[1]!);
  assert.ok(modules.length >= 5);
  const spans = new Set(codeOf(doc('docs/deploy.md').text).spans);
  assert.deepEqual(
    modules.filter((m) => !spans.has(m)),
    [],
    'modules not named in docs/deploy.md',
  );
});

test("the parameter table of docs/deploy.md is exactly main.bicep's parameters, with their types and defaults", () => {
  const t = doc('docs/deploy.md').text;
  const table = /<!-- params:start -->([^]*?)<!-- params:end -->/.exec(t)?.[1];
  assert.ok(table, 'docs/deploy.md has <!-- params:start --> ... <!-- params:end -->');
  const rows = [...table.matchAll(/^\| `(\w+)` \| ([^|]+) \| ([^|]+) \|/gm)].map((m) => ({
    name: m[1]!,
    type: m[2]!.trim(),
    dflt: m[3]!.trim(),
  }));
  assert.deepEqual(
    rows.map((r) => r.name),
    mainParams.map((p) => p.name),
    'one row per parameter, in declaration order',
  );
  const shown = (expr: string | undefined) =>
    expr === undefined ? '**required**' : expr === "''" ? 'empty' : `\`${expr.replace(/^'(.*)'$/, '$1')}\``;
  for (const p of mainParams) {
    const r = rows.find((x) => x.name === p.name)!;
    assert.equal(r.type, p.type, `type of ${p.name}`);
    assert.equal(r.dflt, shown(p.defaultExpr), `default of ${p.name}`);
  }
});

test("the output table of docs/deploy.md is exactly main.bicep's outputs", () => {
  const table = /<!-- outputs:start -->([^]*?)<!-- outputs:end -->/.exec(doc('docs/deploy.md').text)?.[1];
  assert.ok(table, 'docs/deploy.md has <!-- outputs:start --> ... <!-- outputs:end -->');
  assert.deepEqual([...table.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]!).sort(), [...outputs].sort());
});

test('camelCase names and name=value pairs in the documents are Bicep parameters (or other Bicep symbols)', () => {
  for (const d of DOCS) {
    const { spans } = codeOf(d.text);
    const camel = spans.filter((s) => /^[a-z]+(?:[A-Z][a-z0-9]*)+$/.test(s));
    assert.deepEqual(
      camel.filter((s) => !paramNames.has(s) && !bicepSymbols.has(s) && !(s in EXTERNAL)),
      [],
      `${d.file}: camelCase names unknown to infra/`,
    );
    const globs = spans.filter((s) => /^[a-z]\w*\*$/.test(s));
    for (const g of globs)
      assert.ok(
        mainParams.some((p) => p.name.startsWith(g.slice(0, -1))),
        `${d.file}: \`${g}\` matches a parameter`,
      );
    const pairs = spans.flatMap((s) => [...s.matchAll(/^(\w+)=/g)].map((m) => m[1]!));
    assert.deepEqual(
      pairs.filter((p) => !paramNames.has(p)),
      [],
      `${d.file}: name=value pairs that are no parameter`,
    );
  }
});

test('every az deployment group create passes only parameters, and every required one', () => {
  for (const file of ['README.md', 'docs/deploy.md']) {
    const cmds = commands(doc(file).text).filter((c) => /^az deployment group (create|what-if)\b/.test(c));
    assert.ok(cmds.length >= 1, `${file} shows az deployment group create`);
    for (const c of cmds) {
      const args = /(?:--parameters|-p) (.*)$/.exec(c)?.[1] ?? '';
      const names = [...args.matchAll(/(?:^|\s)(\w+)=/g)].map((m) => m[1]!);
      assert.deepEqual(
        names.filter((n) => !paramNames.has(n)),
        [],
        `${file}: unknown parameters in: ${c}`,
      );
      assert.deepEqual(
        required.filter((r) => !names.includes(r)),
        [],
        `${file}: required parameters missing from: ${c}`,
      );
    }
  }
});

test('azd env set names what main.parameters.json substitutes; the required ones are set in README and docs/deploy.md', () => {
  const setIn = (file: string, withComments: boolean) =>
    commands(doc(file).text)
      .filter((l) => (withComments ? /^(?:#\s*)?azd env set /.test(l) : /^azd env set /.test(l)))
      .map((l) => /azd env set (\w+)/.exec(l)![1]!);
  for (const d of DOCS) {
    const all = setIn(d.file, true);
    assert.deepEqual(
      all.filter((n) => !azdVars.has(n) && !AZD_BUILTINS.has(n)),
      [],
      `${d.file}: azd env set of variables nothing reads`,
    );
  }
  // `azd env set X ...  # -> param` comments name the parameter main.parameters.json feeds with X.
  for (const l of commands(doc('docs/deploy.md').text)) {
    const m = /azd env set (\w+) .*# -> (\w+)/.exec(l);
    if (m && azdVars.has(m[1]!))
      assert.equal(azdVars.get(m[1]!), m[2], `docs/deploy.md: ${m[1]} feeds ${azdVars.get(m[1]!)}`);
  }
  // Every substitution is shown in the guide (AZURE_ENV_NAME comes from azd env new, AZURE_PRINCIPAL_ID from azd itself).
  const guide = setIn('docs/deploy.md', true);
  const shown = [...azdVars.keys()].filter((v) => v !== 'AZURE_ENV_NAME' && v !== 'AZURE_PRINCIPAL_ID');
  assert.deepEqual(
    shown.filter((v) => !guide.includes(v)),
    [],
    'main.parameters.json variables docs/deploy.md does not show with azd env set',
  );
  for (const file of ['README.md', 'docs/deploy.md']) {
    const active = setIn(file, false);
    const requiredVars = [...azdVars]
      .filter(([v, p]) => required.includes(p) && v !== 'AZURE_ENV_NAME')
      .map(([v]) => v);
    assert.deepEqual(
      requiredVars.filter((v) => !active.includes(v)),
      [],
      `${file}: required parameters not set with azd env set`,
    );
    assert.match(doc(file).text, /azd env new \S+/, `${file}: azd env new names the environment (environmentName)`);
  }
});

test('outputs read back (azd env get-value, --query properties.outputs) exist', () => {
  for (const d of DOCS) {
    const text = codeOf(d.text).blocks.join('\n');
    for (const m of text.matchAll(/azd env get-value (\w+)/g))
      assert.ok(outputs.has(m[1]!) || azdVars.has(m[1]!), `${d.file}: output ${m[1]}`);
    for (const m of text.matchAll(/properties\.outputs\.(\w+)/g))
      assert.ok(outputs.has(m[1]!), `${d.file}: output ${m[1]}`);
  }
});

test('the function list docs/deploy.md expects is the functions the app registers', () => {
  const listed = [...doc('docs/deploy.md').text.matchAll(/^<app>\/(\w+)$/gm)].map((m) => m[1]!).sort();
  const registered = readdirSync(join(root, 'functions'))
    .filter((f) => f.endsWith('.ts'))
    .flatMap((f) =>
      [
        ...readText(`functions/${f}`).matchAll(
          /\bapp\.(?:http|timer|serviceBusQueue|storageQueue|eventGrid)\('([^']+)'/g,
        ),
      ].map((m) => m[1]!),
    )
    .sort();
  assert.deepEqual(listed, registered);
  // The documented endpoint is the registered one (test/infra/routes.test.ts holds the route to the host's rules).
  const route = /export const EXPLAIN_ROUTE = '([^']+)'/.exec(readText('functions/explain.ts'))?.[1];
  assert.ok(route, 'functions/explain.ts exports EXPLAIN_ROUTE');
  for (const d of [...DOCS, { file: 'README.md (whole)', text: readText('README.md') }]) {
    for (const m of d.text.matchAll(/\/api\/([\w/-]*explain)\b/g)) assert.equal(m[1], route, `${d.file}: /api/${m[1]}`);
  }
  assert.match(doc('docs/deploy.md').text, new RegExp(`/api/${route}`));
});

// The reference pages the README links (docs/cli.md, docs/tenant-fixtures-and-dumps.md, docs/sss-parity.md):
// the command line they show is the one `exsync` parses, and what they name exists.
const REFERENCE_PAGES = ['docs/cli.md', 'docs/tenant-fixtures-and-dumps.md', 'docs/sss-parity.md'];
const COMMAND_PAGES = ['README.md', ...REFERENCE_PAGES];

test('docs/cli.md: the synopsis and exit codes are the ones exsync --help prints, and every option is described', () => {
  const page = readText('docs/cli.md');
  const synopsis = /## Synopsis\n+```\n([^]*?)```/.exec(page)?.[1]?.trim().split('\n');
  assert.deepEqual(
    synopsis,
    Object.values(COMMANDS).flatMap((c) => c.synopsis),
  );
  const codes = [...page.matchAll(/^\| ([0-9]) \| .+ \|$/gm)].map((r) => r[1]);
  assert.deepEqual(
    codes,
    EXIT_CODES.map((l) => l.slice(0, 1)),
  );
  for (const [name, c] of Object.entries(COMMANDS)) {
    const at = page.indexOf(`\n## ${name}\n`);
    assert.ok(at >= 0, `docs/cli.md has a section ## ${name}`);
    const section = page.slice(at, page.indexOf('\n## ', at + 4));
    for (const [flag, spec] of Object.entries(c.flags))
      assert.ok(
        section.includes(`\`--${flag}${spec.value ? ` ${spec.value}` : ''}\``),
        `docs/cli.md ## ${name} describes --${flag}`,
      );
  }
});

/** Words of a shell line: "quoted" and <placeholder> parts stay whole; a trailing # comment is dropped. */
function shellWords(line: string): string[] {
  const words = [...line.matchAll(/"[^"]*"|<[^>]*>|#.*$|\S+/g)].map((m) => m[0]);
  const end = words.findIndex((w) => w.startsWith('#'));
  return (end < 0 ? words : words.slice(0, end)).map((w) => w.replace(/^"(.*)"$/, '$1'));
}

test('every exsync command the README and docs/ show parses as written, and the files and fault specs it names are valid', () => {
  let checked = 0;
  for (const file of COMMAND_PAGES) {
    for (const block of fencedBlocks(readText(file)).filter((b) => b.lang === 'bash')) {
      for (const line of block.body.split('\n')) {
        const words = shellWords(line.trim());
        const at = words[0] === 'npx' ? 1 : 0;
        if (words[at] !== 'exsync') continue;
        checked++;
        const args = words.slice(at + 1);
        let parsed: ReturnType<typeof parseArgs>;
        try {
          parsed = parseArgs(args);
        } catch (e) {
          assert.fail(`${file}: \`${line.trim()}\` does not parse: ${(e as Error).message}`);
        }
        for (const flag of ['tenant', 'settings'])
          if (typeof parsed.flags[flag] === 'string')
            assert.ok(
              existsSync(join(root, parsed.flags[flag] as string)),
              `${file}: --${flag} ${parsed.flags[flag]} exists (in: ${line.trim()})`,
            );
        if (typeof parsed.flags.faults === 'string')
          assert.doesNotThrow(() => parseFaults(parsed.flags.faults as string), `${file}: ${line.trim()}`);
      }
    }
  }
  assert.ok(checked >= 20, `checked ${checked} exsync command lines`);
});

test('the reference pages: every relative link and anchor resolves, every file they name exists', () => {
  const FILE = /^[\w.\-/]+\/[\w.-]+\.(?:json|md|ts|sh|bicep)$/;
  for (const file of [...REFERENCE_PAGES, 'README.md']) {
    const text = readText(file);
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const [target, anchor] = m[1]!.split('#');
      if (/^[a-z]+:/.test(m[1]!)) continue;
      const path = target ? posix.join(posix.dirname(file), target) : file;
      assert.ok(existsSync(join(root, path)), `${file}: link ${m[1]} resolves`);
      if (anchor && path.endsWith('.md'))
        assert.ok(anchorsOf(readText(path)).has(anchor), `${file}: link ${m[1]}: ${path} has a heading #${anchor}`);
    }
    if (file === 'README.md') continue;
    for (const span of codeOf(text).spans)
      if (FILE.test(span)) assert.ok(existsSync(join(root, span)), `${file}: \`${span}\` exists`);
  }
});

/** Prefixes of names the Functions host, Application Insights, OpenTelemetry and the Azure SDKs read. */
const OTHER_NAMES = /^(?:FUNCTIONS|APPLICATIONINSIGHTS|OTEL|AZURE)_\*?$/;
/** A misspelt setting docs/cli.md shows on purpose: the command refuses it and names the setting meant. */
const MISSPELT_EXAMPLES = new Set(['DATAVERSE_URI']);

test('the reference pages name only settings that exist (the settings table) or names other software reads', () => {
  // The settings table is in the README, or in its own page once it moves there.
  const settingsPage = ['docs', 'settings.md'].join('/');
  const tables = readText('README.md') + (existsSync(join(root, settingsPage)) ? readText(settingsPage) : '');
  const settings = new Set([...tables.matchAll(/^\| `([A-Za-z_]+)` \|/gm)].map((m) => m[1]!));
  assert.ok(settings.has('DATAVERSE_URL') && settings.size >= 20, 'the settings table is found');
  for (const file of REFERENCE_PAGES) {
    const { blocks, spans } = codeOf(readText(file));
    const names = new Set([...blocks, ...spans].flatMap((t) => [...t.matchAll(UPPER)].map((m) => m[0])));
    assert.deepEqual(
      [...names].filter((n) => !settings.has(n) && !OTHER_NAMES.test(n) && !MISSPELT_EXAMPLES.has(n)),
      [],
      `${file}: names that are no setting`,
    );
  }
});
