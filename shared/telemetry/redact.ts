// The personal-data rule of the logger (shared/log.ts) applied to telemetry: span attributes, span status
// messages, exception text and log records go through the same scrub, so no address leaves the process
// unless LOG_PERSONAL_DATA allows it. Mailbox ids are hashed on spans.
import { createHash } from 'node:crypto';
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { scrub } from '../log';

export function mailboxHash(mailboxId: string): string {
  return createHash('sha256').update(mailboxId.toLowerCase()).digest('hex').slice(0, 16);
}

const ADDRESS = /[^\s@<>"/?&=]+@[^\s@<>"/?&=]+/g;
const ENCODED_ADDRESS = /[^\s/?&=%]+%40[^\s/?&=]+/gi;

/** One string with every address (plain or URL-encoded, as in Graph's /users/<address>/ paths) masked. */
export function scrubText(text: string, allowPersonal: boolean): string {
  if (allowPersonal) return text;
  return text.replace(ENCODED_ADDRESS, '[address]').replace(ADDRESS, '[address]');
}

function scrubValue(v: AttributeValue | undefined, allowPersonal: boolean): AttributeValue | undefined {
  if (typeof v === 'string') return scrubText(v, allowPersonal);
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? scrubText(x, allowPersonal) : x)) as AttributeValue;
  return v;
}

export function scrubAttributes(attrs: Attributes, allowPersonal: boolean): Attributes {
  if (allowPersonal) return attrs;
  const out: Attributes = {};
  for (const [k, v] of Object.entries(attrs)) out[k] = scrubValue(v, allowPersonal);
  return out;
}

/** Log props -> attributes with the logger's own rule (kept identical on purpose). */
export function logAttributes(props: Record<string, string | number | boolean | undefined> | undefined, allowPersonal: boolean): Attributes {
  const scrubbed = scrub(props, allowPersonal) ?? {};
  const out: Attributes = {};
  for (const [k, v] of Object.entries(scrubbed)) if (v !== undefined) out[k] = typeof v === 'string' ? scrubText(v, allowPersonal) : v;
  return out;
}

/** Error class and a short, scrubbed message for span status; never the stack (it may quote data). */
export function describeError(e: unknown, allowPersonal: boolean): { type: string; message: string } {
  const err = e instanceof Error ? e : new Error(String(e));
  return { type: err.name || 'Error', message: scrubText(err.message, allowPersonal).slice(0, 300) };
}

/**
 * The last line of defence for spans we do not create ourselves (HTTP and Azure SDK instrumentation put
 * URLs in attributes, and Graph URLs hold the mailbox address): masks attributes and event attributes when
 * the span ends, before any exporter sees it. Runs before the exporting processor (see init.ts).
 */
export class RedactingSpanProcessor implements SpanProcessor {
  /** `allowed` is read at every span end: settings are validated after telemetry starts. */
  constructor(private readonly allowed: () => boolean) {}
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
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
