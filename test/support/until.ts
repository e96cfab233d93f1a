// Waiting on what the code under test counts, never on the clock: a loaded machine makes these waits
// longer, never wrong. A real hang is ended by the test runner's hang guard (test/run-tests.js).

/** Resolves once `cond()` holds, checking after every turn of the event loop (I/O included). */
export async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise<void>((r) => setImmediate(r));
}

/**
 * A gate for a simulator's `hold` option: requests wait at it, holding their concurrency slots, until the
 * test opens it, so requests overlap for certain instead of within a real-time window a slow machine stretches.
 */
export interface Gate {
  /** For `hold`: resolves when the gate is opened (at once when it is open). */
  wait(): Promise<void>;
  open(): void;
  readonly isOpen: boolean;
}

export function gate(): Gate {
  let open!: () => void;
  let isOpen = false;
  const opened = new Promise<void>((r) => (open = r));
  return {
    wait: () => opened,
    open: () => {
      isOpen = true;
      open();
    },
    get isOpen() {
      return isOpen;
    },
  };
}
