// Least-privilege data-plane roles. The function app's identity gets exactly what the code and the host
// use; the deployer (optional principalId) gets what running the code locally against Azure needs.
import { queues } from 'servicebus.bicep'

// Role GUIDs: Azure built-in role definitions (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles);
// test/infra/rbac.test.ts checks them.
@description('Name of the function app\'s user-assigned identity.')
param identityName string
param storageAccountName string
param serviceBusNamespaceName string
param appInsightsName string
param keyVaultName string
@description('Grant the identity Key Vault Secrets User (certificate credential mode).')
param grantKeyVault bool

@description('Object id of the deploying user or pipeline; empty = no deployer roles.')
param deployerPrincipalId string = ''
@allowed(['User', 'ServicePrincipal', 'Group'])
param deployerPrincipalType string = 'User'

var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  serviceBusDataOwner: '090c5cfd-751d-490a-894a-3ce6f1109419'
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
  keyVaultCertificatesOfficer: 'a4417e6f-fecd-4de8-b567-7b0420556985'
}
var withDeployer = !empty(deployerPrincipalId)
var queueNames = items(queues)

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: identityName
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' existing = {
  name: serviceBusNamespaceName
}

resource queue 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' existing = [
  for q in queueNames: {
    parent: namespace
    name: q.value
  }
]

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

// ---- the function app's identity

// Blob Data Owner: host leases/timer state and the Flex deployment container; Table Data Contributor: the
// product's tables (the code creates them if missing).
resource identityStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in [roles.storageBlobDataOwner, roles.storageTableDataContributor]: {
    name: guid(storage.id, identity.id, role)
    scope: storage
    properties: {
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    }
  }
]

// Per queue, and on nothing wider: Azure Service Bus Data Owner. The triggers receive, the code sends (jobs,
// continuations, write batches, reschedules), and the Flex Consumption scaler, which connects as this identity,
// reads each queue's active message count through the Service Bus administration API: that takes the Manage
// right, which among built-in roles only Data Owner holds. Without it the count is refused, target-based scaling
// is not used and scale-out guesses from the oldest message. Sources: event-driven scaling guidance on Manage
// rights (https://learn.microsoft.com/azure/azure-functions/event-driven-scaling) and the Service Bus extension's
// ServiceBusTargetScaler / ServiceBusMetricsProvider (github.com/Azure/azure-sdk-for-net).
resource identityQueueOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (q, i) in queueNames: {
    name: guid(queue[i].id, identity.id, roles.serviceBusDataOwner)
    scope: queue[i]
    properties: {
      principalId: identity.properties.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataOwner)
    }
  }
]

// Entra-authenticated telemetry (APPLICATIONINSIGHTS_AUTHENTICATION_STRING; local auth is off).
resource identityMonitoring 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identity.id, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
  }
}

// Certificate mode only: read the app certificate (a certificate's private key is served as a secret).
resource identityKeyVault 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (grantKeyVault) {
  name: guid(vault.id, identity.id, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

// ---- the deployer (local runs against Azure resources, importing the certificate)

resource deployerStorage 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (withDeployer) {
  name: guid(storage.id, deployerPrincipalId, roles.storageTableDataContributor)
  scope: storage
  properties: {
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
  }
}

resource deployerServiceBus 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in (withDeployer ? [roles.serviceBusDataSender, roles.serviceBusDataReceiver] : []): {
    name: guid(namespace.id, deployerPrincipalId, role)
    scope: namespace
    properties: {
      principalId: deployerPrincipalId
      principalType: deployerPrincipalType
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    }
  }
]

resource deployerKeyVault 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (withDeployer && grantKeyVault) {
  name: guid(vault.id, deployerPrincipalId, roles.keyVaultCertificatesOfficer)
  scope: vault
  properties: {
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultCertificatesOfficer)
  }
}
