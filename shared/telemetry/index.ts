// Telemetry: traces, metrics and structured logs, the same on Azure and on one machine. The only importer
// of the OpenTelemetry and Azure Monitor packages. See README.md in this folder.
export {
  initTelemetry,
  telemetryActive,
  parseAuthenticationString,
  exportersFor,
  type Telemetry,
  type TelemetryOptions,
} from './init';
export {
  instrumentPipeline,
  recordRequest,
  recordThrottled,
  tracedQueue,
  tracedLedger,
  tracedCheckpoints,
  tracedGraph,
  tracedDataverse,
} from './ports';
export { traceStage, tracedHandler, currentStage, type StageName, type StageTrace } from './stage';
export { telemetrySink, textLine } from './logs';
export { observeQueueDepth } from './queue-depth';
export { injectTraceContext, extractTraceContext, TRACEPARENT, TRACESTATE, DIAGNOSTIC_ID } from './propagation';
export { mailboxHash, scrubText, errorForHost } from './redact';
export { personalDataAllowed, setPersonalDataAllowed } from './instruments';
export { METRICS, SPANS, EVENTS, ATTR } from './names';
