// Adaptive concurrency toward Dataverse (service protection limits:
// https://learn.microsoft.com/power-apps/developer/data-platform/api-limits): halve the requests in
// flight on a 429 or when the execution-time budget runs low, grow by one after a run of successes.
// All workers share one application user's budget, so backing off early is cheaper than a 429 storm.

export interface AdaptiveLimitOptions {
  min?: number;
  max?: number;
  start?: number;
  /** Successes in a row, per request slot, before one more slot is opened. */
  growAfter?: number;
}

export class AdaptiveLimit {
  private readonly min: number;
  private readonly max: number;
  private readonly growAfter: number;
  private current: number;
  private inFlight = 0;
  private successes = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(o: AdaptiveLimitOptions = {}) {
    this.min = o.min ?? 1;
    this.max = o.max ?? 16;
    this.current = Math.min(this.max, Math.max(this.min, o.start ?? 4));
    this.growAfter = o.growAfter ?? 4;
  }

  get limit(): number {
    return this.current;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    while (this.inFlight >= this.current) await new Promise<void>((r) => this.waiting.push(r));
    this.inFlight++;
    try {
      return await fn();
    } finally {
      this.inFlight--;
      this.waiting.shift()?.();
    }
  }

  /** A 429, or the server says the execution-time budget is nearly spent. */
  backOff(): void {
    this.current = Math.max(this.min, Math.floor(this.current / 2));
    this.successes = 0;
  }

  succeeded(): void {
    if (++this.successes >= this.current * this.growAfter && this.current < this.max) {
      this.current++;
      this.successes = 0;
      this.waiting.shift()?.();
    }
  }
}

/** `x-ms-ratelimit-time-remaining-xrm-requests` (seconds of execution time left, e.g. "1,199.46"): low means back off. */
export function executionTimeLow(header: string | null, budgetSeconds = 1200, fraction = 0.2): boolean {
  if (!header) return false;
  const seconds = Number(header.replace(/,/g, ''));
  return Number.isFinite(seconds) && seconds < budgetSeconds * fraction;
}
