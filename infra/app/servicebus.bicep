// Service Bus (Standard: sessions and duplicate detection, no private endpoints). Queue names and flags
// mirror QUEUES in shared/ports.ts and the triggers in functions/: sync-jobs is session-enabled (one
// worker per mailbox), both queues de-duplicate by messageId (the schedule's time-slot ids, write batch ids).
param name string
param location string
param tags object

@export()
@description('Queue names, as QUEUES in shared/ports.ts.')
var queues = { syncJobs: 'sync-jobs', activityWrites: 'activity-writes' }

// Deliveries before dead-lettering; the local runtime's QUEUE_MAX_DELIVERY_COUNT default matches.
var maxDeliveryCount = 10

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: 'Standard', tier: 'Standard' }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource syncJobs 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = {
  parent: namespace
  name: queues.syncJobs
  properties: {
    requiresSession: true
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT10M'
    lockDuration: 'PT1M'
    maxDeliveryCount: maxDeliveryCount
    deadLetteringOnMessageExpiration: true
  }
}

resource activityWrites 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = {
  parent: namespace
  name: queues.activityWrites
  properties: {
    requiresSession: false
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT10M'
    lockDuration: 'PT1M'
    maxDeliveryCount: maxDeliveryCount
    deadLetteringOnMessageExpiration: true
  }
}

output name string = namespace.name
output id string = namespace.id
// '<ns>.servicebus.windows.net', taken from the endpoint so sovereign clouds work too.
output fullyQualifiedNamespace string = split(split(namespace.properties.serviceBusEndpoint, '//')[1], ':')[0]
