// Structured log events as telemetry: every event the Log port writes also becomes an OpenTelemetry log
// record (Azure Monitor: a customEvent named after the event, joined to its trace), and local JSON lines
// gain the trace and span ids. Props arrive already scrubbed by createLog (shared/log.ts).
import { trace } from '@opentelemetry/api';
import { logs, SeverityNumber } from '@opentelemetry/api-logs';
import type { LogSink } from '../log';
import { SCOPE } from './names';
import { logAttributes } from './redact';
import { personalDataAllowed } from './instruments';

/** The attribute the Azure Monitor exporter turns into customEvents.name. */
const AZURE_CUSTOM_EVENT = 'microsoft.custom_event.name';

const SEVERITY = { info: SeverityNumber.INFO, warn: SeverityNumber.WARN, error: SeverityNumber.ERROR } as const;

export function telemetrySink(next: LogSink, o: { traceIds?: boolean } = {}): LogSink {
  return (level, event, props) => {
    const sc = trace.getActiveSpan()?.spanContext();
    const ids =
      o.traceIds !== false && sc && trace.isSpanContextValid(sc) ? { traceId: sc.traceId, spanId: sc.spanId } : {};
    next(level, event, props ? { ...props, ...ids } : Object.keys(ids).length ? ids : props);
    logs.getLogger(SCOPE).emit({
      severityNumber: SEVERITY[level],
      severityText: level.toUpperCase(),
      eventName: event,
      body: event,
      attributes: { ...logAttributes(props, personalDataAllowed()), [AZURE_CUSTOM_EVENT]: event },
    });
  };
}

/** A console line for the Functions log stream that the workbook does not also count as an event (it reads customEvents then). */
export function textLine(event: string, props: Record<string, unknown> | undefined): string {
  const kv = Object.entries(props ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' && /\s/.test(v) ? JSON.stringify(v) : String(v)}`);
  return [event, ...kv].join(' ');
}
