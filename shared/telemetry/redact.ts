// The personal-data rule of the logger (shared/log.ts) applied to telemetry: span attributes, span status
// messages, exception text, log records, Live Metrics and errors handed to the Functions host go through the
// same scrub, so no address or quoted filter value leaves the process unless LOG_PERSONAL_DATA allows it.
// Mailbox ids are hashed on spans.
import { createHash } from 'node:crypto';
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { maskPersonalText, scrub } from '../log';

export function mailboxHash(mailboxId: string): string {
  return createHash('sha256').update(mailboxId.toLowerCase()).digest('hex').slice(0, 16);
}

/** One string under the logger's rule (maskPersonalText), unless LOG_PERSONAL_DATA allows it. */
export function scrubText(text: string, allowPersonal: boolean): string {
  return allowPersonal ? text : maskPersonalText(text);
}

function scrubValue(v: AttributeValue | undefined, allowPersonal: boolean): AttributeValue | undefined {
  if (typeof v === 'string') return scrubText(v, allowPersonal);
  if (Array.isArray(v))
    return v.map((x) => (typeof x === 'string' ? scrubText(x, allowPersonal) : x)) as AttributeValue;
  return v;
}

/** Log props -> attributes with the logger's own rule (kept identical on purpose). */
export function logAttributes(
  props: Record<string, string | number | boolean | undefined> | undefined,
  allowPersonal: boolean,
): Attributes {
  const scrubbed = scrub(props, allowPersonal) ?? {};
  const out: Attributes = {};
  for (const [k, v] of Object.entries(scrubbed))
    if (v !== undefined) out[k] = typeof v === 'string' ? scrubText(v, allowPersonal) : v;
  return out;
}

/** Error class and a short, scrubbed message for span status; never the stack (it may quote data). */
export function describeError(e: unknown, allowPersonal: boolean): { type: string; message: string } {
  const err = e instanceof Error ? e : new Error(String(e));
  return { type: err.name || 'Error', message: scrubText(err.message, allowPersonal).slice(0, 300) };
}

/**
 * What a function hands to the Functions host when it fails: the host writes the message and the stack to
 * the `exceptions` telemetry and the log stream, so both are scrubbed (the stack's first line repeats the
 * message). Same class name, so the host and the dead-letter reason still say what kind of failure it was.
 */
export function errorForHost(e: unknown, allowPersonal: boolean): Error {
  const err = e instanceof Error ? e : new Error(String(e));
  if (allowPersonal) return err;
  const safe = new Error(scrubText(err.message, false));
  safe.name = err.name || 'Error';
  safe.stack = scrubText(err.stack ?? `${safe.name}: ${safe.message}`, false);
  return safe;
}

/**
 * The last line of defence for spans we do not create ourselves (HTTP and Azure SDK instrumentation put
 * URLs in attributes, and Graph URLs hold the mailbox address): masks attributes, event attributes and the
 * status message while the span is ending, before any processor's onEnd sees it. The Azure Monitor distro
 * registers its own processor first, and that one feeds Live Metrics from onEnd: redacting in onEnding
 * (which the SDK calls on every processor before the first onEnd) is what keeps Live Metrics clean too.
 */
export class RedactingSpanProcessor implements SpanProcessor {
  /** `allowed` is read at every span end: settings are validated after telemetry starts. */
  constructor(private readonly allowed: () => boolean) {}
  private readonly done = new WeakSet<object>();
  onStart(): void {}
  onEnding(span: Span): void {
    this.redact(span);
    this.done.add(span);
  }
  /** For SDK builds without onEnding; a span already masked in onEnding is not scanned twice. */
  onEnd(span: ReadableSpan): void {
    if (!this.done.has(span)) this.redact(span);
  }
  private redact(span: ReadableSpan): void {
    if (this.allowed()) return;
    const attrs = span.attributes as Record<string, AttributeValue | undefined>;
    for (const [k, v] of Object.entries(attrs)) attrs[k] = scrubValue(v, false);
    for (const ev of span.events) {
      const a = ev.attributes as Record<string, AttributeValue | undefined> | undefined;
      if (a) for (const [k, v] of Object.entries(a)) a[k] = scrubValue(v, false);
    }
    const status = span.status as { message?: string };
    if (status.message) status.message = scrubText(status.message, false);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
