// The function app: Flex Consumption (FC1, Linux), Node 22, running as the user-assigned identity.
// appSettings holds every setting of shared/config/declarations.ts whose scope is 'all' or 'azure' (checked by
// test/infra/settings.test.ts), plus the platform's identity-based connection settings.
param name string
param planName string
param location string
param tags object

@description('Resource id, client id of the user-assigned identity.')
param identityId string
param identityClientId string

param deploymentContainerUrl string
param blobEndpoint string
param tableEndpoint string
param serviceBusFullyQualifiedNamespace string
param appInsightsConnectionString string

@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

// Product settings (shared/config/declarations.ts); empty strings are left out, so the code's defaults apply.
param tablePrefix string
param graphBaseUrl string
param dataverseUrl string
param credentialMode string
param appTenantId string
param appClientId string
param appCertificatePath string
param graphPageSize int
param syncIntervalSeconds int
param sendMaxPerCycle int
param scheduleCron string
param syncTimeBudgetSeconds int
param dataverseBatchSize int
param writeBatchMaxBytes int
param autoTrackSentItems string
param trackedCategoryName string
param enhancedReferences bool
param enhancedAutoReplyPolicy bool
param enhancedSameSubjectGuard bool
param enhancedProcessMovedMail bool
param enhancedOutageBackoff bool
param shadowMode bool
param partyExtraTables string
param logPersonalData bool
param liveMetrics bool
param notifyEnabled bool
@description('Empty: the app\'s default host name, where the notify function listens (anonymous; clientState authenticates).')
param notifyUrl string
param notifySubscriptionMinutes int
param notifyRenewMarginMinutes int
param notifySweepMinutes int
param notifyFoldSeconds int

var appSettings = [
  // Functions host storage over the identity (no AzureWebJobsStorage connection string: shared keys are off).
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
  { name: 'AzureWebJobsStorage__blobServiceUri', value: blobEndpoint }
  { name: 'AzureWebJobsStorage__tableServiceUri', value: tableEndpoint }
  // The triggers' connection 'ServiceBusConnection'; the code's sender reads the same namespace.
  { name: 'ServiceBusConnection__fullyQualifiedNamespace', value: serviceBusFullyQualifiedNamespace }
  { name: 'ServiceBusConnection__credential', value: 'managedidentity' }
  { name: 'ServiceBusConnection__clientId', value: identityClientId }
  // DefaultAzureCredential / ManagedIdentityCredential in code pick the same identity.
  { name: 'AZURE_CLIENT_ID', value: identityClientId }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
  { name: 'TABLE_PREFIX', value: tablePrefix }
  { name: 'GRAPH_BASE_URL', value: graphBaseUrl }
  { name: 'DATAVERSE_URL', value: dataverseUrl }
  { name: 'CREDENTIAL_MODE', value: credentialMode }
  { name: 'APP_TENANT_ID', value: appTenantId }
  { name: 'APP_CLIENT_ID', value: appClientId }
  { name: 'APP_CERTIFICATE_PATH', value: appCertificatePath }
  { name: 'GRAPH_PAGE_SIZE', value: string(graphPageSize) }
  { name: 'SYNC_INTERVAL_SECONDS', value: string(syncIntervalSeconds) }
  { name: 'SEND_MAX_PER_CYCLE', value: string(sendMaxPerCycle) }
  { name: 'SCHEDULE_CRON', value: scheduleCron }
  { name: 'SYNC_TIME_BUDGET_SECONDS', value: string(syncTimeBudgetSeconds) }
  { name: 'DATAVERSE_BATCH_SIZE', value: string(dataverseBatchSize) }
  { name: 'WRITE_BATCH_MAX_BYTES', value: string(writeBatchMaxBytes) }
  { name: 'AUTO_TRACK_SENT_ITEMS', value: autoTrackSentItems }
  { name: 'TRACKED_CATEGORY_NAME', value: trackedCategoryName }
  { name: 'ENHANCED_REFERENCES', value: string(enhancedReferences) }
  { name: 'ENHANCED_AUTO_REPLY_POLICY', value: string(enhancedAutoReplyPolicy) }
  { name: 'ENHANCED_SAME_SUBJECT_GUARD', value: string(enhancedSameSubjectGuard) }
  { name: 'ENHANCED_PROCESS_MOVED_MAIL', value: string(enhancedProcessMovedMail) }
  { name: 'ENHANCED_OUTAGE_BACKOFF', value: string(enhancedOutageBackoff) }
  { name: 'SHADOW_MODE', value: string(shadowMode) }
  { name: 'PARTY_EXTRA_TABLES', value: partyExtraTables }
  { name: 'LOG_PERSONAL_DATA', value: string(logPersonalData) }
  // Graph posts change notifications here (functions/notify.ts, route api/notify).
  { name: 'NOTIFY_URL', value: empty(notifyUrl) ? 'https://${name}.azurewebsites.net/api/notify' : notifyUrl }
  { name: 'NOTIFY_ENABLED', value: string(notifyEnabled) }
  { name: 'NOTIFY_SUBSCRIPTION_MINUTES', value: string(notifySubscriptionMinutes) }
  { name: 'NOTIFY_RENEW_MARGIN_MINUTES', value: string(notifyRenewMarginMinutes) }
  { name: 'NOTIFY_SWEEP_MINUTES', value: string(notifySweepMinutes) }
  { name: 'NOTIFY_FOLD_SECONDS', value: string(notifyFoldSeconds) }
  // One switch for Live Metrics: the worker's distro reads LIVE_METRICS, the host's own Live Metrics
  // (host.json logging.applicationInsights.enableLiveMetrics, false there) is overridden from the same parameter.
  { name: 'LIVE_METRICS', value: string(liveMetrics) }
  { name: 'AzureFunctionsJobHost__logging__applicationInsights__enableLiveMetrics', value: string(liveMetrics) }
]

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identityId }
        }
      }
      scaleAndConcurrency: { maximumInstanceCount: maximumInstanceCount, instanceMemoryMB: instanceMemoryMB }
      runtime: { name: 'node', version: '22' }
    }
    siteConfig: {
      alwaysOn: false
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: filter(appSettings, s => !empty(s.value))
    }
  }
}

// Deployment goes through Entra ID (azd/az with the identity of the caller), never publishing credentials.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: { allow: false }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: { allow: false }
}

output name string = site.name
output id string = site.id
output defaultHostName string = site.properties.defaultHostName
