// The shadow report: the decisions made in shadow mode (the ledger) against the email rows Dataverse holds
// for the same Message-IDs, agreement by reason and every disagreement with its explanation. `exsync shadow
// report` prints it; the status page shows it (shadowReport is the one function both call).
import type { DataversePort, Ledger } from '../ports';
import type { Decision } from '../domain/activity';
import { compareShadow, type Direction, type ShadowComparison, type TrackedRow } from '../domain/shadow-compare';
import { explained, type MailboxExplanation } from './explain';

/** Message-IDs per Dataverse lookup: one `$batch` each, well under its limits. */
const LOOKUP_CHUNK = 100;

export interface ShadowAgreement {
  /** Both tracked it, or neither did. */
  tracked: boolean;
  /** The product's reason (for "neither", why it would skip). */
  reason: string;
  count: number;
}

export interface ShadowDisagreement {
  /** ProductWouldTrack: the product would track it and SSS did not; SssTracked: the reverse. */
  kind: 'ProductWouldTrack' | 'SssTracked';
  internetMessageId: string;
  direction: Direction;
  reason: string;
  sssActivityIds: string[];
  /** What `exsync explain` says for it: every mailbox's decision, parties and filters. */
  explain: MailboxExplanation[];
}

export interface ShadowReport {
  generatedAt: string;
  /** Mailboxes with shadow decisions, and how many each made. */
  mailboxes: { mailboxId: string; mailbox: string; decisions: number }[];
  /** Messages compared (one per Message-ID and direction). */
  messages: number;
  agreed: number;
  disagreed: number;
  /** Shadow decisions on items without a Message-ID: nothing to compare them with. */
  withoutMessageId: number;
  agreement: ShadowAgreement[];
  disagreements: ShadowDisagreement[];
}

/** Reads the shadow decisions and SSS's rows for them, and compares. */
export async function shadowReport(deps: {
  ledger: Pick<Ledger, 'all'>;
  dataverse: Pick<DataversePort, 'lookup'>;
  clock: { now(): Date };
}): Promise<ShadowReport> {
  const decisions = (await deps.ledger.all()).filter((d) => d.shadow && d.workload === 'email');
  const rows = await trackedRows(decisions, deps.dataverse);
  return summarize(decisions, rows, deps.clock.now().toISOString());
}

/** Dataverse's email rows with the decisions' Message-IDs, whoever wrote them. */
async function trackedRows(decisions: Decision[], dv: Pick<DataversePort, 'lookup'>): Promise<TrackedRow[]> {
  const ids = [...new Set(decisions.filter((d) => d.messageKey).map((d) => d.internetMessageId))];
  const rows = new Map<string, TrackedRow>();
  for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
    const found = await dv.lookup({ messageIds: ids.slice(i, i + LOOKUP_CHUNK), trackingTokens: [], addresses: [] });
    for (const [messageKey, list] of found.emails)
      for (const e of list) rows.set(e.activityid, { messageKey, outgoing: e.outgoing, activityid: e.activityid });
  }
  return [...rows.values()];
}

export function summarize(decisions: Decision[], rows: TrackedRow[], generatedAt: string): ShadowReport {
  const { comparisons, withoutMessageId } = compareShadow(decisions, rows);
  const agreement = new Map<string, ShadowAgreement>();
  const disagreements: ShadowDisagreement[] = [];
  for (const c of comparisons) {
    if (c.productWouldTrack !== c.sssTracked) {
      disagreements.push(disagreementOf(c));
      continue;
    }
    const k = `${c.productWouldTrack} ${c.reason}`;
    const a = agreement.get(k) ?? { tracked: c.productWouldTrack, reason: c.reason, count: 0 };
    a.count++;
    agreement.set(k, a);
  }
  const perMailbox = new Map<string, { mailboxId: string; mailbox: string; decisions: number }>();
  for (const d of decisions) {
    const m = perMailbox.get(d.mailboxId) ?? { mailboxId: d.mailboxId, mailbox: d.mailbox, decisions: 0 };
    m.decisions++;
    perMailbox.set(d.mailboxId, m);
  }
  return {
    generatedAt,
    mailboxes: [...perMailbox.values()].sort((a, b) => a.mailbox.localeCompare(b.mailbox)),
    messages: comparisons.length,
    agreed: comparisons.length - disagreements.length,
    disagreed: disagreements.length,
    withoutMessageId,
    agreement: [...agreement.values()].sort(
      (a, b) => Number(b.tracked) - Number(a.tracked) || b.count - a.count || a.reason.localeCompare(b.reason),
    ),
    disagreements,
  };
}

function disagreementOf(c: ShadowComparison): ShadowDisagreement {
  return {
    kind: c.productWouldTrack ? 'ProductWouldTrack' : 'SssTracked',
    internetMessageId: c.internetMessageId,
    direction: c.direction,
    reason: c.reason,
    sssActivityIds: c.sssActivityIds,
    explain: explained([...c.decisions]),
  };
}
