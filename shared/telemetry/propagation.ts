// Trace context through Service Bus application properties: W3C `traceparent` / `tracestate`, plus
// `Diagnostic-Id` with the same traceparent value, which is what @azure/service-bus writes and what the
// Functions Service Bus trigger reads to join the producer's operation.
import { context, trace, type Context, type SpanContext, ROOT_CONTEXT } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

export const TRACEPARENT = 'traceparent';
export const TRACESTATE = 'tracestate';
export const DIAGNOSTIC_ID = 'Diagnostic-Id';

type Props = Record<string, string | number | boolean>;

const w3c = new W3CTraceContextPropagator();
const setter = { set: (carrier: Record<string, string>, key: string, value: string) => void (carrier[key] = value) };
const getter = {
  get: (carrier: Record<string, unknown>, key: string) => {
    const v = carrier[key];
    return typeof v === 'string' ? v : undefined;
  },
  keys: (carrier: Record<string, unknown>) => Object.keys(carrier),
};

/** The application properties with the context of `ctx` (default: the active one) added; unchanged without a valid span. */
export function injectTraceContext(props: Props | undefined, ctx: Context = context.active()): Props | undefined {
  const carrier: Record<string, string> = {};
  w3c.inject(ctx, carrier, setter);
  if (!carrier[TRACEPARENT]) return props;
  return { ...props, ...carrier, [DIAGNOSTIC_ID]: carrier[TRACEPARENT] };
}

/** The remote parent carried by a message: traceparent (+ tracestate), else a W3C-formatted Diagnostic-Id. */
export function extractTraceContext(props: Record<string, unknown> | undefined): SpanContext | undefined {
  if (!props) return undefined;
  const carrier: Record<string, unknown> = {};
  const parent = typeof props[TRACEPARENT] === 'string' ? props[TRACEPARENT] : props[DIAGNOSTIC_ID];
  if (typeof parent !== 'string') return undefined;
  carrier[TRACEPARENT] = parent;
  if (typeof props[TRACESTATE] === 'string') carrier[TRACESTATE] = props[TRACESTATE];
  const sc = trace.getSpanContext(w3c.extract(ROOT_CONTEXT, carrier, getter));
  return sc && trace.isSpanContextValid(sc) ? sc : undefined;
}

/** A traceparent header (as the Functions host hands one over in context.traceContext) as a span context. */
export function parseTraceparent(traceparent: string | undefined, tracestate?: string): SpanContext | undefined {
  if (!traceparent) return undefined;
  return extractTraceContext({ [TRACEPARENT]: traceparent, ...(tracestate ? { [TRACESTATE]: tracestate } : {}) });
}
