// queue.depth for the embedded queues (local runtime). On Azure, Service Bus reports ActiveMessages,
// ScheduledMessages and DeadletteredMessages itself (the backlog and dead-letter alerts read those).
import { metrics, type ObservableResult } from '@opentelemetry/api';
import { METRICS, SCOPE } from './names';

export interface DepthStats {
  active: number;
  scheduled: number;
  locked: number;
  deadLettered: number;
}

/** Registers a gauge read at every collection; returns the function that unregisters it. */
export function observeQueueDepth(read: () => Record<string, DepthStats>): () => void {
  const gauge = metrics.getMeter(SCOPE).createObservableGauge(METRICS.queueDepth, {
    description: 'Messages in the embedded queues by state',
    unit: '{message}',
  });
  const cb = (r: ObservableResult) => {
    for (const [queue, s] of Object.entries(read())) {
      for (const state of ['active', 'scheduled', 'locked', 'deadLettered'] as const)
        r.observe(s[state], { queue, state });
    }
  };
  gauge.addCallback(cb);
  return () => gauge.removeCallback(cb);
}
