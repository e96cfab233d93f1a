// One span per stage invocation (schedule, sync, write), a child of the context the message carried, so a
// trace runs schedule -> sync -> write across both queue hops. Used by the Functions glue and the local host.
import {
  context,
  createContextKey,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Link,
  type Span,
  type SpanContext,
} from '@opentelemetry/api';
import { isKind } from '../domain/errors';
import { QUEUES } from '../ports';
import { ATTR, SCOPE, SPANS, type StageOutcome } from './names';
import { extractTraceContext, parseTraceparent } from './propagation';
import { describeError, mailboxHash } from './redact';
import { instruments, personalDataAllowed } from './instruments';

export type StageName = 'schedule' | 'sync' | 'write';

/** What a stage span reads of the queue message a trigger hands over (the pipeline's InboundMessage has it). */
export interface TracedMessage {
  body: unknown;
  deliveryCount: number;
  applicationProperties?: Record<string, unknown> | undefined;
}

/** What the port decorators learn during a stage: a throttled answer, or a retry sent, makes it 'rescheduled'. */
export interface StageRun {
  stage: StageName;
  throttledBy?: string;
  /** The stage sent a retry of its message (throttled or transient failure). */
  rescheduled?: boolean;
}
const STAGE = createContextKey('exsync.stage');
export function currentStage(): StageRun | undefined {
  return context.active().getValue(STAGE) as StageRun | undefined;
}

export interface StageTrace {
  stage: StageName;
  /** The queue message, for sync and write: its application properties carry the parent context. */
  message?: TracedMessage;
  /** The Functions host's invocation context (context.traceContext), when running under the host. */
  host?: { traceParent?: string | null; traceState?: string | null };
}

const QUEUE_OF: Partial<Record<StageName, string>> = { sync: QUEUES.syncJobs, write: QUEUES.activityWrites };

/**
 * The parent: the host's invocation when it continues the message's trace (it nests under the host's
 * request), otherwise the message's context, with the host's invocation as a link.
 */
function parentOf(t: StageTrace): { parent?: SpanContext; links: Link[] } {
  const remote = extractTraceContext(t.message?.applicationProperties);
  const host = parseTraceparent(t.host?.traceParent ?? undefined, t.host?.traceState ?? undefined);
  if (host && (!remote || host.traceId === remote.traceId)) return { parent: host, links: [] };
  if (remote) return { parent: remote, links: host ? [{ context: host }] : [] };
  return { links: [] };
}

function mailboxOf(body: unknown): string | undefined {
  const id = (body as { mailboxId?: unknown } | undefined)?.mailboxId;
  return typeof id === 'string' && id ? id : undefined;
}

export async function traceStage<T>(t: StageTrace, run: (span: Span) => Promise<T>): Promise<T> {
  const { parent, links } = parentOf(t);
  const state: StageRun = { stage: t.stage };
  const base = (parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT).setValue(STAGE, state);
  const mailbox = mailboxOf(t.message?.body);
  const queue = QUEUE_OF[t.stage];
  const span = trace.getTracer(SCOPE).startSpan(
    SPANS[t.stage],
    {
      kind: SpanKind.INTERNAL,
      links,
      attributes: {
        [ATTR.stage]: t.stage,
        ...(mailbox ? { [ATTR.mailboxHash]: mailboxHash(mailbox) } : {}),
        ...(queue
          ? { [ATTR.messagingSystem]: 'servicebus', [ATTR.destination]: queue, [ATTR.operation]: 'process' }
          : {}),
        ...(t.message ? { [ATTR.deliveryCount]: t.message.deliveryCount } : {}),
      },
    },
    base,
  );
  const started = performance.now();
  let outcome: StageOutcome = 'ok';
  try {
    const result = await context.with(trace.setSpan(base, span), () => run(span));
    if (state.throttledBy || state.rescheduled) outcome = 'rescheduled';
    if (state.throttledBy) span.setAttribute(ATTR.throttledBy, state.throttledBy);
    return result;
  } catch (e) {
    outcome = isKind(e, 'poison') ? 'poison' : 'error';
    const err = describeError(e, personalDataAllowed());
    span.setAttribute(ATTR.errorType, err.type);
    span.addEvent('exception', { 'exception.type': err.type, 'exception.message': err.message });
    span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
    throw e;
  } finally {
    span.setAttribute(ATTR.outcome, outcome);
    span.end();
    instruments().stageDuration.record(performance.now() - started, { stage: t.stage, outcome });
  }
}

/** Wraps a stage handler of the local host or the Functions glue. */
export function tracedHandler<M extends TracedMessage>(
  stage: StageName,
  handler: (msg: M) => Promise<void>,
  host?: StageTrace['host'],
): (msg: M) => Promise<void> {
  return (msg) => traceStage({ stage, message: msg, ...(host ? { host } : {}) }, () => handler(msg));
}
