// Operations workbook on the Application Insights component: mailbox health, promotion decisions by
// reason, end-to-end latency, throttling. The queries live in workbook.json.
param location string
param tags object
param appInsightsId string
param displayName string

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, displayName)
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'workbook'
    sourceId: appInsightsId
    version: 'Notebook/1.0'
    serializedData: loadTextContent('workbook.json')
  }
}

output id string = workbook.id
