// Telemetry building blocks: propagation through application properties, parent choice for stage spans,
// the port decorators' metrics, and the personal-data rule on attributes.
import { test, before, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { InvocationContext } from '@azure/functions';
import {
  DIAGNOSTIC_ID,
  extractTraceContext,
  exportersFor,
  initTelemetry,
  injectTraceContext,
  mailboxHash,
  parseAuthenticationString,
  scrubText,
  setPersonalDataAllowed,
  traceStage,
  tracedCheckpoints,
  tracedDataverse,
  tracedGraph,
  tracedLedger,
  tracedQueue,
} from '../../../shared/telemetry';
import { poison, throttled } from '../../../shared/domain/errors';
import type { Decision, EmailActivity } from '../../../shared/domain/activity';
import type { Checkpoint, DataversePort, GraphPort, Ledger, LogProps, OutgoingMessage } from '../../../shared/ports';
import { inbound, runHandler } from '../../../functions/trigger';

const spans = new InMemorySpanExporter();
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });

before(() => {
  initTelemetry({
    mode: 'local',
    env: {},
    allowPersonal: false,
    spanProcessors: [new SimpleSpanProcessor(spans)],
    metricReaders: [reader],
  });
});
beforeEach(() => {
  spans.reset();
  setPersonalDataAllowed(false);
});

async function sumOf(name: string, filter: (a: Record<string, unknown>) => boolean = () => true): Promise<number> {
  await reader.forceFlush();
  const last = metricExporter.getMetrics().at(-1);
  const m = last?.scopeMetrics.flatMap((s) => s.metrics).find((x) => x.descriptor.name === name);
  return (m?.dataPoints ?? [])
    .filter((p) => filter(p.attributes))
    .reduce((n, p) => n + (typeof p.value === 'number' ? p.value : (p.value as { count: number }).count), 0);
}

