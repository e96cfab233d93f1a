// The status page's sources in `exsync run`: the run's Table Storage stores, its embedded queues (backlog and
// the dead letters of this run), the dead letters kept from earlier runs, and the throttled answers this
// process saw (counted from the log's stage.throttled events).
import type { LocalQueue } from '../shared/adapters/localqueue';
import type { LogSink } from '../shared/log';
import type { Clock } from '../shared/ports';
import type { DeadLetterRow, StatusSources, ThrottleCount } from '../shared/pipeline/status';
import type { DataDir } from './data-dir';
import { readKept } from './dlq';
import type { PipelineDeps } from '../shared/pipeline/deps';
import { shadowSource } from '../shared/pipeline/status-shadow';

/** Counts stage.throttled events by system, passing every event on to the sink it wraps. */
export function throttleTally(
  sink: LogSink,
  since: Date,
): { sink: LogSink; read: () => { since: string; counts: ThrottleCount[] } } {
  const counts = new Map<string, number>();
  return {
    sink: (level, event, props) => {
      if (event === 'stage.throttled') {
        const system = typeof props?.system === 'string' ? props.system : 'unknown';
        counts.set(system, (counts.get(system) ?? 0) + 1);
      }
      sink(level, event, props);
    },
    read: () => ({
      since: since.toISOString(),
      counts: [...counts.entries()]
        .map(([system, count]) => ({ system, count }))
        .sort((a, b) => a.system.localeCompare(b.system)),
    }),
  };
}

const mailboxIdOf = (body: unknown) => {
  const id = (body as { mailboxId?: unknown } | undefined)?.mailboxId;
  return typeof id === 'string' ? id : undefined;
};

export function localStatusSources(o: {
  /** The run's stores, and its Dataverse for the shadow report's lookups. */
  stores: Pick<PipelineDeps, 'mailboxes' | 'ledger' | 'alerts' | 'dataverse'>;
  clock: Clock;
  dir: DataDir;
  queues: Record<string, LocalQueue>;
  throttling: () => { since: string; counts: ThrottleCount[] };
  showPersonal: boolean;
}): StatusSources {
  const { mailboxes, ledger, alerts, dataverse } = o.stores;
  return {
    mailboxes,
    ledger,
    alerts,
    shadow: shadowSource({ ledger, dataverse, clock: o.clock }, o.showPersonal),
    clock: o.clock,
    showPersonal: o.showPersonal,
    throttling: o.throttling,
    deadLetters: async () => {
      const kept: DeadLetterRow[] = readKept(o.dir).map((d) => ({
        queue: d.queue,
        messageId: d.messageId,
        reason: d.reason,
        description: d.description,
        deadLetteredAt: d.deadLetteredAt,
        ...(mailboxIdOf(d.body) ? { mailboxId: mailboxIdOf(d.body)! } : {}),
      }));
      const current = Object.entries(o.queues).flatMap(([queue, q]) =>
        q.deadLetters().map((d) => ({
          queue,
          messageId: d.messageId,
          reason: d.reason,
          description: d.description,
          deadLetteredAt: d.deadLetteredAt.toISOString(),
          ...(mailboxIdOf(d.body) ? { mailboxId: mailboxIdOf(d.body)! } : {}),
        })),
      );
      return [...kept, ...current];
    },
    backlog: async () =>
      Object.entries(o.queues).map(([queue, q]) => {
        const s = q.stats();
        return { queue, waiting: s.active + s.locked, scheduled: s.scheduled };
      }),
  };
}
