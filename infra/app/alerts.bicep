// Alerts: Service Bus metrics (dead letters, backlog) and log queries on Application Insights (function
// failures, throttling, mailbox alerts). Log queries read the product's events both as customEvents and
// as the JSON lines the Functions logger writes to traces ({"event":"<name>",...}), so they work before
// and after the telemetry moves to custom events. Event names: see infra/README.md.
param prefix string
param location string
param tags object
param serviceBusId string
param appInsightsId string
@description('E-mail address for alert notifications; empty = alerts fire without a notification.')
param alertEmail string = ''
@description('Messages waiting in a queue for the whole backlog window before the backlog alert fires.')
param backlogThreshold int = 500
@description('Failed function invocations per 15 minutes before the failure alert fires.')
param failureThreshold int = 5
@description('Throttled (429/503) downstream responses per 15 minutes before the throttling alert fires.')
param throttledThreshold int = 50

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmail)) {
  name: '${prefix}ag'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'exsync'
    enabled: true
    emailReceivers: [{ name: 'operator', emailAddress: alertEmail, useCommonAlertSchema: true }]
  }
}

var metricActions = empty(alertEmail) ? [] : [{ actionGroupId: actionGroup.id }]
var logActions = { actionGroups: empty(alertEmail) ? [] : [actionGroup.id] }

// Product events from both customEvents and the JSON log lines in traces.
var events = '''
let events = union isfuzzy=true
    (customEvents | project timestamp, name, props = customDimensions),
    (traces | where message startswith '{"event":' | extend j = parse_json(message) | project timestamp, name = tostring(j.event), props = j);
'''

resource deadLetters 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${prefix}dead-letters'
  location: 'global'
  tags: tags
  properties: {
    description: 'A queue has dead-lettered messages: inspect and replay them (exsync replay).'
    severity: 1
    enabled: true
    scopes: [serviceBusId]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    autoMitigate: true
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'DeadLetteredMessages'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [{ name: 'EntityName', operator: 'Include', values: ['*'] }]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    actions: metricActions
  }
}

// Minimum over the window above the threshold = the queue never drained for 30 minutes (a backlog-age proxy:
// Service Bus has no age-of-oldest-message metric).
resource backlog 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${prefix}backlog'
  location: 'global'
  tags: tags
  properties: {
    description: 'A queue has kept a backlog for 30 minutes: workers are failing, throttled or under-scaled.'
    severity: 2
    enabled: true
    scopes: [serviceBusId]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT30M'
    autoMitigate: true
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          criterionType: 'StaticThresholdCriterion'
          name: 'ActiveMessages'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'ActiveMessages'
          dimensions: [{ name: 'EntityName', operator: 'Include', values: ['*'] }]
          operator: 'GreaterThan'
          threshold: backlogThreshold
          timeAggregation: 'Minimum'
        }
      ]
    }
    actions: metricActions
  }
}

resource failures 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: '${prefix}function-failures'
  location: location
  tags: tags
  properties: {
    displayName: 'exsync: function failures'
    description: 'Function invocations failed (requests with success == false), by function.'
    severity: 2
    enabled: true
    scopes: [appInsightsId]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    autoMitigate: true
    criteria: {
      allOf: [
        {
          query: 'requests | where success == false | summarize Failures = count() by FunctionName = operation_Name'
          timeAggregation: 'Total'
          metricMeasureColumn: 'Failures'
          dimensions: [{ name: 'FunctionName', operator: 'Include', values: ['*'] }]
          operator: 'GreaterThan'
          threshold: failureThreshold
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: logActions
  }
}

resource throttling 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: '${prefix}throttling'
  location: location
  tags: tags
  properties: {
    displayName: 'exsync: Graph/Dataverse throttling'
    description: 'Many throttled responses (429/503 with Retry-After) from Graph or Dataverse, by system.'
    severity: 3
    enabled: true
    scopes: [appInsightsId]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    autoMitigate: true
    criteria: {
      allOf: [
        {
          query: '${events}${loadTextContent('queries/throttled.kql')}'
          timeAggregation: 'Total'
          metricMeasureColumn: 'Throttled'
          dimensions: [{ name: 'system', operator: 'Include', values: ['*'] }]
          operator: 'GreaterThan'
          threshold: throttledThreshold
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: logActions
  }
}

resource mailboxAlerts 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: '${prefix}mailbox-alert'
  location: location
  tags: tags
  properties: {
    displayName: 'exsync: mailbox needs attention'
    description: 'A mailbox was skipped or disabled (event mailbox.alert: not approved, repeated failures), by mailbox.'
    severity: 2
    enabled: true
    scopes: [appInsightsId]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT15M'
    autoMitigate: false
    criteria: {
      allOf: [
        {
          query: '${events}events | where name == "mailbox.alert" | summarize Alerts = count() by mailboxId = tostring(props.mailboxId), alert = tostring(props.alert)'
          timeAggregation: 'Total'
          metricMeasureColumn: 'Alerts'
          dimensions: [
            { name: 'mailboxId', operator: 'Include', values: ['*'] }
            { name: 'alert', operator: 'Include', values: ['*'] }
          ]
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    actions: logActions
  }
}
