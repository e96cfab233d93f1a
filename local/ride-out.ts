// The local runtime's own calls (the timer's schedule, its look at the mailboxes between cycles, the
// summary, the dump) ride out a throttled or failing system the way the stages do: the same backoff, on
// the run's clock. On Azure the timer's next tick is that retry; here the loop waits for it itself.
import type { Log } from '../shared/ports';
import { retryableFailureOf } from '../shared/domain/errors';
import { mayRetry, retryDelayMs } from '../shared/domain/backoff';
import type { ScaledClock } from './clock';

export type RideOut = <T>(what: string, run: () => Promise<T>) => Promise<T>;

/** With `virtualWaits` (`--once`) a wait moves the clock; otherwise it takes its real (scaled) time. */
export function rideOutOn(clock: ScaledClock, log: Log): RideOut {
  return async (what, run) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (e) {
        const failure = retryableFailureOf(e);
        if (!failure || !mayRetry(attempt, failure)) throw e;
        const waitMs = retryDelayMs(attempt, failure, what);
        log.warn('local.retry', { what, attempt, waitMs, system: failure.system, status: failure.status });
        await clock.sleep(waitMs);
      }
    }
  };
}

type AnyFn = (...args: never[]) => Promise<unknown>;

/** The port with every method ridden out: for the loop's own reads and writes, never for the stages. */
export function patient<T extends object>(name: string, port: T, rideOut: RideOut): T {
  return new Proxy(port, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: never[]) => rideOut(`${name}.${String(prop)}`, () => (v as AnyFn).apply(target, args));
    },
  });
}
