// The status page's read model: one view of the mailboxes, their health, the backlog, the decisions by reason
// over time, throttling, dead letters and the shadow report, read from the same stores the command line reads
// (Table Storage, the queue's dead-letter queue). Azure and `exsync run` give it their own sources; the page
// (shared/status-page/) only renders what this returns.
import type { AlertLog, Clock, Ledger, MailboxRegistry } from '../ports';
import type { Decision } from '../domain/activity';
import { maskPersonalText } from '../log';
import { explainItem, explainMessage, validItemIdInput, validMessageIdInput } from './explain';
import { formatExplanation } from './explain-text';

export interface BacklogRow {
  queue: string;
  /** Messages ready to be handled now (active, plus those locked by a worker). */
  waiting: number;
  /** Messages scheduled for later (retries with backoff, continuations); undefined when the source cannot tell. */
  scheduled?: number;
  /** The source counted only up to this many (a peek); the real number may be higher. */
  capped?: boolean;
}
export interface ThrottleCount {
  system: string;
  count: number;
}
export interface Throttling {
  /** Since when the counts run (the process's start). */
  since: string;
  counts: ThrottleCount[];
}
export interface DeadLetterRow {
  queue: string;
  messageId: string;
  reason: string;
  description: string;
  deadLetteredAt: string;
  mailboxId?: string;
}
/** The shadow report as the status page shows it; filled by the shadow mode's report once it is in use. */
export interface ShadowSummary {
  mailboxes: number;
  agreed: number;
  disagreed: number;
  byReason: { reason: string; agreed: number; disagreed: number }[];
  disagreements: { internetMessageId: string; reason: string; explain: string }[];
}

/** Where the view comes from. Optional parts are what a host cannot know; the page says so instead of a number. */
export interface StatusSources {
  mailboxes: MailboxRegistry;
  ledger: Ledger;
  alerts: AlertLog;
  clock: Clock;
  deadLetters(): Promise<DeadLetterRow[]>;
  backlog?(): Promise<BacklogRow[]>;
  throttling?(): Throttling;
  /** The one hook of the shadow section: undefined (or no hook) means shadow mode is not in use. */
  shadow?(): Promise<ShadowSummary | undefined>;
  /** Addresses may be shown (LOG_PERSONAL_DATA, or the simulators' made-up tenant locally). */
  showPersonal: boolean;
}

export interface MailboxStatus {
  mailboxId: string;
  /** The address when addresses may be shown, else the mailbox id. */
  name: string;
  health: 'healthy' | 'failing' | 'disabled';
  consecutiveFailures: number;
  lastError?: string;
  lastSyncCompletedAt?: string;
  nextDueAt?: string;
  seen: number;
  promoted: number;
  failed: number;
  lastAlert?: { code: string; level: string; at: string };
}
export interface ReasonSeries {
  reason: string;
  counts: number[];
}
export interface StatusView {
  generatedAt: string;
  mailboxes: MailboxStatus[];
  /** Pending work every host can tell from the registry: mailboxes whose next sync is due and not yet started. */
  dueMailboxes: number;
  backlog?: BacklogRow[];
  /** Decisions of the last DECISION_WINDOW_HOURS, by reason, one count per hour (oldest first). */
  decisions: { hours: string[]; series: ReasonSeries[]; total: number };
  throttling?: Throttling;
  deadLetters: DeadLetterRow[];
  shadow?: ShadowSummary;
}

export const DECISION_WINDOW_HOURS = 24;
const HOUR = 3_600_000;

