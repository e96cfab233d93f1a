// App settings: the function app sets every setting the code reads on Azure (shared/config.ts SETTINGS with
// scope 'all' or 'azure'), sets nothing the code does not know except platform names, and passes the
// code's defaults and bounds through the parameters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SETTINGS } from '../../shared/config';
import { balancedFrom, bound, code, params, prop, quotedNames, readText } from './bicep-text';

const fn = readText('infra/app/function.bicep');
const main = readText('infra/main.bicep');

/** Platform and identity settings the code does not declare (the host, the SDKs, App Insights read them). */
const PLATFORM = [/^AzureWebJobsStorage__\w+$/, /^ServiceBusConnection__\w+$/, /^APPLICATIONINSIGHTS_\w+$/, /^FUNCTIONS_\w+$/, /^AZURE_CLIENT_ID$/, /^AzureFunctionsJobHost__\w+$/];
/** Declared settings deliberately not set on Azure, with the reason. */
const NOT_ON_AZURE: Record<string, string> = {
  AzureWebJobsStorage: 'a connection string needs shared keys, which are off; Azure uses the identity-based AzureWebJobsStorage__* form',
};

function appSettingsBlock(): string {
  const src = code(fn);
  const at = src.indexOf('var appSettings =');
  assert.ok(at >= 0, 'function.bicep declares var appSettings');
  return balancedFrom(src, at);
}
const bicepNames = () => quotedNames(appSettingsBlock());

test('the site uses the appSettings variable, and nothing else writes app settings', () => {
  assert.match(code(fn), /siteConfig:\s*\{[^]*?\bappSettings:\s*filter\(appSettings\b/);
  assert.doesNotMatch(code(fn) + code(main), /Microsoft\.Web\/sites\/config@/);
});

test('every setting the code reads on Azure is set by the function app module', () => {
  const names = new Set(bicepNames());
  const wanted = SETTINGS.filter((s) => s.scope !== 'local' && !(s.name in NOT_ON_AZURE)).map((s) => s.name);
  assert.deepEqual(wanted.filter((n) => !names.has(n)), [], 'settings missing from infra/app/function.bicep');
});

test('every app setting in Bicep is declared in SETTINGS or is a platform name', () => {
  const declared = new Set<string>(SETTINGS.map((s) => s.name));
  const unknown = bicepNames().filter((n) => !declared.has(n) && !PLATFORM.some((re) => re.test(n)));
  assert.deepEqual(unknown, [], 'app settings the code does not declare (add them to shared/config.ts or remove them)');
  const local = bicepNames().filter((n) => SETTINGS.some((s) => s.name === n && s.scope === 'local'));
  assert.deepEqual(local, [], 'local-only settings set on Azure');
});

test('settings kept off Azure on purpose are declared, and really absent', () => {
  for (const n of Object.keys(NOT_ON_AZURE)) {
    assert.ok(SETTINGS.some((s) => s.name === n), `${n} is declared`);
    assert.ok(!bicepNames().includes(n), `${n} is not set in Bicep: ${NOT_ON_AZURE[n]}`);
  }
});

test('no app setting is set twice', () => {
  const names = bicepNames();
  assert.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), []);
});

test('identity-based connections name the host storage, the trigger connection and the identity', () => {
  const names = new Set(bicepNames());
  for (const n of ['AzureWebJobsStorage__credential', 'AzureWebJobsStorage__clientId', 'AzureWebJobsStorage__blobServiceUri',
    'ServiceBusConnection__fullyQualifiedNamespace', 'ServiceBusConnection__credential', 'ServiceBusConnection__clientId',
    'AZURE_CLIENT_ID', 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', 'APPLICATIONINSIGHTS_CONNECTION_STRING']) {
    assert.ok(names.has(n), n);
  }
  assert.match(appSettingsBlock(), /APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=\$\{identityClientId\};Authorization=AAD'/);
});

test('defaults and bounds of main.bicep parameters match the code', () => {
  const block = appSettingsBlock();
  const mainParams = new Map(params(main).map((p) => [p.name, p]));
  const apiModule = balancedFrom(code(main), code(main).indexOf("module api 'app/function.bicep'"));
  const apiParams = balancedFrom(apiModule, apiModule.indexOf('params:'));
  let compared = 0;
  for (const s of SETTINGS) {
    // { name: 'GRAPH_PAGE_SIZE', value: string(graphPageSize) } -> function.bicep param -> main.bicep param
    const value = new RegExp(`name: '${s.name}', value: (?:string\\()?(\\w+)\\)? \\}`).exec(block)?.[1];
    const mainName = value && prop(apiParams, value);
    const p = mainName && /^\w+$/.test(mainName) ? mainParams.get(mainName) : undefined;
    if (!p) continue;
    if ('default' in s) {
      assert.equal(String(p.defaultExpr?.replace(/^'(.*)'$/, '$1')), s.default, `default of ${s.name} (param ${p.name})`);
      compared++;
    }
    if ('min' in s) assert.equal(bound(p, 'minValue'), s.min, `@minValue of ${p.name} (${s.name})`);
    if ('max' in s) assert.equal(bound(p, 'maxValue'), s.max, `@maxValue of ${p.name} (${s.name})`);
  }
  assert.ok(compared >= 8, `compared ${compared} defaults`);
});

test('CREDENTIAL_MODE allows exactly the code\'s modes that work on Azure', () => {
  const p = params(main).find((x) => x.name === 'credentialMode');
  const allowed = /@allowed\(\[([^\]]*)\]\)/.exec(p?.decorators ?? '')?.[1]?.match(/'[^']+'/g)?.map((v) => v.slice(1, -1));
  const modes = SETTINGS.find((s) => s.name === 'CREDENTIAL_MODE')!.values.filter((m) => m !== 'static'); // static: simulators only
  assert.deepEqual(allowed?.sort(), [...modes].sort());
});
