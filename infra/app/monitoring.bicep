// Log Analytics + workspace-based Application Insights with local (instrumentation key) auth off: the
// function app reports with its managed identity (Monitoring Metrics Publisher, see rbac.bicep).
param logAnalyticsName string
param appInsightsName string
param location string
param tags object
@description('Days of retention in the Log Analytics workspace.')
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionInDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
  }
}

output appInsightsName string = appInsights.name
output appInsightsId string = appInsights.id
output connectionString string = appInsights.properties.ConnectionString
output workspaceId string = workspace.id
