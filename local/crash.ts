// The `crash` fault of `--faults`: at a random step boundary (before or after any call a stage makes
// to an outside system) the process "dies": the handler stops there and its message is never settled, so
// its lock lapses and it is delivered again, exactly what a killed Functions instance leaves behind.
import type { PipelineDeps } from '../shared/pipeline/deps';

export class CrashError extends Error {
  constructor(step: string) {
    super(step);
    this.name = 'CrashError';
  }
}

type AnyFn = (...args: never[]) => Promise<unknown>;

/** Wraps every async method of a port so a crash can happen just before or just after it. */
function crashing<T extends object>(name: string, port: T, maybeCrash: (step: string) => void): T {
  return new Proxy(port, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return async (...args: never[]) => {
        maybeCrash(`before ${name}.${String(prop)}`);
        const result = await (v as AnyFn).apply(target, args);
        maybeCrash(`after ${name}.${String(prop)}`);
        return result;
      };
    },
  });
}

export function withCrashPoints(
  deps: PipelineDeps,
  rate: number,
  random: () => number,
  counts: Record<string, number>,
): PipelineDeps {
  if (rate <= 0) return deps;
  const maybeCrash = (step: string) => {
    if (random() < rate) {
      counts.crash = (counts.crash ?? 0) + 1;
      throw new CrashError(step);
    }
  };
  return {
    ...deps,
    graph: crashing('graph', deps.graph, maybeCrash),
    dataverse: crashing('dataverse', deps.dataverse, maybeCrash),
    checkpoints: crashing('checkpoints', deps.checkpoints, maybeCrash),
    mailboxes: crashing('mailboxes', deps.mailboxes, maybeCrash),
    ledger: crashing('ledger', deps.ledger, maybeCrash),
    correlation: crashing('correlation', deps.correlation, maybeCrash),
    alerts: crashing('alerts', deps.alerts, maybeCrash),
    queue: crashing('queue', deps.queue, maybeCrash),
    ...(deps.categories ? { categories: crashing('categories', deps.categories, maybeCrash) } : {}),
  };
}
