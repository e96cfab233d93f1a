// What every stage handler is given: ports and the few settings the stages read. Built once per process
// by the composition root (shared/compose.ts), or by tests with fakes at the port boundary.
import type {
  AlertLog,
  CheckpointStore,
  Clock,
  CorrelationIndex,
  DataversePort,
  GraphPort,
  Ledger,
  Log,
  MailboxRegistry,
  QueuePort,
} from '../ports';

export interface StageSettings {
  syncIntervalSeconds: number;
  syncTimeBudgetSeconds: number;
  writeBatchMaxBytes: number;
  /** App-setting override of OrgDB AutoTrackSentFolderItems; undefined = read from Dataverse. */
  autoTrackSentItems?: boolean;
  trackedCategoryName?: string;
  enhancedReferences?: boolean;
  enhancedAutoReplyPolicy?: boolean;
  enhancedSameSubjectGuard?: boolean;
  enhancedProcessMovedMail?: boolean;
  /** Enhanced: many mailboxes failing at once is a platform outage: back off, never disable. */
  enhancedOutageBackoff?: boolean;
}

export interface PipelineDeps {
  graph: GraphPort;
  dataverse: DataversePort;
  checkpoints: CheckpointStore;
  mailboxes: MailboxRegistry;
  ledger: Ledger;
  correlation: CorrelationIndex;
  alerts: AlertLog;
  queue: QueuePort;
  clock: Clock;
  log: Log;
  settings: StageSettings;
}

/** A queue message as a trigger hands it over: the body plus the metadata retries need. */
export interface InboundMessage {
  body: unknown;
  messageId?: string;
  sessionId?: string;
  deliveryCount: number;
  /** Service Bus application properties; they carry the trace context (traceparent, Diagnostic-Id). */
  applicationProperties?: Record<string, unknown>;
}
