// Outlook's service protection limits (https://learn.microsoft.com/graph/throttling-limits): per app id and mailbox, at
// most `concurrency` requests in flight and `requestsPerWindow` requests per `windowMs` of simulator-clock time.
// Requests that are refused still count against the window, as Graph documents.
import { createHash } from 'node:crypto';
import type { Clock } from '../../../shared/ports';
import { GraphError } from './errors';

export interface GraphLimits {
  /** Concurrent requests per app and mailbox (Graph: 4). */
  concurrency: number;
  /** Requests per window per app and mailbox (Graph: 10,000). */
  requestsPerWindow: number;
  /** Window length in simulator-clock milliseconds (Graph: 10 minutes). */
  windowMs: number;
}

export const REAL_LIMITS: GraphLimits = { concurrency: 4, requestsPerWindow: 10_000, windowMs: 10 * 60_000 };

/** `undefined` = no limits (the default); `'real'` = Graph's published numbers; an object overrides some. */
export type LimitsOption = undefined | 'real' | Partial<GraphLimits>;

export function resolveLimits(o: LimitsOption): GraphLimits | undefined {
  if (o === undefined) return undefined;
  if (o === 'real') return { ...REAL_LIMITS };
  return { ...REAL_LIMITS, ...o };
}

export interface ThrottleStats {
  concurrency: number;
  window: number;
}

interface Bucket {
  inFlight: number;
  windowStart: number;
  count: number;
}

/** The app behind a bearer token: the `appid`/`azp` claim of a JWT, else a hash of the opaque token. */
export function appIdOf(authorization: string | undefined): string {
  const token = String(authorization ?? '').replace(/^Bearer\s+/i, '');
  const parts = token.split('.');
  if (parts.length === 3) {
    try {
      const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as {
        appid?: string;
        azp?: string;
      };
      const id = claims.appid ?? claims.azp;
      if (id) return id;
    } catch {
      // not a JWT: fall through
    }
  }
  return 'opaque:' + createHash('sha256').update(token).digest('hex').slice(0, 16);
}

export class Throttler {
  private readonly buckets = new Map<string, Bucket>();
  private n = 0;
  readonly stats: ThrottleStats = { concurrency: 0, window: 0 };

  constructor(
    private readonly limits: GraphLimits,
    private readonly clock: Clock,
  ) {}

  /** Counts the request and takes a concurrency slot; throws a 429 GraphError when over a limit. Returns the release. */
  acquire(app: string, mailbox: string): () => void {
    const key = `${app}|${mailbox}`;
    const now = this.clock.now().getTime();
    let b = this.buckets.get(key);
    if (!b) this.buckets.set(key, (b = { inFlight: 0, windowStart: now, count: 0 }));
    if (now - b.windowStart >= this.limits.windowMs) {
      b.windowStart = now;
      b.count = 0;
    }
    b.count++;
    if (b.count > this.limits.requestsPerWindow) {
      this.stats.window++;
      const wait = Math.max(0.001, (b.windowStart + this.limits.windowMs - now) / 1000);
      throw new GraphError(
        429,
        'TooManyRequests',
        'Please retry again later.',
        { 'Retry-After': wait.toFixed(3) },
        { code: '429' },
      );
    }
    if (b.inFlight >= this.limits.concurrency) {
      this.stats.concurrency++;
      // Graph's Retry-After for this case is fractional; vary it a little, deterministically.
      const wait = 1 + ((++this.n * 0.137) % 1);
      throw new GraphError(429, 'ApplicationThrottled', 'Application is over its MailboxConcurrency limit.', {
        'Retry-After': wait.toFixed(3),
      });
    }
    b.inFlight++;
    let released = false;
    const bucket = b;
    return () => {
      if (released) return;
      released = true;
      bucket.inFlight--;
    };
  }
}
