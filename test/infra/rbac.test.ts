// Role assignments: the function app's identity holds exactly the data-plane roles the code and the host
// use (by built-in role GUID), on the resources that need them, and nothing broader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bicepVar, readText, resources } from './bicep-text';
import { EXPECTED_GRANTS, identityGrants, roleDrift } from './drift';

const rbac = readText('infra/app/rbac.bicep');

const BROAD = {
  owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  contributor: 'b24988ac-6180-42dd-9ab4-5e8d09f7f6d2',
  storageAccountContributor: '17d1049b-9a84-46fb-8f53-869881c3d3ab',
};

test('var roles maps names to the built-in GUIDs', () => {
  const roles = bicepVar(rbac, 'roles') as Record<string, string>;
  for (const g of EXPECTED_GRANTS) assert.equal(roles[g.role], g.guid, g.role);
  assert.deepEqual(roleDrift(rbac, EXPECTED_GRANTS).wrongGuid, []);
});

test('the identity has the roles the code needs, on the right resources', () => {
  assert.deepEqual(roleDrift(rbac, EXPECTED_GRANTS).missing, [], 'expected grants Bicep does not make');
});

test('the identity gets nothing broader than that', () => {
  assert.deepEqual(roleDrift(rbac, EXPECTED_GRANTS).extra, [], 'grants to the identity nobody expects');
  assert.ok(identityGrants(rbac).length >= EXPECTED_GRANTS.length);
  for (const [name, guid] of Object.entries(BROAD)) assert.ok(!rbac.includes(guid), `${name} is never assigned`);
});

test('the Key Vault role follows the certificate credential mode', () => {
  const [kv] = resources(rbac, 'Microsoft.Authorization/roleAssignments').filter((r) =>
    /roles\.keyVaultSecretsUser/.test(r.body),
  );
  assert.ok(kv, 'an assignment of Key Vault Secrets User');
  assert.match(kv.body, /^\{/);
  assert.match(rbac, /resource identityKeyVault '[^']+' = if \(grantKeyVault\)/);
  assert.match(readText('infra/main.bicep'), /grantKeyVault: credentialMode == 'certificate'/);
});

test('Scale-out on Flex Consumption: the scaler can read queue and session counts (Service Bus Data Owner on each queue, nothing wider)', () => {
  // The scaler reads active message counts through the Service Bus administration API, which needs Manage;
  // Data Owner is the built-in role that holds it. Scoped to the queues, never to the namespace.
  const grants = identityGrants(rbac).filter((g) => g.startsWith('serviceBus'));
  assert.deepEqual(grants, ['serviceBusDataOwner@queue']);
  const [owner] = resources(rbac, 'Microsoft.Authorization/roleAssignments').filter((r) =>
    /roles\.serviceBusDataOwner/.test(r.body),
  );
  assert.ok(owner, 'an assignment of Azure Service Bus Data Owner');
  assert.match(owner.body, /^\[\s*for \(q, i\) in queueNames:/, 'one assignment per queue');
  assert.match(owner.body, /scope: queue\[i\]/);
  assert.doesNotMatch(owner.body, /scope: namespace/);
  // Every queue the triggers listen on is one the loop covers.
  assert.match(rbac, /var queueNames = items\(queues\)/);
});

test('Scale-out on Flex Consumption: an idle session slot moves on within seconds (sessionIdleTimeout), and docs/deploy.md says what bounds the instance count', () => {
  const sb = (JSON.parse(readText('host.json')) as { extensions: { serviceBus: Record<string, unknown> } }).extensions
    .serviceBus;
  const m = /^(\d\d):(\d\d):(\d\d)$/.exec(String(sb.sessionIdleTimeout));
  assert.ok(m, `sessionIdleTimeout is a hh:mm:ss timespan: ${String(sb.sessionIdleTimeout)}`);
  const seconds = Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  assert.ok(seconds >= 1 && seconds <= 10, `an idle session is let go within seconds, not ${seconds} s`);
  const deploy = readText('docs/deploy.md');
  assert.match(deploy, /## What bounds scale-out/);
  for (const bound of ['maximumInstanceCount', 'maxConcurrentSessions', 'maxConcurrentCalls', 'sessionIdleTimeout'])
    assert.ok(deploy.includes(bound), `docs/deploy.md names ${bound}`);
});
