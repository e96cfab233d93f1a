// exchange-dataverse-sync on Azure: Flex Consumption function app (Node 22) + Service Bus + Table Storage +
// Application Insights + Key Vault, all reached with one user-assigned managed identity.
// Deploy: `azd up` (azure.yaml), or `az deployment group create -g <rg> -f infra/main.bicep -p dataverseUrl=...`.
targetScope = 'resourceGroup'

@minLength(1)
@maxLength(64)
@description('azd environment name; part of every resource name and the azd-env-name tag.')
param environmentName string

@description('Region of every resource; Flex Consumption must be available there.')
@metadata({ azd: { type: 'location' } })
param location string = resourceGroup().location

@description('Object id of the deployer (azd: AZURE_PRINCIPAL_ID); gets table, Service Bus and certificate roles for local runs. Empty = none.')
param principalId string = ''
@allowed(['User', 'ServicePrincipal', 'Group'])
param principalType string = 'User'

// ---- product settings (shared/config/declarations.ts)
@description('Dataverse environment URL, e.g. https://contoso.crm4.dynamics.com (DATAVERSE_URL).')
param dataverseUrl string
@description('How Graph and Dataverse tokens are obtained (CREDENTIAL_MODE); certificate keeps the certificate in Key Vault.')
@allowed(['managedidentity', 'certificate', 'workloadidentity'])
param credentialMode string = 'managedidentity'
@description('Entra tenant id of the app registration (certificate and workloadidentity modes).')
param appTenantId string = ''
@description('Client id of the app registration (certificate and workloadidentity modes).')
param appClientId string = ''
@description('Path of the PEM certificate with private key (certificate mode).')
param appCertificatePath string = ''
@description('Microsoft Graph endpoint (GRAPH_BASE_URL); change for national clouds.')
param graphBaseUrl string = 'https://graph.microsoft.com/v1.0'
@description('Prefix of the Table Storage table names (TABLE_PREFIX).')
@minLength(1)
@maxLength(41)
param tablePrefix string = 'exsync'
@minValue(1)
@maxValue(1000)
param graphPageSize int = 100
@minValue(10)
@maxValue(86400)
param syncIntervalSeconds int = 300
@description('Most emails one mailbox sends in a cycle, oldest first (SEND_MAX_PER_CYCLE).')
@minValue(1)
@maxValue(10000)
param sendMaxPerCycle int = 150
@description('NCRONTAB (6 fields, seconds first) of the schedule timer (SCHEDULE_CRON).')
param scheduleCron string = '0 */1 * * * *'
@minValue(5)
@maxValue(1800)
param syncTimeBudgetSeconds int = 240
@minValue(1)
@maxValue(300)
param dataverseBatchSize int = 100
@minValue(10000)
@maxValue(1000000)
param writeBatchMaxBytes int = 200000
@description('Overrides AutoTrackSentFolderItems; empty = read from Dataverse (AUTO_TRACK_SENT_ITEMS).')
@allowed(['', 'true', 'false'])
param autoTrackSentItems string = ''
@description('Outlook category that tracks an item whatever the filters (SSS: TrackCategorizedItems, exact name). (TRACKED_CATEGORY_NAME).')
param trackedCategoryName string = 'Tracked to Dynamics 365'
@description('Enhanced: correlate by the References header (newest first) after In-Reply-To; SSS ignores References. (ENHANCED_REFERENCES).')
param enhancedReferences bool = false
@description('Enhanced: skip automatic replies (Auto-Submitted, Precedence, X-Autoreply) with reason AutoReply; SSS tracks them. (ENHANCED_AUTO_REPLY_POLICY).')
param enhancedAutoReplyPolicy bool = false
@description('Enhanced: header and conversation-index correlation need the same subject (RE:/FW: aside), so a forwarded thread does not pull in unrelated mail. (ENHANCED_SAME_SUBJECT_GUARD).')
param enhancedSameSubjectGuard bool = false
@description('Enhanced: process mail moved into the Inbox later (per-folder delta); SSS skips mail received before its watermark. (ENHANCED_PROCESS_MOVED_MAIL).')
param enhancedProcessMovedMail bool = false
@description('Enhanced: a platform outage backs off instead of disabling mailboxes (ENHANCED_OUTAGE_BACKOFF).')
param enhancedOutageBackoff bool = false
@description('Cut-over: every mailbox the ownership registry does not list is synced in shadow mode, nothing written (SHADOW_MODE).')
param shadowMode bool = false
@description('More email-enabled tables for party resolution, logicalname:column|column items (PARTY_EXTRA_TABLES).')
param partyExtraTables string = ''
@description('Allow email addresses and subjects in logs and telemetry (LOG_PERSONAL_DATA).')
param logPersonalData bool = false
@description('Application Insights Live Metrics for the worker and the Functions host (LIVE_METRICS); off by default.')
param liveMetrics bool = false
@description('Change notifications from Graph (NOTIFY_ENABLED); off = every mailbox is polled.')
param notifyEnabled bool = true
@description('Where Graph posts notifications (NOTIFY_URL); empty = https://<function app>.azurewebsites.net/api/notify. Set it when the app has another host name.')
param notifyUrl string = ''
@description('Lifetime asked of Graph for a subscription, in minutes (NOTIFY_SUBSCRIPTION_MINUTES).')
@minValue(45)
@maxValue(10080)
param notifySubscriptionMinutes int = 4230
@description('Renew a subscription once it has less than this many minutes left (NOTIFY_RENEW_MARGIN_MINUTES).')
@minValue(5)
@maxValue(10000)
param notifyRenewMarginMinutes int = 1440
@description('Poll interval, in minutes, of a mailbox with live subscriptions (NOTIFY_SWEEP_MINUTES).')
@minValue(1)
@maxValue(1440)
param notifySweepMinutes int = 60
@description('Notifications for one mailbox within this many seconds become one sync job (NOTIFY_FOLD_SECONDS).')
@minValue(1)
@maxValue(600)
param notifyFoldSeconds int = 1

