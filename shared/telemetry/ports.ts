// Decorators around the ports the stages use: they record spans, metrics and the promotion.decided event
// from outside, so the stages and the adapters stay free of telemetry code.
import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { Decision } from '../domain/activity';
import { isKind } from '../domain/errors';
import { retryAttemptOf } from '../domain/queue-message-ids';
import type { CheckpointStore, Clock, DataversePort, GraphPort, Ledger, Log, QueuePort } from '../ports';
import { ATTR, EVENTS, SCOPE, SPANS } from './names';
import { injectTraceContext } from './propagation';
import { describeError } from './redact';
import { instruments, personalDataAllowed, setPersonalDataAllowed } from './instruments';
import { currentStage } from './stage';

const tracer = () => trace.getTracer(SCOPE);

function fail(span: Span, e: unknown): void {
  const err = describeError(e, personalDataAllowed());
  span.setAttribute(ATTR.errorType, err.type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
}

/** A throttled answer: counted once, and the running stage learns it will be rescheduled. */
export function recordThrottled(system: string, retryAfterMs: number): void {
  instruments().throttled.record(Math.max(0, retryAfterMs), { system });
  const stage = currentStage();
  if (stage) stage.throttledBy = system;
}

/**
 * A stage that sent a retry of its message (`…:retry:n`, backoff.ts) ends 'rescheduled', whatever the
 * kind of failure (throttled or transient) and whichever system failed.
 */
function markRescheduled(messages: readonly { messageId: string }[]): void {
  const stage = currentStage();
  if (stage && messages.some((m) => retryAttemptOf(m.messageId) > 0)) stage.rescheduled = true;
}

/** One HTTP request to Graph or Dataverse (called from the adapters' onRequest hooks). */
export function recordRequest(system: 'graph' | 'dataverse', route: string): void {
  instruments().requests.add(1, { system, route });
}

async function inClientSpan<T>(
  system: 'graph' | 'dataverse',
  operation: string,
  run: () => Promise<T>,
  after?: (r: T) => void,
): Promise<T> {
  return tracer().startActiveSpan(
    SPANS.dependency(system, operation),
    { kind: SpanKind.CLIENT, attributes: { [ATTR.system]: system, [ATTR.route]: operation } },
    async (span) => {
      try {
        const r = await run();
        after?.(r);
        return r;
      } catch (e) {
        if (isKind(e, 'throttled')) recordThrottled(e.system, e.retryAfterMs);
        fail(span, e);
        throw e;
      } finally {
        span.end();
      }
    },
  );
}

/** Injects the active trace context into every message's application properties, inside a producer span. */
export function tracedQueue(inner: QueuePort): QueuePort {
  return {
    send: (queue, messages) =>
      tracer().startActiveSpan(
        SPANS.send(queue),
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            [ATTR.messagingSystem]: 'servicebus',
            [ATTR.destination]: queue,
            [ATTR.operation]: 'send',
            [ATTR.batchCount]: messages.length,
          },
        },
        async (span) => {
          const ctx = context.active();
          try {
            await inner.send(
              queue,
              messages.map((m) => {
                const applicationProperties = injectTraceContext(m.applicationProperties, ctx);
                return applicationProperties ? { ...m, applicationProperties } : m;
              }),
            );
            markRescheduled(messages);
          } catch (e) {
            fail(span, e);
            throw e;
          } finally {
            span.end();
          }
        },
      ),
  };
}

/** One promotion.decided count and event per decision recorded (outcome, reason; never addresses). */
export function tracedLedger(inner: Ledger, log: Log): Ledger {
  return {
    ...inner,
    async record(decisions: Decision[]) {
      await inner.record(decisions);
      const { decided } = instruments();
      for (const d of decisions) {
        decided.add(1, { outcome: d.outcome, reason: d.reason, folder: d.folder });
        log.info(EVENTS.decided, {
          mailboxId: d.mailboxId,
          folder: d.folder,
          outcome: d.outcome,
          reason: d.reason,
          correlationMethod: d.correlationMethod,
        });
      }
    },
  };
}

