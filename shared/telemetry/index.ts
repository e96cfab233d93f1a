// Telemetry: traces, metrics and structured logs, the same on Azure and on one machine. The only importer
// of the OpenTelemetry and Azure Monitor packages. See README.md in this folder.
export { initTelemetry, parseAuthenticationString, exportersFor, type Telemetry } from './init';
export {
  instrumentPipeline,
  recordRequest,
  tracedQueue,
  tracedLedger,
  tracedCheckpoints,
  tracedGraph,
  tracedDataverse,
} from './ports';
export { traceStage, tracedHandler, type StageName } from './stage';
export { telemetrySink, textLine } from './logs';
export { observeQueueDepth } from './queue-depth';
export { injectTraceContext, extractTraceContext, DIAGNOSTIC_ID } from './propagation';
export { mailboxHash, scrubText, errorForHost } from './redact';
export { personalDataAllowed, setPersonalDataAllowed } from './instruments';
