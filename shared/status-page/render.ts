// The status page: plain server-rendered HTML, one inline stylesheet (allowed by its hash in the CSP), inline
// SVG for the chart, no script. Read-only: its one form only asks explain, which reads the ledger.
import { createHash } from 'node:crypto';
import type { PageExplanation, ShadowSummary, StatusView } from '../pipeline/status';
import { decisionsChart } from './chart';
import { esc, table, when } from './html';

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1d1d1d}h1{font-size:1.3rem}h2{font-size:1.1rem;margin-top:1.6rem}
table{border-collapse:collapse}th,td{border-bottom:1px solid #ddd;padding:.25rem .6rem;text-align:left;vertical-align:top}
th{background:#f3f3f3}.healthy{color:#256d3a}.failing{color:#a66300}.disabled{color:#b02a2a}.empty{color:#666}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.2rem 1rem}.n{color:#666}
pre{background:#f6f6f6;padding:.6rem;white-space:pre-wrap;max-width:60rem}.error{color:#b02a2a}
summary{cursor:pointer;font-weight:600;font-size:1.1rem;margin-top:1.6rem}input[type=text]{width:32rem;max-width:90%}`;

/** The Content-Security-Policy: nothing loads, nothing runs; the stylesheet by its hash; forms post here only. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

function mailboxes(v: StatusView): string {
  const rows = v.mailboxes.map((m) => [
    `<span class="mailbox" data-mailbox="${esc(m.name)}">${esc(m.name)}</span>`,
    `<span class="${m.health}">${esc(m.health)}</span>${m.consecutiveFailures ? ` (${m.consecutiveFailures} failure(s) in a row)` : ''}${m.lastError ? `<br><small>${esc(m.lastError)}</small>` : ''}`,
    when(m.lastSyncCompletedAt),
    when(m.nextDueAt),
    `${m.seen} seen, ${m.promoted} promoted, ${m.failed} failed`,
    m.lastAlert ? `${esc(m.lastAlert.level)} ${esc(m.lastAlert.code)}, ${when(m.lastAlert.at)}` : '–',
  ]);
  return table(
    'mailboxes-table',
    ['mailbox', 'health', 'last sync', 'next sync', 'decisions', 'last alert'],
    rows,
    'No mailbox has been scheduled yet.',
  );
}

function backlog(v: StatusView): string {
  const due = `<p id="due-mailboxes">${v.dueMailboxes} mailbox(es) due for a sync and not yet started.</p>`;
  if (!v.backlog)
    return `${due}<p class="empty" id="backlog-table">This host cannot count the queues: see the Service Bus metrics (active and scheduled messages).</p>`;
  const rows = v.backlog.map((b) => [
    esc(b.queue),
    `${b.waiting}${b.capped ? ' or more' : ''}`,
    b.scheduled === undefined ? '–' : String(b.scheduled),
  ]);
  return `${due}${table('backlog-table', ['queue', 'waiting', 'scheduled (retries, continuations)'], rows, 'No queue.')}`;
}

function throttling(v: StatusView): string {
  if (!v.throttling)
    return '<p class="empty" id="throttling-table">Not counted on this host: Application Insights has it (metric dependency.throttled).</p>';
  const rows = v.throttling.counts.map((t) => [esc(t.system), String(t.count)]);
  return `<p>Throttled answers (429, or busy with a Retry-After) since ${when(v.throttling.since)}:</p>${table('throttling-table', ['system', 'throttled'], rows, 'None.')}`;
}

function deadLetters(v: StatusView): string {
  const rows = v.deadLetters.map((d) => [
    when(d.deadLetteredAt),
    esc(d.queue),
    esc(d.mailboxId ?? '–'),
    `${esc(d.reason)}: ${esc(d.description)}`,
    `<code>${esc(d.messageId)}</code>`,
  ]);
  return table(
    'dead-letters-table',
    ['dead-lettered', 'queue', 'mailbox', 'reason', 'message id'],
    rows,
    'No dead letters.',
  );
}

/** The shadow report section: "not in use" until the shadow mode's report gives it something to show. */
export function shadowSection(s: ShadowSummary | undefined): string {
  const body = !s
    ? '<p id="shadow-state">Shadow mode not in use: no mailbox is synced in shadow mode.</p>'
    : [
        `<p id="shadow-state">${s.mailboxes} mailbox(es) in shadow mode: ${s.agreed} agree with server-side synchronization, ${s.disagreed} disagree.</p>`,
        table(
          'shadow-reasons',
          ['reason', 'agree', 'disagree'],
          s.byReason.map((r) => [esc(r.reason), String(r.agreed), String(r.disagreed)]),
          'No decisions yet.',
        ),
        ...s.disagreements.map(
          (d) => `<h3>${esc(d.internetMessageId)} (${esc(d.reason)})</h3><pre>${esc(d.explain)}</pre>`,
        ),
      ].join('\n');
  return `<details id="shadow"><summary>Shadow report</summary>\n${body}\n</details>`;
}

function explainForm(action: string, e: PageExplanation | undefined): string {
  const result = !e
    ? ''
    : e.error
      ? `<p class="error" id="explain-result">${esc(e.error)}</p>`
      : `<pre id="explain-result">${esc(e.text)}</pre>`;
  return `<form method="post" action="${esc(action)}"><label for="explain-id">Message-ID, Exchange item id or activity id</label><br>
<input type="text" id="explain-id" name="id" maxlength="1024" required value="${esc(e?.query ?? '')}"> <button type="submit">Explain</button></form>\n${result}`;
}

/** The whole page. `explainAction`: where the explain form posts ('/explain' locally; on Azure under /api/ops/status). */
export function renderStatusPage(v: StatusView, explainAction: string, explained?: PageExplanation): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>exsync status</title><style>${STYLE}</style></head>
<body><h1>exchange-dataverse-sync: status</h1>
<p>As of ${when(v.generatedAt)}. Read-only; reload for fresh figures.</p>
<section id="mailboxes"><h2>Mailboxes</h2>${mailboxes(v)}</section>
<section id="backlog"><h2>Backlog</h2>${backlog(v)}</section>
<section id="decisions"><h2>Decisions by reason, last 24 hours (${v.decisions.total})</h2>${decisionsChart(v.decisions)}</section>
<section id="throttling"><h2>Throttling</h2>${throttling(v)}</section>
<section id="dead-letters"><h2>Dead letters (${v.deadLetters.length})</h2>${deadLetters(v)}</section>
<section id="shadow-report">${shadowSection(v.shadow)}</section>
<section id="explain"><h2>Explain</h2>${explainForm(explainAction, explained)}</section>
</body></html>
`;
}
