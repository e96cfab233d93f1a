import type { Clock } from '../shared/ports';

/**
 * The one clock of the local runtime and its simulators: it starts at the fixture's `now` and runs at
 * `speed` times real time, so a 5-minute window can take seconds in a test and its real length in a demo.
 */
export class ScaledClock implements Clock {
  private readonly realStart = Date.now();
  private offsetMs = 0;
  constructor(
    private readonly start: Date = new Date(),
    readonly speed = 1,
  ) {}
  now(): Date {
    return new Date(this.start.getTime() + (Date.now() - this.realStart) * this.speed + this.offsetMs);
  }
  /** Moves time forward at once (tests, and `--once` runs skipping idle waits). */
  advance(ms: number): void {
    this.offsetMs += ms;
  }
  /** With virtual waits (`--once`), a wait moves the clock instead of taking real time. */
  virtualWaits = false;
  async sleep(ms: number): Promise<void> {
    if (this.virtualWaits) this.advance(ms);
    else await new Promise((r) => setTimeout(r, this.toRealMs(ms)));
  }
  /** Real milliseconds that correspond to `ms` of clock time. */
  toRealMs(ms: number): number {
    return ms / this.speed;
  }
}
