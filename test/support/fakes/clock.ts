// A clock the test moves: now() is fixed until advance(); sleep() moves it instead of waiting.
import type { Clock } from '../../../shared/ports';

export interface FakeClock extends Clock {
  advance(ms: number): void;
  sleep(ms: number): Promise<void>;
}

export function fakeClock(start: string | Date = '2025-01-10T10:00:00Z'): FakeClock {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    advance: (ms) => void (now += ms),
    sleep: async (ms) => void (now += ms),
  };
}
