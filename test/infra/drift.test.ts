// The drift checks catch drift: each is fed a copy of the real texts with one name added on one side only,
// and must report exactly that name (and nothing when the real texts are used, or when both sides change).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SETTINGS } from '../../shared/config';
import { QUEUES } from '../../shared/ports';
import { readText } from './bicep-text';
import {
  defaultsDrift,
  EXPECTED_GRANTS,
  functionFiles,
  insertAfter,
  queueDrift,
  replaceOnce,
  roleDrift,
  settingsDrift,
  type DeclaredSetting,
} from './drift';

const fn = readText('infra/app/function.bicep');
const main = readText('infra/main.bicep');
const sb = readText('infra/app/servicebus.bicep');
const rbac = readText('infra/app/rbac.bicep');

const NEW_SETTING: DeclaredSetting = { name: 'EXSYNC_DRIFT_PROBE', scope: 'all' };
const withBicepSetting = (text: string) =>
  insertAfter(text, 'var appSettings = [\n', "  { name: 'EXSYNC_DRIFT_PROBE', value: 'x' }\n");
const noSettingsDrift = { missingFromBicep: [], unknownToCode: [], localOnlyOnAzure: [], setTwice: [] };

test('settings: the real texts have no drift', () => {
  assert.deepEqual(settingsDrift(fn, SETTINGS), noSettingsDrift);
});

test('settings: a setting added to the Bicep only is reported as unknown to the code, and only it', () => {
  assert.deepEqual(settingsDrift(withBicepSetting(fn), SETTINGS), {
    ...noSettingsDrift,
    unknownToCode: ['EXSYNC_DRIFT_PROBE'],
  });
});

test('settings: a setting added to the code only is reported as missing from the Bicep, and only it', () => {
  assert.deepEqual(settingsDrift(fn, [...SETTINGS, NEW_SETTING]), {
    ...noSettingsDrift,
    missingFromBicep: ['EXSYNC_DRIFT_PROBE'],
  });
  // A local-only setting is not expected on Azure, and one set there anyway is reported.
  assert.deepEqual(settingsDrift(fn, [...SETTINGS, { ...NEW_SETTING, scope: 'local' }]), noSettingsDrift);
  assert.deepEqual(settingsDrift(withBicepSetting(fn), [...SETTINGS, { ...NEW_SETTING, scope: 'local' }]), {
    ...noSettingsDrift,
    localOnlyOnAzure: ['EXSYNC_DRIFT_PROBE'],
  });
});

test('settings: added on both sides is no drift; set twice is reported', () => {
  assert.deepEqual(settingsDrift(withBicepSetting(fn), [...SETTINGS, NEW_SETTING]), noSettingsDrift);
  assert.deepEqual(settingsDrift(withBicepSetting(withBicepSetting(fn)), [...SETTINGS, NEW_SETTING]), {
    ...noSettingsDrift,
    setTwice: ['EXSYNC_DRIFT_PROBE'],
  });
});

test('settings: a default or bound changed on one side is reported with the setting name', () => {
  assert.deepEqual(defaultsDrift(main, fn, SETTINGS).mismatches, []);
  const bicepSide = replaceOnce(main, 'param graphPageSize int = 100', 'param graphPageSize int = 50');
  assert.deepEqual(defaultsDrift(bicepSide, fn, SETTINGS).mismatches, [
    'GRAPH_PAGE_SIZE: default 100 in code, 50 in param graphPageSize',
  ]);
  const codeSide = SETTINGS.map((s) => (s.name === 'SYNC_TIME_BUDGET_SECONDS' ? { ...s, max: 900 } : s));
  assert.deepEqual(defaultsDrift(main, fn, codeSide).mismatches, [
    'SYNC_TIME_BUDGET_SECONDS: max 900 in code, @maxValue 1800 on syncTimeBudgetSeconds',
  ]);
});

const noQueueDrift = { missingFromBicep: [], unknownToCode: [], sessionMismatch: [] };

test('queues: the real texts have no drift', () => {
  assert.deepEqual(queueDrift(sb, functionFiles(), QUEUES), noQueueDrift);
});

test('queues: requiresSession turned on in the Bicep only is reported for that queue only', () => {
  const activityWrites = sb.slice(sb.indexOf('resource activityWrites'));
  assert.match(activityWrites, /requiresSession: false/, 'anchor: activity-writes declares requiresSession: false');
  const bicepSide = sb.replace(
    activityWrites,
    replaceOnce(activityWrites, 'requiresSession: false', 'requiresSession: true'),
  );
  assert.deepEqual(queueDrift(bicepSide, functionFiles(), QUEUES), {
    ...noQueueDrift,
    sessionMismatch: [QUEUES.activityWrites],
  });
});

test('queues: sessions turned on in the code only (the write trigger) are reported for that queue only', () => {
  const files = functionFiles();
  const write = insertAfter(files['write.ts']!, 'queueName: QUEUES.activityWrites,\n', '  isSessionsEnabled: true,\n');
  assert.deepEqual(queueDrift(sb, { ...files, 'write.ts': write }, QUEUES), {
    ...noQueueDrift,
    sessionMismatch: [QUEUES.activityWrites],
  });
});

test('queues: a queue added on one side only is reported by name', () => {
  assert.deepEqual(queueDrift(sb, functionFiles(), { ...QUEUES, probe: 'drift-probe' }), {
    ...noQueueDrift,
    missingFromBicep: ['drift-probe'],
  });
  const bicepSide = `${sb}\nresource probe 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = {\n  parent: namespace\n  name: 'drift-probe'\n  properties: { requiresSession: false }\n}\n`;
  assert.deepEqual(queueDrift(bicepSide, functionFiles(), QUEUES), { ...noQueueDrift, unknownToCode: ['drift-probe'] });
});

const noRoleDrift = { missing: [], extra: [], wrongGuid: [] };
const namespaceSender = `
resource probeGrant 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(namespace.id, identity.id, roles.serviceBusDataSender)
  scope: namespace
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataSender)
  }
}
`;

test('roles: the real texts have no drift', () => {
  assert.deepEqual(roleDrift(rbac, EXPECTED_GRANTS), noRoleDrift);
});

test('roles: a grant added in the Bicep only (Data Sender on the whole namespace) is reported, and only it', () => {
  assert.deepEqual(roleDrift(rbac + namespaceSender, EXPECTED_GRANTS), {
    ...noRoleDrift,
    extra: ['serviceBusDataSender@namespace'],
  });
  // A grant to the deployer (not the identity) is not the identity's drift.
  assert.deepEqual(
    roleDrift(
      rbac +
        namespaceSender.replace('principalId: identity.properties.principalId', 'principalId: deployerPrincipalId'),
      EXPECTED_GRANTS,
    ),
    noRoleDrift,
  );
});

test('roles: a grant the code expects but the Bicep lacks is reported, and only it', () => {
  const expected = [
    ...EXPECTED_GRANTS,
    {
      role: 'storageQueueDataContributor',
      guid: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
      scopes: ['storage'],
      why: 'probe',
    },
  ];
  assert.deepEqual(roleDrift(rbac, expected), { ...noRoleDrift, missing: ['storageQueueDataContributor@storage'] });
  const wrong = EXPECTED_GRANTS.map((g) =>
    g.role === 'monitoringMetricsPublisher' ? { ...g, guid: '00000000-0000-0000-0000-000000000000' } : g,
  );
  assert.deepEqual(roleDrift(rbac, wrong), { ...noRoleDrift, wrongGuid: ['monitoringMetricsPublisher'] });
});
