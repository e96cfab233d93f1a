// Service protection limits (https://learn.microsoft.com/power-apps/developer/data-platform/api-limits): per user, over
// a sliding window on the simulator clock: number of requests, combined execution time, and concurrent requests. A
// $batch counts as one request but its execution time is that of all its operations. Off unless the `limits` option is
// given.
import type { Clock } from '../../../shared/ports';
import { THROTTLE } from './errors';

export interface DataverseLimits {
  /** Sliding window length in (simulator-clock) seconds. Service: 300. */
  windowSeconds: number;
  /** Requests per user per window. Service: 6,000. */
  requests: number;
  /** Combined execution time per user per window, in ms. Service: 1,200,000 (20 minutes). */
  executionMs: number;
  /** Concurrent requests per user. Service: 52 ("or more"). */
  concurrent: number;
  /** Modelled execution cost of one operation (a request, or one part of a $batch), in ms. */
  costMsPerOperation: number;
  /**
   * Real milliseconds each admitted request is held in flight before it is handled, so concurrency can be
   * observed (the simulator itself answers synchronously). 0 = no hold.
   */
  holdMs: number;
  /** Upper bound of Retry-After, in seconds. */
  maxRetryAfterSeconds: number;
}

/** The documented defaults (api-limits.md); the cost model and the hold are the simulator's own. */
export const REAL_LIMITS: Readonly<DataverseLimits> = Object.freeze({
  windowSeconds: 300,
  requests: 6000,
  executionMs: 1_200_000,
  concurrent: 52,
  costMsPerOperation: 5,
  holdMs: 0,
  maxRetryAfterSeconds: 300,
});

/** `'real'` = REAL_LIMITS; an object overrides single values of REAL_LIMITS; undefined/false = no limits. */
export type LimitsOption = 'real' | Partial<DataverseLimits> | false;

export function resolveLimits(opt: LimitsOption | undefined): DataverseLimits | undefined {
  if (!opt) return undefined;
  return opt === 'real' ? { ...REAL_LIMITS } : { ...REAL_LIMITS, ...opt };
}

type Kind = keyof typeof THROTTLE;

interface UserState {
  /** Admitted requests in the window: admission time (clock ms) and charged cost (ms). */
  entries: { t: number; cost: number }[];
  inFlight: number;
  /** 429s since the last admitted request: each one lengthens the next Retry-After. */
  strikes: number;
  blockedUntil: number;
  blockedKind?: Kind;
}

export interface Throttled {
  ok: false;
  kind: Kind;
  retryAfterSeconds: number;
  status: 429;
  headers: Record<string, string>;
  body: { error: { code: string; message: string } };
}
export interface Admitted {
  ok: true;
  /** Charges `operations` × cost to the window and frees the concurrency slot; returns the rate-limit headers. */
  release(operations: number): Record<string, string>;
}

/** `1,199.46`: the service formats the remaining execution time in seconds with a grouping separator. */
export function formatSeconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** The user a bearer token stands for: a JWT's oid (or sub/appid), else the token text itself. */
export function userOfToken(authorization: string | undefined): string {
  const token = /^Bearer\s+(\S+)/i.exec(authorization ?? '')?.[1] ?? '';
  const parts = token.split('.');
  if (parts.length === 3) {
    try {
      const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Record<string, unknown>;
      const id = claims.oid ?? claims.sub ?? claims.appid;
      if (typeof id === 'string' && id) return id.toLowerCase();
    } catch {
      /* not a JWT: the token is the user */
    }
  }
  return token;
}

export class ServiceProtection {
  private readonly users = new Map<string, UserState>();
  readonly throttled: Record<Kind, number> = { requests: 0, executionTime: 0, concurrency: 0 };

  constructor(
    readonly limits: DataverseLimits,
    private readonly clock: Clock,
  ) {}

  private state(user: string): UserState {
    let s = this.users.get(user);
    if (!s) this.users.set(user, (s = { entries: [], inFlight: 0, strikes: 0, blockedUntil: 0 }));
    return s;
  }

  private prune(s: UserState, now: number): void {
    const from = now - this.limits.windowSeconds * 1000;
    let i = 0;
    while (i < s.entries.length && s.entries[i].t <= from) i++;
    if (i) s.entries.splice(0, i);
  }

