// Every name this product gives to telemetry, in one place: the alerts and the workbook (infra/) query
// these, so a rename here is a rename there.

/** The tracer and meter name (instrumentation scope). */
export const SCOPE = 'exchange-dataverse-sync';
export const DEFAULT_SERVICE_NAME = 'exchange-dataverse-sync';

export const SPANS = {
  schedule: 'schedule',
  sync: 'sync',
  write: 'write',
  /** Producer span around one QueuePort.send; its context travels in the messages. */
  send: (queue: string) => `send ${queue}`,
  /** Client span around one Graph or Dataverse port call. */
  dependency: (system: string, operation: string) => `${system} ${operation}`,
} as const;

export const METRICS = {
  /** Counter, one per decision recorded in the ledger: outcome, reason, folder. */
  decided: 'promotion.decided',
  /** Counter of HTTP requests to Graph and Dataverse: system, route. */
  requests: 'dependency.requests',
  /** Histogram of Retry-After (ms), one value per 429/throttled answer: system. valueCount = throttles. */
  throttled: 'dependency.throttled',
  /** Histogram (ms): Exchange receivedDateTime (sentDateTime for Sent Items) to the Dataverse row created. */
  latency: 'pipeline.latency',
  /** Histogram (ms): how long a folder's checkpoint had not moved, recorded when it moves. */
  checkpointLag: 'checkpoint.lag',
  /** Gauge: messages in the embedded queues by state (local runtime only; Service Bus has its own metrics). */
  queueDepth: 'queue.depth',
  /** Histogram (ms) of stage invocations: stage, outcome. */
  stageDuration: 'stage.duration',
} as const;

/** Structured log events emitted by the telemetry layer (the stages emit their own: sync.done, write.done, ...). */
export const EVENTS = {
  decided: 'promotion.decided',
} as const;

export const ATTR = {
  stage: 'exsync.stage',
  /** sha256 of the mailbox id, 16 hex characters: joins a mailbox's spans without naming it. */
  mailboxHash: 'exsync.mailbox.hash',
  outcome: 'exsync.outcome',
  system: 'exsync.system',
  route: 'exsync.route',
  reason: 'exsync.reason',
  folder: 'exsync.folder',
  enqueued: 'exsync.enqueued',
  throttledBy: 'exsync.throttled_by',
  errorType: 'error.type',
  messagingSystem: 'messaging.system',
  destination: 'messaging.destination.name',
  batchCount: 'messaging.batch.message_count',
  deliveryCount: 'messaging.servicebus.message.delivery_count',
  operation: 'messaging.operation.type',
} as const;

/** Stage outcomes on spans and stage.duration. */
export type StageOutcome = 'ok' | 'rescheduled' | 'poison' | 'error';
