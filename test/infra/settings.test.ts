// App settings: docs/settings.md and local.settings.sample.json are what the declarations generate; the
// function app sets every setting the code reads on Azure (declarations with scope 'all' or 'azure'), sets
// nothing the code does not know except platform names, and passes the code's defaults and bounds through
// the parameters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DECLARED, SETTINGS } from '../../shared/config';
import { GENERATED, REGENERATE, sampleSettingsJson, settingsMarkdown } from '../support/settings-docs';
import { code, params, readText } from './bicep-text';
import { appSettingNames, appSettingsBlock, defaultsDrift, NOT_ON_AZURE, settingsDrift } from './drift';

test('Settings declared once: docs/settings.md is what the declarations generate', () => {
  assert.equal(
    readText(GENERATED.doc),
    settingsMarkdown(),
    `${GENERATED.doc} differs from shared/config/declarations.ts: run \`${REGENERATE}\``,
  );
});

test('Settings declared once: local.settings.sample.json is what the declarations generate', () => {
  assert.equal(
    readText(GENERATED.sample),
    sampleSettingsJson(),
    `${GENERATED.sample} differs from shared/config/declarations.ts: run \`${REGENERATE}\``,
  );
});

test('Settings declared once: the settings table lists exactly the declared settings, with their defaults', () => {
  const rows = readText(GENERATED.doc)
    .split('\n')
    .filter((l) => l.startsWith('| `'));
  const documented = new Map(
    rows.map((r) => {
      const cells = r.split(/(?<!\\)\|/).map((c) => c.trim());
      return [cells[1]!.replace(/`/g, ''), cells[3]!.replace(/`/g, '')];
    }),
  );
  assert.deepEqual(
    [...documented.keys()],
    SETTINGS.map((s) => s.name),
  );
  const shown = (d: string | undefined) => (d === undefined ? '—' : d === '' ? 'empty' : d);
  for (const s of SETTINGS)
    assert.equal(documented.get(s.name), shown('default' in s ? s.default : undefined), `default of ${s.name}`);
  const sample = JSON.parse(readText(GENERATED.sample)) as { Values: Record<string, string> };
  for (const s of SETTINGS) assert.ok(s.name in sample.Values, `${s.name} in ${GENERATED.sample}`);
});

test('Settings declared once: the README links docs/settings.md and holds no settings table of its own', () => {
  const readme = readText('README.md');
  assert.match(readme, /\]\(docs\/settings\.md\)/);
  const rows = SETTINGS.filter((s) => readme.includes(`\n| \`${s.name}\` |`)).map((s) => s.name);
  assert.deepEqual(rows, [], 'settings listed in a README table: they belong in docs/settings.md only');
});

const fn = readText('infra/app/function.bicep');
const main = readText('infra/main.bicep');
const bicepNames = () => appSettingNames(fn);
const drift = () => settingsDrift(fn, SETTINGS);

test('the site uses the appSettings variable, and nothing else writes app settings', () => {
  assert.match(code(fn), /siteConfig:\s*\{[^]*?\bappSettings:\s*filter\(appSettings\b/);
  assert.doesNotMatch(code(fn) + code(main), /Microsoft\.Web\/sites\/config@/);
});

test('every setting the code reads on Azure is set by the function app module', () => {
  assert.deepEqual(drift().missingFromBicep, [], 'settings missing from infra/app/function.bicep');
});

test('every app setting in Bicep is declared in SETTINGS or is a platform name', () => {
  assert.deepEqual(
    drift().unknownToCode,
    [],
    'app settings the code does not declare (add them to shared/config/declarations.ts or remove them)',
  );
  assert.deepEqual(drift().localOnlyOnAzure, [], 'local-only settings set on Azure');
});

test('settings kept off Azure on purpose are declared, and really absent', () => {
  for (const n of Object.keys(NOT_ON_AZURE)) {
    assert.ok(
      SETTINGS.some((s) => s.name === n),
      `${n} is declared`,
    );
    assert.ok(!bicepNames().includes(n), `${n} is not set in Bicep: ${NOT_ON_AZURE[n]}`);
  }
});

test('no app setting is set twice', () => {
  assert.deepEqual(drift().setTwice, []);
});

test('identity-based connections name the host storage, the trigger connection and the identity', () => {
  const names = new Set(bicepNames());
  for (const n of [
    'AzureWebJobsStorage__credential',
    'AzureWebJobsStorage__clientId',
    'AzureWebJobsStorage__blobServiceUri',
    'ServiceBusConnection__fullyQualifiedNamespace',
    'ServiceBusConnection__credential',
    'ServiceBusConnection__clientId',
    'AZURE_CLIENT_ID',
    'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
    'APPLICATIONINSIGHTS_CONNECTION_STRING',
  ]) {
    assert.ok(names.has(n), n);
  }
  assert.match(
    appSettingsBlock(fn),
    /APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=\$\{identityClientId\};Authorization=AAD'/,
  );
});

test('defaults and bounds of main.bicep parameters match the code', () => {
  const { mismatches, compared } = defaultsDrift(main, fn, SETTINGS);
  assert.deepEqual(mismatches, []);
  assert.ok(compared >= 8, `compared ${compared} defaults`);
});

test("CREDENTIAL_MODE allows exactly the code's modes that work on Azure", () => {
  const p = params(main).find((x) => x.name === 'credentialMode');
  const allowed = /@allowed\(\[([^\]]*)\]\)/
    .exec(p?.decorators ?? '')?.[1]
    ?.match(/'[^']+'/g)
    ?.map((v) => v.slice(1, -1));
  const modes = DECLARED.credentialMode.values.filter((m) => m !== 'static'); // static: simulators only
  assert.deepEqual(allowed?.sort(), [...modes].sort());
});
