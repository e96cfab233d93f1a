// Settings: one module declares them, the README and the sample file match it, validation names every problem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSettings, SETTINGS, SettingsError } from '../../shared/config';

const root = join(__dirname, '..', '..', '..');

test('the README settings table lists exactly the declared settings, with their defaults', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const block = readme.split('<!-- settings:start -->')[1]?.split('<!-- settings:end -->')[0];
  assert.ok(block, 'README has the settings block');
  const rows = block.split('\n').filter((l) => l.startsWith('| `'));
  const documented = new Map(
    rows.map((r) => {
      const cells = r.split(/(?<!\\)\|/).map((c) => c.trim());
      return [cells[1]!.replace(/`/g, ''), cells[3]!.replace(/`/g, '')];
    }),
  );
  assert.deepEqual([...documented.keys()].sort(), SETTINGS.map((s) => s.name).sort());
  for (const s of SETTINGS)
    assert.equal(documented.get(s.name), 'default' in s ? s.default : '—', `default of ${s.name}`);
});

test('local.settings.sample.json has every declared setting', () => {
  const sample = JSON.parse(readFileSync(join(root, 'local.settings.sample.json'), 'utf8')) as {
    Values: Record<string, string>;
  };
  for (const s of SETTINGS) assert.ok(s.name in sample.Values, s.name);
});

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
