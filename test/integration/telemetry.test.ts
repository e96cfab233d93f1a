// Telemetry through the real pipeline on the local runtime: one trace runs schedule -> sync -> write across
// both queue hops, the metrics the workbook reads are recorded, and nothing carries an address.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  PeriodicExportingMetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { InMemoryLogRecordExporter, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { initTelemetry, mailboxHash, type Telemetry } from '../../shared/telemetry';
import { runCommand, type RunResult } from '../../local/run';
import { withInboxMessage, ALICE, BOB } from '../../local/tenant/acceptance';
import { demoTenant } from '../../local/tenant/demo';

const spans = new InMemorySpanExporter();
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
const logRecords = new InMemoryLogRecordExporter();
let telemetry: Telemetry;
let dir: string;
let aliceMailboxId = '';
let first: RunResult;
let second: RunResult;

const ADDRESS = /[^\s@<>"'/]+@[^\s@<>"'/]+\.[a-z]{2,}/i;
const devNull = () => new Writable({ write: (_c, _e, cb) => cb() });

before(async () => {
  delete process.env.LOG_PERSONAL_DATA;
  telemetry = initTelemetry({
    mode: 'local',
    env: { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none' },
    allowPersonal: false,
    spanProcessors: [new SimpleSpanProcessor(spans)],
    metricReaders: [reader],
    logRecordProcessors: [new SimpleLogRecordProcessor(logRecords)],
  });
  dir = mkdtempSync(join(tmpdir(), 'exsync-telemetry-'));
  // The demo tenant (two mailboxes of it), plus a P1-style reply from Bob to Alice (correlates by In-Reply-To).
  const tenant = withInboxMessage(demoTenant({ mailboxes: 2, messagesPerMailbox: 30 }), ALICE, {
    internetMessageId: '<tel-reply@fabrikam.com>',
    subject: 'RE: Quote Q-100',
    from: { emailAddress: { address: BOB } },
    toRecipients: [{ emailAddress: { address: ALICE } }],
    internetMessageHeaders: [{ name: 'In-Reply-To', value: '<e1@contoso.onmicrosoft.com>' }],
  });
  aliceMailboxId = String(tenant.dataverse.mailboxes!.find((m) => m.emailaddress === ALICE)!.mailboxid);
  first = await runCommand({ once: true, data: dir, reset: false, quiet: true, tenantObject: tenant }, devNull());
  // A second run continues from the data dir: the checkpoints move again, so their lag is measured.
  second = await runCommand({ once: true, data: dir, reset: false, quiet: true }, devNull());
});
after(async () => {
  await telemetry?.shutdown();
  rmSync(dir, { recursive: true, force: true });
});

const byId = () => new Map(spans.getFinishedSpans().map((s) => [s.spanContext().spanId, s]));
const parentOf = (s: ReadableSpan, all: Map<string, ReadableSpan>) =>
  s.parentSpanContext ? all.get(s.parentSpanContext.spanId) : undefined;

test('the runs succeed and promote the reply', () => {
  assert.equal(first.exitCode, 0);
  assert.equal(second.exitCode, 0);
  const reply = first.decisions.find((d) => d.internetMessageId === '<tel-reply@fabrikam.com>');
  assert.equal(reply?.outcome, 'promoted');
});

test('one trace runs schedule -> send sync-jobs -> sync -> send activity-writes -> write', () => {
  const all = byId();
  const writes = spans.getFinishedSpans().filter((s) => s.name === 'write');
  assert.ok(writes.length >= 1, 'a write span');
  for (const write of writes) {
    const chain: ReadableSpan[] = [write];
    for (let p = parentOf(write, all); p; p = parentOf(p, all)) chain.push(p);
    assert.deepEqual(
      chain.map((s) => s.name),
      ['write', 'send activity-writes', 'sync', 'send sync-jobs', 'schedule'],
      'parent links across both queue hops',
    );
    assert.equal(new Set(chain.map((s) => s.spanContext().traceId)).size, 1, 'one trace id');
    const sync = chain[2]!;
    assert.equal(sync.attributes['exsync.outcome'], 'ok');
    assert.match(String(sync.attributes['exsync.mailbox.hash']), /^[0-9a-f]{16}$/);
    assert.equal(write.attributes['messaging.destination.name'], 'activity-writes');
  }
  // Alice's reply: her sync span (hashed mailbox id) and a write span share a trace.
  const aliceSync = spans
    .getFinishedSpans()
    .filter((x) => x.name === 'sync' && x.attributes['exsync.mailbox.hash'] === mailboxHash(aliceMailboxId));
  assert.ok(
    aliceSync.some((x) => writes.some((w) => w.spanContext().traceId === x.spanContext().traceId)),
    "Alice's sync and write are one trace",
  );
});

test('Graph and Dataverse calls are client spans inside the stage spans', () => {
  const all = byId();
  const graph = spans.getFinishedSpans().filter((s) => s.name === 'graph messagesDelta');
  assert.ok(graph.length >= 2);
  for (const g of graph) assert.equal(parentOf(g, all)?.name, 'sync');
  const create = spans.getFinishedSpans().find((s) => s.name === 'dataverse createEmails');
  assert.equal(create && parentOf(create, all)?.name, 'write');
});

async function collected(): Promise<ResourceMetrics[]> {
  await reader.forceFlush();
  return metricExporter.getMetrics();
}
function points(rms: ResourceMetrics[], name: string) {
  // Cumulative: the last export holds the totals; a gauge may only be in an earlier one.
  for (const rm of [...rms].reverse()) {
    const m = rm.scopeMetrics.flatMap((s) => s.metrics).find((x) => x.descriptor.name === name);
    if (m) return m.dataPoints;
  }
  return [];
}

test('metrics: decisions by outcome and reason, requests, latency, checkpoint lag, queue depth', async () => {
  const rms = await collected();
  const decided = points(rms, 'promotion.decided');
  const total = decided.reduce((n, p) => n + (p.value as number), 0);
  const events = readFileSync(join(dir, 'exsync.log'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('"event":"promotion.decided"')).length;
  assert.equal(total, events, 'one increment per decision recorded (and one event)');
  assert.ok(total >= first.decisions.length);
  assert.ok(decided.some((p) => p.attributes.outcome === 'promoted' && p.attributes.reason));

  const requests = points(rms, 'dependency.requests');
  const sum = (system: string) =>
    requests.filter((p) => p.attributes.system === system).reduce((n, p) => n + (p.value as number), 0);
  assert.equal(sum('graph'), first.requests.graph + second.requests.graph);
  assert.equal(sum('dataverse'), first.requests.dataverse + second.requests.dataverse);

  const latency = points(rms, 'pipeline.latency');
  const created = latency.reduce((n, p) => n + (p.value as { count: number }).count, 0);
  assert.ok(created >= 1, 'one latency value per email created');
  assert.ok(latency.every((p) => (p.value as { min?: number }).min! >= 0));

  const lag = points(rms, 'checkpoint.lag');
  assert.ok(
    lag.reduce((n, p) => n + (p.value as { count: number }).count, 0) >= 1,
    'the second run moved a checkpoint that had an updatedAt',
  );

  const depth = points(rms, 'queue.depth');
  assert.deepEqual([...new Set(depth.map((p) => p.attributes.queue))].sort(), ['activity-writes', 'sync-jobs']);

  const stage = points(rms, 'stage.duration');
  assert.deepEqual([...new Set(stage.map((p) => p.attributes.stage))].sort(), ['schedule', 'sync', 'write']);
});

test('promotion.decided events: one per decision, with outcome and reason, in the log file and as log records', () => {
  const lines = readFileSync(join(dir, 'exsync.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const events = lines.filter((l) => l.event === 'promotion.decided');
  assert.ok(events.length >= first.decisions.length, 'every decision in the ledger was recorded with an event');
  assert.ok(events.every((e) => e.outcome && e.reason && /^[0-9a-f]{32}$/.test(String(e.traceId))));
  const records = logRecords.getFinishedLogRecords().filter((r) => r.eventName === 'promotion.decided');
  assert.equal(records.length, events.length);
  assert.equal(records[0]!.attributes['microsoft.custom_event.name'], 'promotion.decided');
  assert.ok(
    records.every((r) => r.spanContext?.traceId),
    'log records are joined to their trace',
  );
});

test('no span attribute, span event, status, log record or log line carries an address (LOG_PERSONAL_DATA off)', () => {
  const leaks: string[] = [];
  for (const s of spans.getFinishedSpans()) {
    const texts = [
      s.name,
      s.status.message ?? '',
      ...Object.values(s.attributes).map(String),
      ...s.events.flatMap((e) => Object.values(e.attributes ?? {}).map(String)),
    ];
    for (const t of texts) if (ADDRESS.test(t)) leaks.push(`span ${s.name}: ${t}`);
  }
  for (const r of logRecords.getFinishedLogRecords()) {
    for (const t of [String(r.body), ...Object.values(r.attributes).map(String)])
      if (ADDRESS.test(t)) leaks.push(`log record ${r.eventName}: ${t}`);
  }
  for (const line of readFileSync(join(dir, 'exsync.log'), 'utf8').split('\n'))
    if (ADDRESS.test(line)) leaks.push(`exsync.log: ${line}`);
  assert.deepEqual(leaks, []);
});
