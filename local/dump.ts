// The state dump of run-contract.md: Dataverse and Exchange as the simulators hold them, the latest
// decision per mailbox/workload/item, and the dead letters.
import type { Decision } from '../shared/domain/activity';
import type { DeadLetter } from '../shared/adapters/localqueue';

export interface StateDump {
  dataverse: Record<string, unknown[]>;
  exchange: Record<string, unknown>;
  decisions: Record<string, unknown>[];
  deadLetters: { queue: string; reason: string; description?: string; body: unknown }[];
}

export function decisionForDump(d: Decision): Record<string, unknown> {
  return {
    mailbox: d.mailbox,
    mailboxId: d.mailboxId,
    workload: d.workload,
    folder: d.folder,
    internetMessageId: d.internetMessageId,
    graphId: d.graphId,
    outcome: d.outcome,
    reason: d.reason,
    correlationMethod: d.correlationMethod,
    ...(d.activityid ? { activityid: d.activityid } : {}),
    ...(d.correlatedActivityId ? { correlatedActivityId: d.correlatedActivityId } : {}),
    ...(d.acceptingEntity ? { acceptingEntity: d.acceptingEntity } : {}),
    ...(d.detail ? { detail: d.detail } : {}),
    decidedAt: d.decidedAt,
  };
}

export function buildDump(parts: {
  dataverse: Record<string, unknown[]>;
  exchange: Record<string, unknown>;
  decisions: Decision[];
  deadLetters: { queue: string; letter: DeadLetter }[];
}): StateDump {
  return {
    dataverse: parts.dataverse,
    exchange: parts.exchange,
    decisions: [...parts.decisions]
      .sort((a, b) => a.mailbox.localeCompare(b.mailbox) || a.folder.localeCompare(b.folder) || a.internetMessageId.localeCompare(b.internetMessageId) || a.graphId.localeCompare(b.graphId))
      .map(decisionForDump),
    deadLetters: parts.deadLetters.map(({ queue, letter }) => ({ queue, reason: letter.reason, description: letter.description, body: letter.body })),
  };
}