/** Hour buckets ending with the current hour, and each reason's count per bucket (only reasons that occur). */
export function decisionsByHour(decisions: Decision[], now: Date): StatusView['decisions'] {
  const last = Math.floor(now.getTime() / HOUR) * HOUR;
  const first = last - (DECISION_WINDOW_HOURS - 1) * HOUR;
  const hours = Array.from({ length: DECISION_WINDOW_HOURS }, (_, i) => new Date(first + i * HOUR).toISOString());
  const by = new Map<string, number[]>();
  let total = 0;
  for (const d of decisions) {
    const at = Date.parse(d.decidedAt);
    if (!(at >= first && at < last + HOUR)) continue;
    const counts = by.get(d.reason) ?? new Array<number>(DECISION_WINDOW_HOURS).fill(0);
    counts[Math.floor((at - first) / HOUR)]++;
    by.set(d.reason, counts);
    total++;
  }
  const series = [...by.entries()]
    .map(([reason, counts]) => ({ reason, counts }))
    .sort((a, b) => sum(b.counts) - sum(a.counts) || a.reason.localeCompare(b.reason));
  return { hours, series, total };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

function mailboxRows(
  records: Awaited<ReturnType<MailboxRegistry['list']>>,
  decisions: Decision[],
  latestAlerts: Map<string, MailboxStatus['lastAlert']>,
  showPersonal: boolean,
): MailboxStatus[] {
  const counts = new Map<string, { seen: number; promoted: number; failed: number }>();
  for (const d of decisions) {
    const c = counts.get(d.mailboxId) ?? { seen: 0, promoted: 0, failed: 0 };
    c.seen++;
    if (d.outcome === 'promoted' || d.outcome === 'updated') c.promoted++;
    if (d.outcome === 'failed') c.failed++;
    counts.set(d.mailboxId, c);
  }
  const text = (s: string | undefined) => (s === undefined || showPersonal ? s : maskPersonalText(s));
  return records
    .map((m): MailboxStatus => {
      const lastError = text(m.health.lastError);
      const alert = latestAlerts.get(m.mailboxId);
      return {
        mailboxId: m.mailboxId,
        name: showPersonal && m.address ? m.address : m.mailboxId,
        health: m.health.state,
        consecutiveFailures: m.health.consecutiveFailures,
        ...(lastError ? { lastError } : {}),
        ...(m.health.lastSyncCompletedAt ? { lastSyncCompletedAt: m.health.lastSyncCompletedAt } : {}),
        ...(m.health.nextDueAt ? { nextDueAt: m.health.nextDueAt } : {}),
        ...(counts.get(m.mailboxId) ?? { seen: 0, promoted: 0, failed: 0 }),
        ...(alert ? { lastAlert: alert } : {}),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The whole view, read once per page load; nothing here writes. */
export async function readStatus(src: StatusSources): Promise<StatusView> {
  const now = src.clock.now();
  const [records, decisions, alerts, deadLetters, backlog, shadow] = await Promise.all([
    src.mailboxes.list(),
    src.ledger.all(),
    src.alerts.all(500),
    src.deadLetters(),
    src.backlog?.(),
    src.shadow?.(),
  ]);
  const latest = new Map<string, MailboxStatus['lastAlert']>();
  for (const a of alerts)
    if (!latest.has(a.mailboxId)) latest.set(a.mailboxId, { code: a.code, level: a.level, at: a.at });
  const throttling = src.throttling?.();
  return {
    generatedAt: now.toISOString(),
    mailboxes: mailboxRows(records, decisions, latest, src.showPersonal),
    dueMailboxes: records.filter(
      (m) =>
        m.health.state !== 'disabled' &&
        m.health.nextDueAt !== undefined &&
        Date.parse(m.health.nextDueAt) <= now.getTime(),
    ).length,
    ...(backlog ? { backlog } : {}),
    decisions: decisionsByHour(decisions, now),
    ...(throttling ? { throttling } : {}),
    deadLetters: deadLetters
      .map((d) => (src.showPersonal ? d : { ...d, description: maskPersonalText(d.description) }))
      .sort((a, b) => b.deadLetteredAt.localeCompare(a.deadLetteredAt)),
    ...(shadow ? { shadow } : {}),
  };
}

export interface PageExplanation {
  query: string;
  text?: string;
  error?: string;
}

/**
 * The explain search: one box for an internet message id (it has an @) or an Exchange item or activity id (the
 * send stage keys its decisions by activity id), answered with the text `exsync explain` prints.
 */
export async function explainForPage(
  src: Pick<StatusSources, 'ledger' | 'mailboxes' | 'showPersonal'>,
  raw: string,
): Promise<PageExplanation> {
  const query = raw.trim().slice(0, 1024);
  const id = query.includes('@') ? validMessageIdInput(query) : undefined;
  const item = id ? undefined : validItemIdInput(query);
  if (!id && !item)
    return {
      query,
      error:
        'Not a Message-ID (like <abc@contoso.com>) nor an Exchange item or activity id (letters, digits, + / = _ -).',
    };
  const e = id ? await explainMessage(src.ledger, id) : await explainItem(src.ledger, src.mailboxes, item!);
  const text = formatExplanation(e);
  return { query, text: src.showPersonal ? text : maskPersonalText(text) };
}