/** checkpoint.lag: how long a folder's checkpoint had not moved, recorded when it moves. */
export function tracedCheckpoints(inner: CheckpointStore): CheckpointStore {
  const lastMoved = new Map<string, string>();
  const key = (mailboxId: string, folder: string) => `${mailboxId}|${folder}`;
  return {
    ...inner,
    async get(mailboxId: string, folder: Parameters<CheckpointStore['get']>[1]) {
      const cp = await inner.get(mailboxId, folder);
      if (cp?.updatedAt) lastMoved.set(key(mailboxId, folder), cp.updatedAt);
      return cp;
    },
    async save(cp: Parameters<CheckpointStore['save']>[0]) {
      const saved = await inner.save(cp);
      const k = key(cp.mailboxId, cp.folder);
      const before = lastMoved.get(k);
      if (before && cp.updatedAt) {
        const lag = Date.parse(cp.updatedAt) - Date.parse(before);
        if (Number.isFinite(lag) && lag >= 0) instruments().checkpointLag.record(lag, { folder: cp.folder });
      }
      if (cp.updatedAt) lastMoved.set(k, cp.updatedAt);
      return saved;
    },
  };
}

/** Every method of a port as a client span named after it (methods added later are covered too). */
function clientSpans<T extends object>(system: 'graph' | 'dataverse', inner: T, skip: readonly string[] = []): T {
  const out = { ...inner } as Record<string, unknown>;
  for (const [name, fn] of Object.entries(inner)) {
    if (typeof fn !== 'function' || skip.includes(name)) continue;
    out[name] = (...args: unknown[]) =>
      inClientSpan(system, name, () => (fn as (...a: unknown[]) => Promise<unknown>).apply(inner, args));
  }
  return out as T;
}

export function tracedGraph(inner: GraphPort): GraphPort {
  return clientSpans('graph', inner);
}

/** Dataverse calls as client spans; createEmails also gives pipeline.latency and the throttled rows of a $batch. */
export function tracedDataverse(inner: DataversePort, clock: Clock): DataversePort {
  // loadOrgContext is cached in the adapter: a span per call would mostly time a cache hit.
  return {
    ...clientSpans('dataverse', inner, ['loadOrgContext', 'createEmails']),
    createEmails: (activities) =>
      inClientSpan(
        'dataverse',
        'createEmails',
        () => inner.createEmails(activities),
        (results) => {
          const { latency } = instruments();
          const now = clock.now().getTime();
          const byId = new Map(activities.map((a) => [a.activityid, a]));
          let throttledWait: number | undefined;
          for (const r of results) {
            if (r.status === 'retry' && r.retryAfterMs !== undefined)
              throttledWait = Math.max(throttledWait ?? 0, r.retryAfterMs);
            if (r.status !== 'created') continue;
            const a = byId.get(r.activityid);
            const received = a ? Date.parse(a.actualend) : NaN;
            if (Number.isFinite(received))
              latency.record(Math.max(0, now - received), { direction: a!.directioncode ? 'outgoing' : 'incoming' });
          }
          // A $batch answers 200 with 429 parts: one throttle per call, not per row, with the longest wait asked.
          if (throttledWait !== undefined) recordThrottled('dataverse', throttledWait);
          trace.getActiveSpan()?.setAttributes({
            'exsync.emails': activities.length,
            'exsync.created': results.filter((r) => r.status === 'created').length,
          });
        },
      ),
  };
}

/** Every telemetry decorator over the ports, and the personal-data rule; what the composition root calls. */
/** The ports the decorators wrap: what the stages are given (telemetry imports no pipeline module). */
interface InstrumentedPorts {
  graph: GraphPort;
  dataverse: DataversePort;
  checkpoints: CheckpointStore;
  ledger: Ledger;
  queue: QueuePort;
  clock: Clock;
  log: Log;
}

export function instrumentPipeline<T extends InstrumentedPorts>(deps: T, o: { allowPersonal: boolean }): T {
  setPersonalDataAllowed(o.allowPersonal);
  return {
    ...deps,
    graph: tracedGraph(deps.graph),
    dataverse: tracedDataverse(deps.dataverse, deps.clock),
    checkpoints: tracedCheckpoints(deps.checkpoints),
    ledger: tracedLedger(deps.ledger, deps.log),
    queue: tracedQueue(deps.queue),
  };
}
