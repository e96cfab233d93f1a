// Starts telemetry once per process. Azure (APPLICATIONINSIGHTS_CONNECTION_STRING set): the Azure Monitor
// OpenTelemetry distro, Entra-authenticated when APPLICATIONINSIGHTS_AUTHENTICATION_STRING says AAD.
// Locally: spans and metrics as JSON lines in the data dir. Both: OTLP when OTEL_EXPORTER_OTLP_ENDPOINT
// is set. Only standard variable names are read (OTEL_*, APPLICATIONINSIGHTS_*), see README.md here.
import { metrics, trace } from '@opentelemetry/api';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import { BatchLogRecordProcessor, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type * as AzureMonitor from '@azure/monitor-opentelemetry';
import type { TokenCredential } from '@azure/identity';
import { RedactingSpanProcessor } from './redact';
import { personalDataAllowed, setPersonalDataAllowed } from './instruments';
import { exportersFor, otlpLogs, otlpMetrics, otlpSpans, type Env } from './exporters';
import { startLocal, type Started } from './local';

export { exportersFor } from './exporters';

export interface TelemetryOptions {
  mode: 'azure' | 'local';
  env: Env;
  /** LOG_PERSONAL_DATA; the composition root sets it again once settings are validated. */
  allowPersonal?: boolean;
  /** Local: where telemetry.jsonl goes (the data dir). */
  dataDir?: string;
  /** Azure: Application Insights Live Metrics (LIVE_METRICS). The distro turns it on by default; we do not. */
  liveMetrics?: boolean;
  /** Azure, Entra auth: the managed identity credential for the client id in the authentication string. */
  credential?: (clientId: string | undefined) => TokenCredential;
  /** Tests: more processors and readers, e.g. in-memory exporters. */
  spanProcessors?: SpanProcessor[];
  metricReaders?: MetricReader[];
  logRecordProcessors?: LogRecordProcessor[];
  /** Metric export interval (ms); OTEL_METRIC_EXPORT_INTERVAL, else 60 s. */
  metricIntervalMs?: number;
}

export interface Telemetry {
  /** Where telemetry goes: 'azuremonitor', 'file:<path>', 'otlp', 'console', 'test'. Empty when off. */
  destinations: string[];
  /** False when another caller had started telemetry already: this handle does not stop it. */
  owned: boolean;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

let active: { handle: Telemetry; stop: () => Promise<void>; flush: () => Promise<void> } | undefined;

const OFF: Telemetry = {
  destinations: [],
  owned: false,
  flush: async () => undefined,
  shutdown: async () => undefined,
};

/** `Authorization=AAD;ClientId=<guid>` (the Functions host's format, keys in any order and case). */
export function parseAuthenticationString(value: string | undefined): { aad: boolean; clientId?: string } {
  const parts = new Map<string, string>();
  for (const kv of (value ?? '').split(';')) {
    const i = kv.indexOf('=');
    if (i > 0) parts.set(kv.slice(0, i).trim().toLowerCase(), kv.slice(i + 1).trim());
  }
  const clientId = parts.get('clientid');
  return { aad: (parts.get('authorization') ?? '').toLowerCase() === 'aad', ...(clientId ? { clientId } : {}) };
}

const disabled = (env: Env) => (env.OTEL_SDK_DISABLED ?? '').toLowerCase() === 'true';

export function initTelemetry(o: TelemetryOptions): Telemetry {
  if (o.allowPersonal !== undefined) setPersonalDataAllowed(o.allowPersonal);
  if (active) return { ...active.handle, owned: false, shutdown: async () => undefined };
  if (disabled(o.env)) return OFF;
  const intervalMs = o.metricIntervalMs ?? (Number(o.env.OTEL_METRIC_EXPORT_INTERVAL) || 60_000);
  const started = o.mode === 'azure' ? startAzure(o, intervalMs) : startLocal(o, intervalMs);
  if (!started) return OFF;
  const handle: Telemetry = {
    destinations: started.destinations,
    owned: true,
    flush: started.flush,
    shutdown: async () => {
      if (active?.handle !== handle) return;
      active = undefined;
      await started.stop();
    },
  };
  active = { handle, stop: started.stop, flush: started.flush };
  return handle;
}

function startAzure(o: TelemetryOptions, intervalMs: number): Started | undefined {
  const connectionString = o.env.APPLICATIONINSIGHTS_CONNECTION_STRING;
  if (!connectionString) return undefined;
  const auth = parseAuthenticationString(o.env.APPLICATIONINSIGHTS_AUTHENTICATION_STRING);
  const credential = auth.aad && o.credential ? o.credential(auth.clientId) : undefined;
  const destinations = ['azuremonitor'];
  const spanProcessors: SpanProcessor[] = [
    new RedactingSpanProcessor(personalDataAllowed),
    ...(o.spanProcessors ?? []),
  ];
  const metricReaders: MetricReader[] = [...(o.metricReaders ?? [])];
  const logRecordProcessors: LogRecordProcessor[] = [...(o.logRecordProcessors ?? [])];
  if (exportersFor('TRACES', o.env, []).includes('otlp')) spanProcessors.push(new BatchSpanProcessor(otlpSpans()));
  if (exportersFor('METRICS', o.env, []).includes('otlp'))
    metricReaders.push(
      new PeriodicExportingMetricReader({ exporter: otlpMetrics(), exportIntervalMillis: intervalMs }),
    );
  if (exportersFor('LOGS', o.env, []).includes('otlp'))
    logRecordProcessors.push(new BatchLogRecordProcessor(otlpLogs()));
  if (spanProcessors.length > 1 + (o.spanProcessors?.length ?? 0)) destinations.push('otlp');
  // Loaded only here: the distro pulls in the whole Node SDK and its instrumentations, which the local runtime never needs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { useAzureMonitor, shutdownAzureMonitor } = require('@azure/monitor-opentelemetry') as typeof AzureMonitor;
  useAzureMonitor(
    azureMonitorOptions({
      connectionString,
      credential,
      liveMetrics: o.liveMetrics === true,
      spanProcessors,
      metricReaders,
      logRecordProcessors,
    }),
  );
  return {
    destinations,
    flush: async () => {
      await Promise.all([
        (trace.getTracerProvider() as { forceFlush?: () => Promise<void> }).forceFlush?.(),
        (metrics.getMeterProvider() as { forceFlush?: () => Promise<void> }).forceFlush?.(),
      ]);
    },
    stop: async () => {
      await shutdownAzureMonitor();
    },
  };
}

/** The distro's options: what startAzure hands to useAzureMonitor (exported so a test reads the real thing). */
export function azureMonitorOptions(a: {
  connectionString: string;
  credential?: TokenCredential | undefined;
  liveMetrics: boolean;
  spanProcessors: SpanProcessor[];
  metricReaders: MetricReader[];
  logRecordProcessors: LogRecordProcessor[];
}): AzureMonitor.AzureMonitorOpenTelemetryOptions {
  return {
    azureMonitorExporterOptions: {
      connectionString: a.connectionString,
      ...(a.credential ? { credential: a.credential } : {}),
    },
    // Outbound HTTP of the Azure SDKs (Tables, Service Bus) and their own spans; Graph and Dataverse
    // calls are spans of ours (fetch is not instrumented by this distro line).
    instrumentationOptions: { http: { enabled: true }, azureSdk: { enabled: true } },
    // Live Metrics streams documents (requests, dependencies, exceptions, traces) unsampled to the portal: off
    // unless asked for. When on, it is fed from spans our RedactingSpanProcessor has already masked (onEnding).
    enableLiveMetrics: a.liveMetrics,
    spanProcessors: a.spanProcessors,
    metricReaders: a.metricReaders,
    logRecordProcessors: a.logRecordProcessors,
  };
}