test('inject writes traceparent and Diagnostic-Id (same value), keeps other properties; extract reads either', () => {
  const span = trace.getTracer('t').startSpan('p');
  const props = injectTraceContext({ replayOf: 'x' }, trace.setSpan(context.active(), span))!;
  span.end();
  assert.equal(props.replayOf, 'x');
  assert.match(String(props.traceparent), /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  assert.equal(props[DIAGNOSTIC_ID], props.traceparent);
  assert.equal(extractTraceContext(props)?.spanId, span.spanContext().spanId);
  assert.equal(
    extractTraceContext({ [DIAGNOSTIC_ID]: props.traceparent })?.traceId,
    span.spanContext().traceId,
    'Diagnostic-Id alone, as the Azure SDK writes it',
  );
  assert.equal(extractTraceContext({ traceparent: 'garbage' }), undefined);
  assert.equal(injectTraceContext(undefined, context.active()), undefined, 'no span, nothing added');
});

test('a stage span is a child of the message context; under the Functions host, of the host invocation when it continues that trace', async () => {
  const producer = trace.getTracer('t').startSpan('send');
  const props = injectTraceContext({}, trace.setSpan(context.active(), producer))!;
  producer.end();
  const msg = { body: { mailboxId: 'mbx-1' }, deliveryCount: 1, applicationProperties: props };
  await traceStage({ stage: 'sync', message: msg }, async () => undefined);
  const [a] = spans.getFinishedSpans().filter((s) => s.name === 'sync');
  assert.equal(a!.spanContext().traceId, producer.spanContext().traceId);
  assert.equal(a!.parentSpanContext?.spanId, producer.spanContext().spanId);
  assert.equal(a!.attributes['exsync.mailbox.hash'], mailboxHash('mbx-1'));

  const hostSame = `00-${producer.spanContext().traceId}-${'a'.repeat(16)}-01`;
  await traceStage({ stage: 'sync', message: msg, host: { traceParent: hostSame } }, async () => undefined);
  assert.equal(
    spans.getFinishedSpans().at(-1)!.parentSpanContext?.spanId,
    'a'.repeat(16),
    'nested under the host request',
  );

  const hostOther = `00-${'b'.repeat(32)}-${'c'.repeat(16)}-01`;
  await traceStage({ stage: 'sync', message: msg, host: { traceParent: hostOther } }, async () => undefined);
  const c = spans.getFinishedSpans().at(-1)!;
  assert.equal(c.spanContext().traceId, producer.spanContext().traceId, 'the message trace wins');
  assert.equal(c.links[0]?.context.traceId, 'b'.repeat(32), 'the host invocation is linked');
});

test('stage outcome: rescheduled when a port was throttled, poison and error with the error class', async () => {
  const graph = tracedGraph({
    messagesDelta: async () => {
      throw throttled('graph', '429', 3000);
    },
    getMessage: async () => ({}),
  } as unknown as GraphPort);
  await traceStage({ stage: 'sync' }, async () => {
    await graph.messagesDelta('x', 'inbox', undefined).catch(() => undefined); // withReschedule's place
  });
  assert.equal(spans.getFinishedSpans().at(-1)!.attributes['exsync.outcome'], 'rescheduled');
  assert.equal(spans.getFinishedSpans().at(-1)!.attributes['exsync.throttled_by'], 'graph');
  assert.equal(await sumOf('dependency.throttled', (a) => a.system === 'graph'), 1);

  await assert.rejects(
    traceStage({ stage: 'write' }, async () => {
      throw poison('bad body');
    }),
  );
  assert.equal(spans.getFinishedSpans().at(-1)!.attributes['exsync.outcome'], 'poison');
  await assert.rejects(
    traceStage({ stage: 'write' }, async () => {
      throw new TypeError('failed for bob@fabrikam.com');
    }),
  );
  const failed = spans.getFinishedSpans().at(-1)!;
  assert.equal(failed.attributes['error.type'], 'TypeError');
  assert.equal(failed.status.message, 'failed for [address]');
});

test('One error vocabulary: a stage that sends a retry of its message after a transient failure ends rescheduled, not ok', async () => {
  const q = tracedQueue({ send: async () => undefined });
  await traceStage({ stage: 'write' }, async () => {
    // What withReschedule does after a transient Dataverse failure: the same message again, as retry 1.
    await q.send('activity-writes', [{ body: 1, messageId: 'b1:retry:1', scheduledEnqueueTimeUtc: new Date() }]);
  });
  const span = spans.getFinishedSpans().find((s) => s.name === 'write')!;
  assert.equal(span.attributes['exsync.outcome'], 'rescheduled');
  assert.equal(span.attributes['exsync.throttled_by'], undefined, 'not throttled: transient');
  // Other sends (write batches, continuation jobs, deferrals) leave the outcome ok.
  spans.reset();
  await traceStage({ stage: 'sync' }, () =>
    q.send('activity-writes', [
      { body: 1, messageId: 'batch-1' },
      { body: 2, messageId: 'b1:deferred:1' },
    ]),
  );
  assert.equal(spans.getFinishedSpans().find((s) => s.name === 'sync')!.attributes['exsync.outcome'], 'ok');
});

test('queue decorator: a producer span whose context rides in every message', async () => {
  const sent: OutgoingMessage[] = [];
  const q = tracedQueue({ send: async (_q, m) => void sent.push(...m) });
  await traceStage({ stage: 'schedule' }, () =>
    q.send('sync-jobs', [
      { body: 1, messageId: 'a', sessionId: 's' },
      { body: 2, messageId: 'b', sessionId: 's', applicationProperties: { k: 1 } },
    ]),
  );
  const send = spans.getFinishedSpans().find((s) => s.name === 'send sync-jobs')!;
  for (const m of sent) assert.equal(extractTraceContext(m.applicationProperties)?.spanId, send.spanContext().spanId);
  assert.equal(sent[1]!.applicationProperties!.k, 1);
});

test('ledger decorator: one promotion.decided increment and event per decision', async () => {
  const events: [string, LogProps | undefined][] = [];
  const log = {
    info: (e: string, p?: LogProps) => void events.push([e, p]),
    warn: () => undefined,
    error: () => undefined,
  };
  const inner = { record: async () => undefined, all: async () => [] } as unknown as Ledger;
  const d = (outcome: Decision['outcome'], reason: string) =>
    ({
      mailboxId: 'm',
      mailbox: 'alice@contoso.com',
      folder: 'inbox',
      outcome,
      reason,
      correlationMethod: 'None',
    }) as unknown as Decision;
  const before = await sumOf('promotion.decided');
  await tracedLedger(inner, log).record([
    d('promoted', 'AcceptAll'),
    d('skipped', 'NoCorrelationMatch'),
    d('skipped', 'NoCorrelationMatch'),
  ]);
  assert.equal((await sumOf('promotion.decided')) - before, 3);
  assert.equal(await sumOf('promotion.decided', (a) => a.reason === 'NoCorrelationMatch'), 2);
  assert.equal(events.filter(([e]) => e === 'promotion.decided').length, 3);
  assert.ok(
    events.every(([, p]) => !JSON.stringify(p).includes('@')),
    'the mailbox address is not in the event',
  );
  assert.equal(typeof (tracedLedger(inner, log) as { all?: unknown }).all, 'function', 'other methods pass through');
});

test('dataverse decorator: pipeline.latency per created email, a throttle per $batch with 429 rows', async () => {
  const now = new Date('2025-01-10T10:00:00Z');
  const a = (id: string, receivedMinutesAgo: number) =>
    ({
      activityid: id,
      directioncode: false,
      actualend: new Date(now.getTime() - receivedMinutesAgo * 60_000).toISOString(),
    }) as EmailActivity;
  const inner = {
    createEmails: async () => [
      { activityid: '1', status: 'created' },
      { activityid: '2', status: 'exists' },
      { activityid: '3', status: 'retry', error: '429 0x80072322 too many', retryAfterMs: 5_000 },
      { activityid: '4', status: 'retry', error: '503 0x80040216 unavailable' },
    ],
  } as unknown as DataversePort;
  const dv = tracedDataverse(inner, { now: () => now });
  const throttledBefore = await sumOf('dependency.throttled', (x) => x.system === 'dataverse');
  await dv.createEmails([a('1', 2), a('2', 5), a('3', 1), a('4', 1)]);
  await reader.forceFlush();
  const m = metricExporter
    .getMetrics()
    .at(-1)!
    .scopeMetrics.flatMap((s) => s.metrics)
    .find((x) => x.descriptor.name === 'pipeline.latency')!;
  const v = m.dataPoints[0]!.value as { count: number; sum: number };
  assert.equal(v.count, 1);
  assert.equal(v.sum, 120_000);
  assert.equal(m.dataPoints[0]!.attributes.direction, 'incoming');
  assert.equal((await sumOf('dependency.throttled', (x) => x.system === 'dataverse')) - throttledBefore, 1);
});

test('checkpoint decorator: lag is the time the checkpoint had not moved', async () => {
  const store = new Map<string, Checkpoint>();
  const inner = {
    get: async () => store.get('k'),
    save: async (c: Checkpoint) => (store.set('k', c), c),
    list: async () => [],
  };
  store.set('k', { mailboxId: 'm', folder: 'inbox', rounds: 1, updatedAt: '2025-01-10T10:00:00.000Z' });
  const cps = tracedCheckpoints(inner);
  const before = await sumOf('checkpoint.lag');
  const cp = (await cps.get('m', 'inbox'))!;
  await cps.save({ ...cp, updatedAt: '2025-01-10T10:05:00.000Z' });
  assert.equal((await sumOf('checkpoint.lag')) - before, 1);
});

test('addresses are masked in telemetry text, plain or URL-encoded, unless LOG_PERSONAL_DATA allows them', async () => {
  assert.equal(
    scrubText('GET /v1.0/users/alice%40contoso.com/mailFolders', false),
    'GET /v1.0/users/[address]/mailFolders',
  );
  assert.equal(scrubText('from bob@fabrikam.com', false), 'from [address]');
  assert.equal(scrubText('from bob@fabrikam.com', true), 'from bob@fabrikam.com');
  // Spans made by instrumentations (URLs in attributes) pass the redacting processor too.
  const s = trace
    .getTracer('http')
    .startSpan('GET', { attributes: { 'url.full': 'https://graph/v1.0/users/alice@contoso.com/messages' } });
  s.end();
  assert.equal(spans.getFinishedSpans().at(-1)!.attributes['url.full'], 'https://graph/v1.0/users/[address]/messages');
  setPersonalDataAllowed(true);
  trace
    .getTracer('http')
    .startSpan('GET', { attributes: { 'url.full': 'alice@contoso.com' } })
    .end();
  assert.equal(spans.getFinishedSpans().at(-1)!.attributes['url.full'], 'alice@contoso.com');
});

test('Functions glue: trigger metadata applicationProperties reach the handler, and the stage span joins the sender trace', async () => {
  const producer = trace.getTracer('t').startSpan('send');
  const props = injectTraceContext({}, trace.setSpan(context.active(), producer))!;
  producer.end();
  const ctx = new InvocationContext({
    invocationId: 'i',
    functionName: 'write',
    logHandler: () => undefined,
    triggerMetadata: { messageId: 'm1', deliveryCount: 2, applicationProperties: props },
  });
  const msg = inbound({ mailboxId: 'mbx' }, ctx);
  assert.equal(msg.applicationProperties?.traceparent, props.traceparent);
  let inside: string | undefined;
  await runHandler(ctx, async () => void (inside = trace.getActiveSpan()?.spanContext().traceId), {
    name: 'write',
    message: msg,
  });
  assert.equal(inside, producer.spanContext().traceId);
  const w = spans.getFinishedSpans().find((s) => s.name === 'write')!;
  assert.equal(w.parentSpanContext?.spanId, producer.spanContext().spanId);
  assert.equal(w.attributes['messaging.servicebus.message.delivery_count'], 2);
});

test('settings: authentication string and exporter selection use the standard names', () => {
  assert.deepEqual(parseAuthenticationString('ClientId=abc;Authorization=AAD'), { aad: true, clientId: 'abc' });
  assert.deepEqual(parseAuthenticationString(undefined), { aad: false });
  assert.deepEqual(exportersFor('TRACES', {}, ['file']), ['file']);
  assert.deepEqual(exportersFor('TRACES', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, ['file']), [
    'file',
    'otlp',
  ]);
  assert.deepEqual(exportersFor('METRICS', { OTEL_METRICS_EXPORTER: 'none' }, ['file']), []);
  assert.deepEqual(exportersFor('LOGS', { OTEL_LOGS_EXPORTER: 'console,otlp' }, []), ['console', 'otlp']);
});