// ---- scale and operations
@description('Upper bound of Flex Consumption instances; also caps the load on Graph and Dataverse.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40
@description('E-mail address for alert notifications; empty = no action group.')
param alertEmail string = ''
@description('Client id of the app registration for the status page\'s Entra ID sign-in; empty = App Service Authentication stays off (the function-key page works either way).')
param statusPageSignInClientId string = ''

var abbrs = loadJsonContent('./abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var functionAppName = '${abbrs.webSitesFunctions}api-${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'
// Names known at compile time, so role assignment names stay deterministic (what-if friendly).
var names = {
  identity: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
  storage: '${abbrs.storageStorageAccounts}${resourceToken}'
  serviceBus: '${abbrs.serviceBusNamespaces}${resourceToken}'
  appInsights: '${abbrs.insightsComponents}${resourceToken}'
  keyVault: '${abbrs.keyVaultVaults}${resourceToken}'
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    tags: tags
    tablePrefix: tablePrefix
    deploymentContainerName: deploymentContainerName
  }
}

module serviceBus 'app/servicebus.bicep' = {
  name: 'servicebus'
  params: {
    name: names.serviceBus
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    appInsightsName: names.appInsights
    location: location
    tags: tags
  }
}

module keyVault 'app/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: names.keyVault
    location: location
    tags: tags
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  params: {
    identityName: names.identity
    storageAccountName: names.storage
    serviceBusNamespaceName: names.serviceBus
    appInsightsName: names.appInsights
    keyVaultName: names.keyVault
    grantKeyVault: credentialMode == 'certificate'
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
  }
  dependsOn: [identity, storage, serviceBus, monitoring, keyVault]
}

module api 'app/function.bicep' = {
  name: 'api'
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    blobEndpoint: storage.outputs.blobEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    appInsightsConnectionString: monitoring.outputs.connectionString
    maximumInstanceCount: maximumInstanceCount
    tablePrefix: tablePrefix
    graphBaseUrl: graphBaseUrl
    dataverseUrl: dataverseUrl
    credentialMode: credentialMode
    appTenantId: appTenantId
    appClientId: appClientId
    appCertificatePath: appCertificatePath
    graphPageSize: graphPageSize
    syncIntervalSeconds: syncIntervalSeconds
    sendMaxPerCycle: sendMaxPerCycle
    scheduleCron: scheduleCron
    syncTimeBudgetSeconds: syncTimeBudgetSeconds
    dataverseBatchSize: dataverseBatchSize
    writeBatchMaxBytes: writeBatchMaxBytes
    autoTrackSentItems: autoTrackSentItems
    trackedCategoryName: trackedCategoryName
    enhancedReferences: enhancedReferences
    enhancedAutoReplyPolicy: enhancedAutoReplyPolicy
    enhancedSameSubjectGuard: enhancedSameSubjectGuard
    enhancedProcessMovedMail: enhancedProcessMovedMail
    enhancedOutageBackoff: enhancedOutageBackoff
    shadowMode: shadowMode
    partyExtraTables: partyExtraTables
    logPersonalData: logPersonalData
    liveMetrics: liveMetrics
    notifyEnabled: notifyEnabled
    notifyUrl: notifyUrl
    notifySubscriptionMinutes: notifySubscriptionMinutes
    notifyRenewMarginMinutes: notifyRenewMarginMinutes
    notifySweepMinutes: notifySweepMinutes
    notifyFoldSeconds: notifyFoldSeconds
  }
}

module alerts 'app/alerts.bicep' = {
  name: 'alerts'
  params: {
    prefix: 'exsync-${resourceToken}-'
    location: location
    tags: tags
    serviceBusId: serviceBus.outputs.id
    appInsightsId: monitoring.outputs.appInsightsId
    alertEmail: alertEmail
  }
}

module statusAuth 'app/status-auth.bicep' = if (!empty(statusPageSignInClientId)) {
  name: 'status-auth'
  params: {
    functionAppName: functionAppName
    clientId: statusPageSignInClientId
  }
  dependsOn: [api]
}

module workbook 'app/workbook.bicep' = {
  name: 'workbook'
  params: {
    location: location
    tags: tags
    appInsightsId: monitoring.outputs.appInsightsId
    displayName: 'exchange-dataverse-sync operations (${environmentName})'
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup().name
output SERVICE_API_NAME string = api.outputs.name
output AZURE_FUNCTION_NAME string = api.outputs.name
output AZURE_CLIENT_ID string = identity.outputs.clientId
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.connectionString
output SERVICE_BUS_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output AZURE_STORAGE_TABLE_ENDPOINT string = storage.outputs.tableEndpoint
output TABLE_PREFIX string = tablePrefix
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_URI string = keyVault.outputs.uri
