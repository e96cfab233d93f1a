// The state dump (docs/tenant-fixtures-and-dumps.md): Dataverse and Exchange as the simulators hold them, the latest
// decision per mailbox/workload/item, and the dead letters.
import type { Decision } from '../shared/domain/activity';
import { publicDecision, type PublicDecision } from '../shared/pipeline/explain';
import type { DeadLetter } from '../shared/adapters/localqueue';
import type { MailboxAlert } from '../shared/ports';

export interface StateDump {
  dataverse: Record<string, unknown[]>;
  exchange: Record<string, unknown>;
  decisions: PublicDecision[];
  deadLetters: { queue: string; reason: string; description?: string; body: unknown }[];
  /** Mailbox alerts raised during the runs (an addition to the run contract's dump). */
  alerts: MailboxAlert[];
}

export function buildDump(parts: {
  dataverse: Record<string, unknown[]>;
  exchange: Record<string, unknown>;
  decisions: Decision[];
  deadLetters: { queue: string; letter: DeadLetter }[];
  alerts: MailboxAlert[];
}): StateDump {
  return {
    dataverse: parts.dataverse,
    exchange: parts.exchange,
    decisions: [...parts.decisions]
      .sort(
        (a, b) =>
          a.mailbox.localeCompare(b.mailbox) ||
          a.folder.localeCompare(b.folder) ||
          a.internetMessageId.localeCompare(b.internetMessageId) ||
          a.graphId.localeCompare(b.graphId),
      )
      .map(publicDecision),
    deadLetters: parts.deadLetters.map(({ queue, letter }) => ({
      queue,
      reason: letter.reason,
      description: letter.description,
      body: letter.body,
    })),
    alerts: [...parts.alerts].sort((a, b) => a.at.localeCompare(b.at) || a.mailboxId.localeCompare(b.mailboxId)),
  };
}
