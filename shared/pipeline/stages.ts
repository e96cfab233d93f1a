// The stages bound to their ports, built once per process, as Temporal's samples create their activities from
// their dependencies: the Functions triggers (index.ts) and the local runtime (local/run.ts) call these, and
// the unit tests build them over in-memory fakes of the same ports.
import type { InboundMessage, PipelineDeps } from './deps';
import { handleSyncMessage } from './sync';
import { handleWriteMessage } from './write';
import { handleSendMessage } from './send';
import { isSendJobBody } from '../domain/send';
import { isActJobBody } from '../domain/act/job';
import { handleActMessage } from './act';
import { runSchedule, type ScheduleResult } from './schedule';
import { explainMessage, type Explanation } from './explain';
import { handleNotify, type NotifyAnswer, type NotifyRequest } from './notify';
import { maintainSubscriptions, type SubscriptionsResult } from './notify-subscriptions';

/** Closures over the ports, not methods: a stage can be handed on as a handler (`stages.sync`) as it is. */
export interface Stages {
  /**
   * sync-jobs (a session per mailbox): one mailbox from its checkpoints, failures to its health or a retry;
   * a send job (kind "send") on the same queue and session sends the mailbox's Pending Send emails; an act job
   * (kind "act") syncs its contacts and tasks both ways.
   */
  sync: (msg: InboundMessage) => Promise<void>;
  /** activity-writes: one page's emails into Dataverse, then its decisions into the ledger. */
  write: (msg: InboundMessage) => Promise<void>;
  /** The timer: one sync job per mailbox that is due. */
  schedule: (opts?: { force?: boolean }) => Promise<ScheduleResult>;
  /** Why each mailbox did what it did with one Message-ID (the ledger only). */
  explain: (internetMessageId: string) => Promise<Explanation>;
  /** Graph's change and lifecycle notifications (and its validation handshake): sync jobs for their mailboxes. */
  notify: (request: NotifyRequest) => Promise<NotifyAnswer>;
  /** The subscriptions timer: create, renew and remove Graph subscriptions as mailboxes come and go. */
  subscriptions: () => Promise<SubscriptionsResult>;
}

export function createStages(deps: PipelineDeps): Stages {
  return {
    sync: (msg) =>
      isSendJobBody(msg.body)
        ? handleSendMessage(msg, deps)
        : isActJobBody(msg.body)
          ? handleActMessage(msg, deps)
          : handleSyncMessage(msg, deps),
    write: (msg) => handleWriteMessage(msg, deps),
    schedule: (opts = {}) => runSchedule(deps, opts),
    explain: (internetMessageId) => explainMessage(deps.ledger, internetMessageId),
    notify: (request) => handleNotify(request, deps),
    subscriptions: () => maintainSubscriptions(deps),
  };
}
