// Explain: "why was this email (not) tracked?", answered from the ledger for every mailbox that saw the
// message, and telling "never seen" apart from "seen and skipped".
import type { Ledger, MailboxRegistry } from '../ports';
import type { Decision, Evaluation } from '../domain/activity';
import { WORKLOADS } from '../domain/reasons';
import { normalizeMessageId } from '../domain/message-id';

/** A decision as people and tools see it (the dump, explain): the ledger row without internal keys. */
export interface PublicDecision {
  mailbox: string;
  mailboxId: string;
  workload: string;
  folder: string;
  internetMessageId: string;
  graphId: string;
  outcome: string;
  reason: string;
  correlationMethod: string;
  activityid?: string;
  correlatedActivityId?: string;
  acceptingEntity?: { type: string; id: string };
  detail?: string;
  decidedAt: string;
  /** Decided in shadow mode: nothing was written. */
  shadow?: boolean;
}

export function publicDecision(d: Decision): PublicDecision {
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
    ...(d.shadow ? { shadow: true } : {}),
  };
}

export interface MailboxExplanation extends PublicDecision {
  evaluation?: Evaluation;
}

export interface Explanation {
  internetMessageId: string;
  seen: boolean;
  mailboxes: MailboxExplanation[];
}

/** The same answer for one Exchange item, asked by its Graph id: the way to an item without a Message-ID. */
export interface ItemExplanation {
  itemId: string;
  seen: boolean;
  mailboxes: MailboxExplanation[];
}

/** Message-IDs are short printable text; anything else is refused where it enters. */
export function validMessageIdInput(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const t = raw.trim();
  return t.length > 0 && t.length <= 998 && /^<?[^<>\s]+>?$/.test(t) ? t : undefined;
}

/** Graph item ids are opaque base64url-like text; anything else is refused where it enters. */
export function validItemIdInput(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const t = raw.trim();
  return /^[A-Za-z0-9+/=_-]{1,1024}$/.test(t) ? t : undefined;
}

export function explained(decisions: Decision[]): MailboxExplanation[] {
  return decisions
    .sort((a, b) => a.mailbox.localeCompare(b.mailbox) || a.folder.localeCompare(b.folder))
    .map((d): MailboxExplanation => {
      let evaluation: Evaluation | undefined;
      try {
        evaluation = d.evaluation ? (JSON.parse(d.evaluation) as Evaluation) : undefined;
      } catch {
        evaluation = undefined;
      }
      return { ...publicDecision(d), ...(evaluation ? { evaluation } : {}) };
    });
}

export async function explainMessage(ledger: Ledger, internetMessageId: string): Promise<Explanation> {
  const mailboxes = explained(await ledger.byMessage(normalizeMessageId(internetMessageId)));
  return { internetMessageId, seen: mailboxes.length > 0, mailboxes };
}

/** One point read per known mailbox and workload: the ledger is keyed by mailbox and Graph item id. */
export async function explainItem(ledger: Ledger, registry: MailboxRegistry, itemId: string): Promise<ItemExplanation> {
  const found: Decision[] = [];
  for (const m of await registry.list())
    for (const workload of WORKLOADS) {
      const d = await ledger.get(m.mailboxId, workload, itemId);
      if (d) found.push(d);
    }
  const mailboxes = explained(found);
  return { itemId, seen: mailboxes.length > 0, mailboxes };
}
