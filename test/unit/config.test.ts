// Settings: one declaration per setting gives the typed value and the stage settings; validation names every
// problem with the setting, the value and what was expected. (The generated docs: test/infra/settings.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AZURE_NEEDS,
  CREDENTIAL_NEEDS,
  DECLARED,
  loadSettings,
  SETTINGS,
  SettingsError,
  stageSettings,
} from '../../shared/config';
import { checkSettingKeys } from '../../local/settings-file';

test('defaults load, and SSS parity values are the defaults', () => {
  const s = loadSettings({ DATAVERSE_URL: 'https://contoso.crm4.dynamics.com', CREDENTIAL_MODE: 'managedidentity' });
  assert.equal(s.syncIntervalSeconds, 300);
  assert.equal(s.graphPageSize, 100);
  assert.equal(s.logPersonalData, false);
  assert.equal(s.autoTrackSentItems, undefined);
});

test('every problem is named at once', () => {
  try {
    loadSettings({
      GRAPH_PAGE_SIZE: '0',
      GRAPH_BASE_URL: 'not a url',
      CREDENTIAL_MODE: 'certificate',
      SCHEDULE_CRON: '*/5 * * * *',
      LOG_PERSONAL_DATA: 'maybe',
    });
    assert.fail('should throw');
  } catch (e) {
    assert.ok(e instanceof SettingsError);
    const text = e.problems.join('\n');
    for (const name of [
      'GRAPH_PAGE_SIZE',
      'GRAPH_BASE_URL',
      'APP_TENANT_ID',
      'APP_CLIENT_ID',
      'APP_CERTIFICATE_PATH',
      'SCHEDULE_CRON',
      'LOG_PERSONAL_DATA',
    ])
      assert.match(text, new RegExp(name));
  }
});

test('Azure needs its endpoints and refuses static tokens', () => {
  assert.throws(
    () => loadSettings({ CREDENTIAL_MODE: 'static', STATIC_TOKEN: 'x' }, 'azure'),
    (e: unknown) => {
      const p = (e as SettingsError).problems.join('\n');
      return (
        /DATAVERSE_URL/.test(p) &&
        /ServiceBusConnection__fullyQualifiedNamespace/.test(p) &&
        /static tokens are for the simulators/.test(p)
      );
    },
  );
});

/** What a parsed value of each kind of declaration is at run time. */
const RUNTIME_TYPE: Record<string, string> = {
  string: 'string',
  url: 'string',
  cron: 'string',
  enum: 'string',
  int: 'number',
  bool: 'boolean',
};

test('Settings declared once: each declaration gives its validated value, under its own property, typed by its kind', () => {
  const s = loadSettings({}) as Record<string, unknown>;
  for (const [key, d] of Object.entries(DECLARED)) {
    if (!('default' in d)) {
      assert.ok(!(key in s), `${d.name} has no default: ${key} is absent when unset`);
      continue;
    }
    const want = key === 'partyExtraTables' ? 'object' : RUNTIME_TYPE[d.kind];
    assert.equal(typeof s[key], want, `${d.name} -> ${key}`);
  }
  const given = loadSettings({ GRAPH_PAGE_SIZE: '250', DATAVERSE_URL: 'https://contoso.crm4.dynamics.com/' });
  assert.equal(given.graphPageSize, 250);
  assert.equal(given.dataverseUrl, 'https://contoso.crm4.dynamics.com');
  assert.deepEqual(loadSettings({ PARTY_EXTRA_TABLES: 'New_Vendor:EmailAddress|email2' }).partyExtraTables, [
    { logicalName: 'new_vendor', columns: ['emailaddress', 'email2'] },
  ]);
});

test('Settings declared once: the stage settings are exactly the declarations marked for the stages', () => {
  const marked = Object.entries(DECLARED)
    .filter(([, d]) => 'stage' in d && d.stage)
    .map(([key]) => key)
    .sort();
  const all = stageSettings(
    loadSettings({
      AUTO_TRACK_SENT_ITEMS: 'yes',
      ENHANCED_REFERENCES: 'true',
      NOTIFY_URL: 'https://exsync.example/api/notify',
    }),
  );
  assert.deepEqual(Object.keys(all).sort(), marked);
  assert.equal(all.autoTrackSentItems, true);
  assert.equal(all.enhancedReferences, true);
  assert.equal(all.syncIntervalSeconds, 300);
  // Unset without a default: left out, so the stages read the OrgDB value.
  assert.ok(!('autoTrackSentItems' in stageSettings(loadSettings({}))));
});

