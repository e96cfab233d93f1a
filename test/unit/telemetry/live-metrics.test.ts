// Issue point "No personal data out by accident", Live Metrics: Application Insights streams live documents
// (requests, dependencies, exceptions, traces) unsampled to anyone watching the portal. It is off unless
// LIVE_METRICS turns it on, and when on it is fed only what the redaction has already masked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { SpanStatusCode } from '@opentelemetry/api';
import { SETTINGS, earlySetting } from '../../../shared/config';
import { azureMonitorOptions } from '../../../shared/telemetry/init';
import { RedactingSpanProcessor } from '../../../shared/telemetry/redact';

const root = join(__dirname, '..', '..', '..', '..');
const read = (f: string) => readFileSync(join(root, f), 'utf8');
// The distro's own option handling (its defaults, then ours), read from the installed package.
const { InternalConfig } = require(
  join(dirname(require.resolve('@azure/monitor-opentelemetry')), 'shared', 'config.js'),
) as { InternalConfig: new (o?: object) => { enableLiveMetrics: boolean } };
const options = (env: Record<string, string>) =>
  azureMonitorOptions({
    connectionString: 'InstrumentationKey=00000000-0000-0000-0000-000000000000',
    liveMetrics: earlySetting(env, 'LIVE_METRICS') === true,
    spanProcessors: [],
    metricReaders: [],
    logRecordProcessors: [],
  });

test('No personal data out by accident: the live-metrics setting defaults off', () => {
  assert.equal(SETTINGS.find((s) => s.name === 'LIVE_METRICS')?.default, 'false');
  assert.equal(
    new InternalConfig({}).enableLiveMetrics,
    true,
    'the distro turns Live Metrics on unless told otherwise',
  );
  assert.equal(new InternalConfig(options({})).enableLiveMetrics, false, 'our options turn it off');
  assert.equal(
    new InternalConfig(options({ LIVE_METRICS: 'not a bool' })).enableLiveMetrics,
    false,
    'an unusable value is the default',
  );
  assert.equal(
    new InternalConfig(options({ LIVE_METRICS: 'true' })).enableLiveMetrics,
    true,
    'the setting turns it on',
  );
  // The host's own Live Metrics: off in host.json, and Bicep sets both switches from one parameter, default off.
  assert.equal(JSON.parse(read('host.json')).logging.applicationInsights.enableLiveMetrics, false);
  const fn = read('infra/app/function.bicep');
  assert.match(fn, /\{ name: 'LIVE_METRICS', value: string\(liveMetrics\) \}/);
  assert.match(
    fn,
    /\{ name: 'AzureFunctionsJobHost__logging__applicationInsights__enableLiveMetrics', value: string\(liveMetrics\) \}/,
  );
  assert.match(read('infra/main.bicep'), /^param liveMetrics bool = false$/m);
});

test('No personal data out by accident: Live Metrics is fed spans the redaction has already masked', () => {
  // The distro registers its processor before ours and feeds Live Metrics from its onEnd; this recorder stands
  // in that place. What it sees at onEnd is what Live Metrics would stream.
  // A copy taken at onEnd, as Live Metrics builds its documents there (later processors cannot change it).
  const seen: string[] = [];
  const snapshot = (s: ReadableSpan) => JSON.stringify({ a: s.attributes, e: s.events, s: s.status });
  const liveFeed: SpanProcessor = {
    onStart: () => undefined,
    onEnd: (s) => void seen.push(snapshot(s)),
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };
  const provider = new BasicTracerProvider({ spanProcessors: [liveFeed, new RedactingSpanProcessor(() => false)] });
  const span = provider.getTracer('t').startSpan('GET');
  span.setAttribute('url.full', 'https://graph.microsoft.com/v1.0/users/alice%40contoso.com/messages');
  span.setAttribute('db.statement', "emails?$filter=subject eq 'Quarterly plan'");
  span.recordException(new Error('could not read bob@fabrikam.com'));
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'refused <e1@contoso.com>' });
  span.end();
  const text = seen[0]!;
  for (const p of ['alice', 'contoso', 'fabrikam', 'Quarterly plan'])
    assert.ok(!text.includes(p), `${p} reached the live feed: ${text}`);
  assert.match(text, /\[address\]/);
});
