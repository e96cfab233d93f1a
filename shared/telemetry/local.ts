// Local telemetry (no Application Insights): spans and metrics as JSON lines in the data dir, plus OTLP or
// the console when OTEL_<SIGNAL>_EXPORTER or OTEL_EXPORTER_OTLP_ENDPOINT ask for them; log records only
// to a collector (log events already go to exsync.log).
import { join } from 'node:path';
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  ConsoleMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type IMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BatchLogRecordProcessor,
  ConsoleLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type LogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import { DEFAULT_SERVICE_NAME } from './names';
import { FileMetricExporter, FileSpanExporter } from './file-exporter';
import { RedactingSpanProcessor } from './redact';
import { personalDataAllowed } from './instruments';
import { exportersFor, otlpLogs, otlpMetrics, otlpSpans, type Env } from './exporters';

export interface Started {
  destinations: string[];
  flush: () => Promise<void>;
  stop: () => Promise<void>;
}

/** What local telemetry reads of the telemetry options (init.ts). */
interface LocalOptions {
  env: Env;
  dataDir?: string | undefined;
  spanProcessors?: SpanProcessor[] | undefined;
  metricReaders?: IMetricReader[] | undefined;
  logRecordProcessors?: LogRecordProcessor[] | undefined;
}

/** Where each signal goes, and a record of every destination used. */
interface Destinations {
  file: string | undefined;
  /** `file` when there is a data dir, else nothing: the local default for traces and metrics. */
  fallback: string[];
  used: Set<string>;
}

export function startLocal(o: LocalOptions, intervalMs: number): Started {
  const file = o.dataDir ? join(o.dataDir, 'telemetry.jsonl') : undefined;
  const to: Destinations = { file, fallback: file ? ['file'] : [], used: new Set() };
  const spanProcessors = localSpanProcessors(o, to);
  const readers = localMetricReaders(o, to, intervalMs);
  const logProcessors = localLogProcessors(o, to);
  if (o.spanProcessors?.length || o.metricReaders?.length || o.logRecordProcessors?.length) to.used.add('test');
  return registerProviders(o, spanProcessors, readers, logProcessors, [...to.used]);
}

const use = (to: Destinations, kind: string) => to.used.add(kind === 'file' ? `file:${to.file}` : kind);

function localSpanProcessors(o: LocalOptions, to: Destinations): SpanProcessor[] {
  const out: SpanProcessor[] = [new RedactingSpanProcessor(personalDataAllowed), ...(o.spanProcessors ?? [])];
  for (const kind of exportersFor('TRACES', o.env, to.fallback)) {
    if (kind === 'file' && to.file) out.push(new BatchSpanProcessor(new FileSpanExporter(to.file)));
    else if (kind === 'otlp') out.push(new BatchSpanProcessor(otlpSpans()));
    else if (kind === 'console') out.push(new SimpleSpanProcessor(new ConsoleSpanExporter()));
    else continue;
    use(to, kind);
  }
  return out;
}

function localMetricReaders(o: LocalOptions, to: Destinations, intervalMs: number): IMetricReader[] {
  const out: IMetricReader[] = [...(o.metricReaders ?? [])];
  for (const kind of exportersFor('METRICS', o.env, to.fallback)) {
    const exporter =
      kind === 'file' && to.file
        ? new FileMetricExporter(to.file)
        : kind === 'otlp'
          ? otlpMetrics()
          : kind === 'console'
            ? new ConsoleMetricExporter()
            : undefined;
    if (!exporter) continue;
    out.push(new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: intervalMs }));
    use(to, kind);
  }
  return out;
}

/** Log events already go to exsync.log as JSON lines; log records are exported only to a collector. */
function localLogProcessors(o: LocalOptions, to: Destinations): LogRecordProcessor[] {
  const out: LogRecordProcessor[] = [...(o.logRecordProcessors ?? [])];
  for (const kind of exportersFor('LOGS', o.env, [])) {
    if (kind === 'otlp') out.push(new BatchLogRecordProcessor(otlpLogs()));
    else if (kind === 'console') out.push(new SimpleLogRecordProcessor(new ConsoleLogRecordExporter()));
    else continue;
    use(to, kind);
  }
  return out;
}

/** The global tracer, meter and logger providers, and how to flush and stop them. */
function registerProviders(
  o: LocalOptions,
  spanProcessors: SpanProcessor[],
  readers: IMetricReader[],
  logProcessors: LogRecordProcessor[],
  destinations: string[],
): Started {
  const resource = resourceFromAttributes({ 'service.name': o.env.OTEL_SERVICE_NAME || DEFAULT_SERVICE_NAME });
  const tracerProvider = new NodeTracerProvider({ resource, spanProcessors });
  tracerProvider.register(); // global tracer provider, AsyncLocalStorage context manager, W3C propagator
  const meterProvider = new MeterProvider({ resource, readers });
  metrics.setGlobalMeterProvider(meterProvider);
  const loggerProvider = new LoggerProvider({ resource, processors: logProcessors });
  logs.setGlobalLoggerProvider(loggerProvider);
  return {
    destinations,
    flush: async () => {
      await Promise.all([tracerProvider.forceFlush(), meterProvider.forceFlush(), loggerProvider.forceFlush()]);
    },
    stop: async () => {
      await Promise.allSettled([tracerProvider.shutdown(), meterProvider.shutdown(), loggerProvider.shutdown()]);
      trace.disable();
      context.disable();
      propagation.disable();
      metrics.disable();
      logs.disable();
    },
  };
}
