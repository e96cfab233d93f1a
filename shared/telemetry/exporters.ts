// Which exporters each signal uses (the standard OTEL_* variables), and the OTLP exporters, loaded only
// when configured (they read OTEL_EXPORTER_OTLP_* themselves: endpoint, headers).
import type * as OtlpTrace from '@opentelemetry/exporter-trace-otlp-http';
import type * as OtlpMetrics from '@opentelemetry/exporter-metrics-otlp-http';
import type * as OtlpLogs from '@opentelemetry/exporter-logs-otlp-http';

/* eslint-disable @typescript-eslint/no-require-imports */
export const otlpSpans = () =>
  new (require('@opentelemetry/exporter-trace-otlp-http') as typeof OtlpTrace).OTLPTraceExporter();
export const otlpMetrics = () =>
  new (require('@opentelemetry/exporter-metrics-otlp-http') as typeof OtlpMetrics).OTLPMetricExporter();
export const otlpLogs = () =>
  new (require('@opentelemetry/exporter-logs-otlp-http') as typeof OtlpLogs).OTLPLogExporter();
/* eslint-enable @typescript-eslint/no-require-imports */

export type Env = Record<string, string | undefined>;

/** Standard exporter selection: OTEL_<SIGNAL>_EXPORTER (otlp, console, none; plus `file` locally), else the mode's default. */
export function exportersFor(signal: 'TRACES' | 'METRICS' | 'LOGS', env: Env, fallback: string[]): string[] {
  const listed = (env[`OTEL_${signal}_EXPORTER`] ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  if (listed.length) return listed.includes('none') ? [] : listed;
  const otlp = !!(env.OTEL_EXPORTER_OTLP_ENDPOINT || env[`OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`]);
  return [...fallback, ...(otlp ? ['otlp'] : [])];
}
