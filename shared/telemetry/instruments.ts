// The product's metric instruments, created against whichever meter provider is registered when they are
// first used (the metrics API has no proxy: instruments made before initialisation would stay no-ops).
import { metrics, type Counter, type Histogram, type MeterProvider } from '@opentelemetry/api';
import { METRICS, SCOPE } from './names';

export interface Instruments {
  decided: Counter;
  requests: Counter;
  throttled: Histogram;
  latency: Histogram;
  checkpointLag: Histogram;
  stageDuration: Histogram;
}

let cache: { provider: MeterProvider; instruments: Instruments } | undefined;

export function instruments(): Instruments {
  const provider = metrics.getMeterProvider();
  if (cache?.provider === provider) return cache.instruments;
  const meter = provider.getMeter(SCOPE);
  const made: Instruments = {
    decided: meter.createCounter(METRICS.decided, {
      description: 'Decisions recorded in the ledger, by outcome and reason',
      unit: '{decision}',
    }),
    requests: meter.createCounter(METRICS.requests, {
      description: 'HTTP requests to Graph and Dataverse',
      unit: '{request}',
    }),
    throttled: meter.createHistogram(METRICS.throttled, {
      description: 'Throttled answers (429/503 with Retry-After); the value is Retry-After when known',
      unit: 'ms',
    }),
    latency: meter.createHistogram(METRICS.latency, {
      description: 'Exchange received time to the Dataverse row created',
      unit: 'ms',
    }),
    checkpointLag: meter.createHistogram(METRICS.checkpointLag, {
      description: 'How long a folder checkpoint had not moved when it moves',
      unit: 'ms',
    }),
    stageDuration: meter.createHistogram(METRICS.stageDuration, {
      description: 'Stage invocation duration',
      unit: 'ms',
    }),
  };
  cache = { provider, instruments: made };
  return made;
}

/** The personal-data rule for telemetry, set by the composition root from LOG_PERSONAL_DATA. Off by default. */
let allowPersonal = false;
export function setPersonalDataAllowed(allowed: boolean): void {
  allowPersonal = allowed;
}
export function personalDataAllowed(): boolean {
  return allowPersonal;
}
