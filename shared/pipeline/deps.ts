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
import type { StageSettings } from '../config';
import type { MailSendPort, OutboxPort } from '../ports-send';
import type { MessageCategoriesPort } from '../ports-categories';
import type { GraphSubscriptionsPort, SubscriptionStore } from '../ports-notify';
import type { ActDataversePort, ActExchangePort, ActLinkStore } from '../ports-act';
import type { MailboxColumnsPort, OwnershipRegistry } from '../ports-cutover';

/** The settings the stage handlers read: those declared with `stage: true` in shared/config/declarations.ts. */
export type { StageSettings } from '../config';

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
  /** The send stage's ports; without them no send job is scheduled. */
  outbox?: OutboxPort;
  mailSend?: MailSendPort;
  /** Marks tracked items with the tracking category in Exchange; without it nothing is marked. */
  categories?: MessageCategoriesPort;
  /** Change notifications: our subscriptions and Graph's; without them every mailbox is polled. */
  subscriptions?: SubscriptionStore;
  graphSubscriptions?: GraphSubscriptionsPort;
  /** The ACT job's ports (appointments, contacts, tasks); without them no ACT job is scheduled. */
  act?: { exchange: ActExchangePort; dataverse: ActDataversePort; links: ActLinkStore };
  /** The cut-over registry (owned, shadow, released); without it every mailbox is owned, or shadow under SHADOW_MODE. */
  ownership?: OwnershipRegistry;
  /** SSS's columns of a mailbox row, for takeover and release. */
  mailboxColumns?: MailboxColumnsPort;
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
