// Storage for the Functions host (blob leases, timer state), the Flex deployment package container, and
// the product's tables (<prefix>checkpoints|mailboxes|ledger|correlation|alerts, see shared/adapters/tables).
// Shared keys are off: everything goes through Entra ID.
param name string
param location string
param tags object
@description('Prefix of the table names (TABLE_PREFIX).')
param tablePrefix string
@description('Blob container that holds the Flex Consumption deployment package.')
param deploymentContainerName string

var tableSuffixes = ['checkpoints', 'mailboxes', 'ledger', 'correlation', 'alerts', 'ownership']

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: { defaultAction: 'Allow', bypass: 'AzureServices' }
  }
}

resource blobServices 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobServices
  name: deploymentContainerName
  properties: { publicAccess: 'None' }
}

resource tableServices 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [
  for suffix in tableSuffixes: {
    parent: tableServices
    name: '${tablePrefix}${suffix}'
  }
]

output name string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output tableEndpoint string = storage.properties.primaryEndpoints.table
output deploymentContainerUrl string = '${storage.properties.primaryEndpoints.blob}${deploymentContainer.name}'
output tableNames string[] = [for (suffix, i) in tableSuffixes: tables[i].name]
