// Role assignments: the function app's identity holds exactly the data-plane roles the code and the host
// use (by built-in role GUID), on the resources that need them, and nothing broader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bicepVar, prop, readText, resources } from './bicep-text';

const rbac = readText('infra/app/rbac.bicep');

// Built-in role definition GUIDs (docs: Azure built-in roles).
const ROLE = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39',
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
};
const BROAD = {
  owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  contributor: 'b24988ac-6180-42dd-9ab4-5e8d09f7f6d2',
  serviceBusDataOwner: '090c5cfd-751d-490a-894a-3ce6f1109419',
  storageAccountContributor: '17d1049b-9a84-46fb-8f53-869881c3d3ab',
};

/** GUID -> scope symbols, for the assignments whose principal is the function app's identity. */
function identityGrants(): Map<string, Set<string>> {
  const roles = bicepVar(rbac, 'roles') as Record<string, string>;
  const grants = new Map<string, Set<string>>();
  for (const r of resources(rbac, 'Microsoft.Authorization/roleAssignments')) {
    if (prop(r.body, 'principalId') !== 'identity.properties.principalId') continue;
    const scope = prop(r.body, 'scope')!.replace(/\[\w+\]$/, '');
    const refs = [...r.body.matchAll(/\broles\.(\w+)/g)].map((m) => roles[m[1]!]);
    for (const guid of new Set(refs)) {
      assert.ok(guid, `${r.symbol}: role names a key of var roles`);
      if (!grants.has(guid)) grants.set(guid, new Set());
      grants.get(guid)!.add(scope);
    }
  }
  return grants;
}

test('var roles maps names to the built-in GUIDs', () => {
  const roles = bicepVar(rbac, 'roles') as Record<string, string>;
  for (const [k, guid] of Object.entries(ROLE)) assert.equal(roles[k], guid, k);
});

test('the identity has the roles the code needs, on the right resources', () => {
  const g = identityGrants();
  const on = (guid: string) => [...(g.get(guid) ?? [])].sort();
  assert.deepEqual(on(ROLE.storageBlobDataOwner), ['storage'], 'Blob Data Owner: host storage and the deployment container');
  assert.deepEqual(on(ROLE.storageTableDataContributor), ['storage'], 'Table Data Contributor: checkpoints, mailboxes, ledger, correlation');
  assert.deepEqual(on(ROLE.serviceBusDataSender), ['queue'], 'Data Sender per queue: the code sends jobs and write batches');
  assert.deepEqual(on(ROLE.serviceBusDataReceiver), ['queue'], 'Data Receiver per queue: the triggers');
  assert.deepEqual(on(ROLE.monitoringMetricsPublisher), ['appInsights'], 'Monitoring Metrics Publisher: Entra-authenticated telemetry');
});

test('the identity gets nothing broader than that', () => {
  const allowed = new Set(Object.values(ROLE));
  const g = identityGrants();
  assert.deepEqual([...g.keys()].filter((guid) => !allowed.has(guid)), []);
  for (const [name, guid] of Object.entries(BROAD)) assert.ok(!rbac.includes(guid), `${name} is never assigned`);
});

test('the Key Vault role follows the certificate credential mode', () => {
  const [kv] = resources(rbac, 'Microsoft.Authorization/roleAssignments').filter((r) => /roles\.keyVaultSecretsUser/.test(r.body));
  assert.ok(kv, 'an assignment of Key Vault Secrets User');
  assert.match(kv.body, /^\{/);
  assert.match(rbac, /resource identityKeyVault '[^']+' = if \(grantKeyVault\)/);
  assert.match(readText('infra/main.bicep'), /grantKeyVault: credentialMode == 'certificate'/);
});