  /** Current usage of a user in the window (tests, diagnostics). */
  usage(user: string): { requests: number; executionMs: number; inFlight: number; strikes: number } {
    const s = this.state(user);
    this.prune(s, this.clock.now().getTime());
    return {
      requests: s.entries.length,
      executionMs: s.entries.reduce((n, e) => n + e.cost, 0),
      inFlight: s.inFlight,
      strikes: s.strikes,
    };
  }

  admit(user: string): Admitted | Throttled {
    const L = this.limits;
    const s = this.state(user);
    const now = this.clock.now().getTime();
    const windowMs = L.windowSeconds * 1000;
    this.prune(s, now);
    // Concurrency fires at once; the window limits are checked before the request and charged after it, so a
    // burst of in-flight requests (or one large $batch) can overshoot them, as on the service.
    if (s.inFlight >= L.concurrent) return this.throttle(s, 'concurrency', 1000, now, false);
    if (now < s.blockedUntil && s.blockedKind) return this.throttle(s, s.blockedKind, s.blockedUntil - now, now, true);
    if (s.entries.length >= L.requests) {
      const oldest = s.entries[s.entries.length - L.requests];
      return this.throttle(s, 'requests', oldest.t + windowMs - now, now, true);
    }
    let exec = s.entries.reduce((n, e) => n + e.cost, 0);
    if (exec >= L.executionMs) {
      let i = 0;
      while (i < s.entries.length - 1 && exec >= L.executionMs) exec -= s.entries[i++].cost;
      return this.throttle(s, 'executionTime', s.entries[Math.max(0, i - 1)].t + windowMs - now, now, true);
    }
    s.strikes = 0;
    s.blockedKind = undefined;
    s.inFlight++;
    const entry = { t: now, cost: 0 };
    s.entries.push(entry);
    let released = false;
    return {
      ok: true,
      release: (operations: number) => {
        if (!released) {
          released = true;
          s.inFlight--;
          entry.cost = Math.max(1, operations) * L.costMsPerOperation;
        }
        const used = s.entries.reduce((n, e) => n + e.cost, 0);
        return {
          'x-ms-ratelimit-burst-remaining-xrm-requests': String(Math.max(0, L.requests - s.entries.length)),
          'x-ms-ratelimit-time-remaining-xrm-requests': formatSeconds(L.executionMs - used),
        };
      },
    };
  }

  private throttle(s: UserState, kind: Kind, untilFreeMs: number, now: number, block: boolean): Throttled {
    const L = this.limits;
    s.strikes++;
    this.throttled[kind]++;
    // Repeated pressure lengthens the wait: the base wait grows linearly with the 429s since the last admission.
    const base = Math.max(1, Math.ceil(untilFreeMs / 1000));
    const retryAfterSeconds = Math.min(L.maxRetryAfterSeconds, base * s.strikes);
    if (block) {
      s.blockedUntil = Math.max(s.blockedUntil, now + retryAfterSeconds * 1000);
      s.blockedKind = kind;
    }
    const used = s.entries.reduce((n, e) => n + e.cost, 0);
    return {
      ok: false,
      kind,
      retryAfterSeconds,
      status: 429,
      headers: {
        'Retry-After': String(retryAfterSeconds),
        'x-ms-ratelimit-burst-remaining-xrm-requests': String(Math.max(0, L.requests - s.entries.length)),
        'x-ms-ratelimit-time-remaining-xrm-requests': formatSeconds(L.executionMs - used),
      },
      body: { error: { code: THROTTLE[kind].code, message: message(kind, L) } },
    };
  }
}

/** The messages of api-limits.md, with the configured numbers. */
function message(kind: Kind, L: DataverseLimits): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  switch (kind) {
    case 'requests':
      return `Number of requests exceeded the limit of ${L.requests} over time window of ${L.windowSeconds} seconds.`;
    case 'executionTime':
      return `Combined execution time of incoming requests exceeded limit of ${n(L.executionMs)} milliseconds over time window of ${L.windowSeconds} seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later.`;
    case 'concurrency':
      return `Number of concurrent requests exceeded the limit of ${L.concurrent}.`;
  }
}
