// The local runtime's telemetry file: spans and metric points as JSON lines (telemetry.jsonl in the data
// dir), next to exsync.log, readable with jq and with no collector to run.
import { appendFile } from 'node:fs';
import { ExportResultCode, hrTimeToMilliseconds, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import {
  AggregationTemporality,
  DataPointType,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';

function append(path: string, lines: string[], done: (r: ExportResult) => void): void {
  if (lines.length === 0) return done({ code: ExportResultCode.SUCCESS });
  appendFile(path, `${lines.join('\n')}\n`, (err) =>
    done(err ? { code: ExportResultCode.FAILED, error: err } : { code: ExportResultCode.SUCCESS }),
  );
}

export function spanLine(s: ReadableSpan): string {
  const parent = s.parentSpanContext?.spanId;
  return JSON.stringify({
    type: 'span',
    name: s.name,
    traceId: s.spanContext().traceId,
    spanId: s.spanContext().spanId,
    ...(parent ? { parentSpanId: parent } : {}),
    kind: s.kind,
    start: new Date(hrTimeToMilliseconds(s.startTime)).toISOString(),
    ms: Math.round(hrTimeToMilliseconds(s.duration) * 1000) / 1000,
    status: s.status.code,
    ...(s.status.message ? { statusMessage: s.status.message } : {}),
    attributes: s.attributes,
    ...(s.links.length
      ? { links: s.links.map((l) => ({ traceId: l.context.traceId, spanId: l.context.spanId })) }
      : {}),
  });
}

export class FileSpanExporter implements SpanExporter {
  constructor(private readonly path: string) {}
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    append(this.path, spans.map(spanLine), done);
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export function metricLines(rm: ResourceMetrics, at = new Date()): string[] {
  const lines: string[] = [];
  for (const sm of rm.scopeMetrics) {
    for (const m of sm.metrics) {
      const points = m.dataPoints.map((p) => {
        const v = p.value as number | { count: number; sum?: number; min?: number; max?: number };
        const value = typeof v === 'number' ? { value: v } : { count: v.count, sum: v.sum, min: v.min, max: v.max };
        return { attributes: p.attributes, ...value };
      });
      if (points.length)
        lines.push(
          JSON.stringify({
            type: 'metric',
            t: at.toISOString(),
            name: m.descriptor.name,
            unit: m.descriptor.unit,
            kind: DataPointType[m.dataPointType],
            points,
          }),
        );
    }
  }
  return lines;
}

export class FileMetricExporter implements PushMetricExporter {
  constructor(private readonly path: string) {}
  export(metrics: ResourceMetrics, done: (r: ExportResult) => void): void {
    append(this.path, metricLines(metrics), done);
  }
  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.CUMULATIVE;
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