test('Clear errors for bad settings: each names the setting, the value and what was expected', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadSettings(env);
    } catch (e) {
      return (e as SettingsError).problems;
    }
    return [];
  };
  assert.deepEqual(problems({ GRAPH_PAGE_SIZE: 'lots' }), ['GRAPH_PAGE_SIZE: "lots" is not a whole number']);
  assert.deepEqual(problems({ GRAPH_PAGE_SIZE: '0' }), ['GRAPH_PAGE_SIZE: 0 is below the minimum 1']);
  assert.deepEqual(problems({ DATAVERSE_BATCH_SIZE: '301' }), ['DATAVERSE_BATCH_SIZE: 301 is above the maximum 300']);
  assert.deepEqual(problems({ GRAPH_BASE_URL: 'graph' }), ['GRAPH_BASE_URL: "graph" is not an absolute URL']);
  assert.deepEqual(problems({ GRAPH_BASE_URL: 'ftp://x' }), ['GRAPH_BASE_URL: must be an http(s) URL']);
  assert.deepEqual(problems({ LIVE_METRICS: 'on' }), ['LIVE_METRICS: "on" is not true or false']);
  assert.deepEqual(problems({ SIM_LIMITS: 'Real' }), ['SIM_LIMITS: "Real" is not one of off, real']);
  assert.deepEqual(problems({ SCHEDULE_CRON: '* * * * *' }), [
    'SCHEDULE_CRON: "* * * * *" is not a 6-field NCRONTAB expression (seconds first)',
  ]);
  assert.deepEqual(problems({ TABLE_PREFIX: '1x' }), [
    'TABLE_PREFIX: letters and digits only, starting with a letter, at most 41 characters',
  ]);
  assert.deepEqual(problems({ PARTY_EXTRA_TABLES: 'vendor' }), [
    'PARTY_EXTRA_TABLES: "vendor" is not logicalname:column|column',
  ]);
  assert.deepEqual(problems({ CREDENTIAL_MODE: 'workloadidentity', APP_CLIENT_ID: 'c' }), [
    'APP_TENANT_ID: required when CREDENTIAL_MODE is workloadidentity',
  ]);
  assert.equal(
    new SettingsError(problems({ GRAPH_PAGE_SIZE: 'lots' })).message,
    'Invalid settings (1):\n  - GRAPH_PAGE_SIZE: "lots" is not a whole number',
  );
});

test('Clear errors for bad settings: what a credential mode or Azure needs is named when missing, and only it', () => {
  const problems = (env: Record<string, string>, host: 'azure' | 'local') => {
    try {
      loadSettings(env, host);
    } catch (e) {
      return (e as SettingsError).problems;
    }
    return [];
  };
  const full: Record<string, string> = {
    DATAVERSE_URL: 'https://contoso.crm4.dynamics.com',
    ServiceBusConnection__fullyQualifiedNamespace: 'ns.servicebus.windows.net',
    AzureWebJobsStorage__tableServiceUri: 'https://acct.table.core.windows.net',
    AzureWebJobsStorage: 'UseDevelopmentStorage=true',
    APP_TENANT_ID: 'tenant',
    APP_CLIENT_ID: 'client',
    APP_CERTIFICATE_PATH: 'cert.pem',
    STATIC_TOKEN: 'token',
  };
  for (const [mode, needs] of Object.entries(CREDENTIAL_NEEDS)) {
    assert.deepEqual(problems({ ...full, CREDENTIAL_MODE: mode }, 'local'), [], mode);
    for (const n of needs)
      assert.deepEqual(problems({ ...full, CREDENTIAL_MODE: mode, [n]: '' }, 'local'), [
        `${n}: required when CREDENTIAL_MODE is ${mode}`,
      ]);
  }
  for (const need of AZURE_NEEDS) {
    const [first, ...either] = typeof need === 'string' ? [need] : need;
    const without = { ...full, [first!]: '', ...Object.fromEntries(either.map((n) => [n, ''])) };
    assert.deepEqual(problems(without, 'azure'), [
      either.length ? `${first}: required (or ${either[0]})` : `${first}: required`,
    ]);
    if (either.length) assert.deepEqual(problems({ ...full, [first!]: '' }, 'azure'), [], `${either[0]} is enough`);
  }
});

test('Settings declared once: the --settings file check knows every declared setting', () => {
  assert.deepEqual(checkSettingKeys(SETTINGS.map((s) => s.name)), { misspelt: [], unknown: [] });
  assert.deepEqual(checkSettingKeys(['GRAPH_PAGE_SIZES']).misspelt, [
    'GRAPH_PAGE_SIZES: not a setting; did you mean GRAPH_PAGE_SIZE?',
  ]);
});
