// azd wiring and the rest of the deployment surface: parameters file, tables, host.json, azure.yaml, and
// local-only modules (so the Bicep compiles offline).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SETTINGS } from '../../shared/config';
import { createTableStore } from '../../shared/adapters/tables';
import { bicepVar, params, readText, root } from './bicep-text';

const main = readText('infra/main.bicep');

test('main.parameters.json sets every required parameter and only declared ones', () => {
  const file = JSON.parse(readText('infra/main.parameters.json')) as { parameters: Record<string, { value: unknown }> };
  const keys = Object.keys(file.parameters);
  const declared = params(main);
  const required = declared.filter((p) => p.defaultExpr === undefined).map((p) => p.name);
  assert.deepEqual(
    required.filter((n) => !keys.includes(n)),
    [],
    'required params missing from main.parameters.json',
  );
  assert.deepEqual(
    keys.filter((k) => !declared.some((p) => p.name === k)),
    [],
    'unknown params in main.parameters.json',
  );
  assert.equal(file.parameters.environmentName?.value, '${AZURE_ENV_NAME}');
  for (const [k, v] of Object.entries(file.parameters))
    assert.match(String(v.value), /^\$\{[A-Z_]+(=[^}]*)?\}$/, `${k} is an azd substitution`);
});

test('main.bicep outputs are UPPER_SNAKE for azd', () => {
  const outputs = [...main.matchAll(/^output (\w+) /gm)].map((m) => m[1]!);
  assert.ok(outputs.length > 0);
  assert.deepEqual(
    outputs.filter((o) => !/^[A-Z][A-Z0-9_]*$/.test(o)),
    [],
  );
});

test("storage creates the tables the table store uses, with the code's default prefix", () => {
  const suffixes = bicepVar(readText('infra/app/storage.bicep'), 'tableSuffixes') as string[];
  assert.match(readText('infra/app/storage.bicep'), /name: '\$\{tablePrefix\}\$\{suffix\}'/);
  const prefix = SETTINGS.find((s) => s.name === 'TABLE_PREFIX')!.default;
  const store = createTableStore({ connectionString: 'UseDevelopmentStorage=true', tablePrefix: prefix });
  assert.deepEqual(suffixes.map((s) => `${prefix}${s}`).sort(), Object.values(store.tableNames).sort());
  assert.match(readText('infra/app/storage.bicep'), /allowSharedKeyAccess: false/);
});

test('every module is a local file (no registry references, so it compiles offline)', () => {
  const files = [
    'infra/main.bicep',
    ...readdirSync(join(root, 'infra/app'))
      .filter((f) => f.endsWith('.bicep'))
      .map((f) => `infra/app/${f}`),
  ];
  for (const f of files) assert.doesNotMatch(readText(f), /'br[:/]|'ts[:/]/, f);
});

test('host.json has the Service Bus extension settings, consistent with the work budget', () => {
  const host = JSON.parse(readText('host.json'));
  assert.equal(host.version, '2.0');
  assert.equal(host.extensionBundle?.id, 'Microsoft.Azure.Functions.ExtensionBundle');
  const sb = host.extensions?.serviceBus;
  assert.ok(sb, 'extensions.serviceBus');
  for (const k of [
    'prefetchCount',
    'autoCompleteMessages',
    'maxAutoLockRenewalDuration',
    'maxConcurrentCalls',
    'maxConcurrentSessions',
    'maxConcurrentCallsPerSession',
    'sessionIdleTimeout',
    'clientRetryOptions',
  ]) {
    assert.ok(k in sb, `extensions.serviceBus.${k}`);
  }
  assert.equal(sb.autoCompleteMessages, true, 'the handlers rely on complete-on-success / abandon-on-throw');
  assert.equal(sb.maxConcurrentCallsPerSession, 1, 'one message at a time per mailbox');
  const seconds = (t: string) => t.split(':').reduce((a, x) => a * 60 + Number(x), 0);
  const budget = Number(SETTINGS.find((s) => s.name === 'SYNC_TIME_BUDGET_SECONDS')!.default);
  assert.ok(seconds(sb.maxAutoLockRenewalDuration) >= budget, 'lock renewal outlasts a sync job');
  assert.ok(seconds(host.functionTimeout) >= seconds(sb.maxAutoLockRenewalDuration), 'functionTimeout >= lock renewal');
});

test('azure.yaml deploys this folder as the function service the Bicep tags', () => {
  const yaml = readText('azure.yaml');
  assert.match(yaml, /^services:\n {2}api:\n(?: {4}.*\n)*? {4}host: function$/m);
  assert.match(yaml, /^ {4}language: ts$/m);
  assert.match(yaml, /^ {4}project: \.$/m);
  assert.match(readText('infra/app/function.bicep'), /'azd-service-name': 'api'/);
});
