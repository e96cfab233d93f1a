// Change notifications in `exsync run`: without --once it serves the notify endpoint on 127.0.0.1 (the Graph
// simulator's NOTIFY_URL), keeps the subscriptions each cycle and drains the queues as soon as a notification
// sent a sync job, so a message that arrives is synced without waiting for the poll. `--once` keeps polling only.
import type { Settings } from '../shared/config';
import type { Stages } from '../shared/pipeline/stages';
import type { EmbeddedHost } from './host';
import { startNotifyServer } from './notify-server';

export interface LocalNotify {
  /** Settings the run adds: its own NOTIFY_URL, or notifications off under --once. */
  env: Record<string, string>;
  /** Whether subscriptions are kept in this run. */
  on: boolean;
  /** Binds the endpoint to the stages and the host once they exist. */
  bind(stages: Pick<Stages, 'notify'>, host: EmbeddedHost): void;
  /** The start line that says where Graph posts, or undefined when notifications are off. */
  startLine(s: Settings): string | undefined;
}

export async function startLocalNotify(o: {
  once: boolean;
  useSims: boolean;
  env: Record<string, string | undefined>;
  stops: (() => Promise<void>)[];
}): Promise<LocalNotify> {
  if (o.once) return { env: { NOTIFY_ENABLED: 'false' }, on: false, bind: () => undefined, startLine: () => undefined };
  let stages: Pick<Stages, 'notify'> | undefined;
  let host: EmbeddedHost | undefined;
  let draining: Promise<void> | undefined;
  const server = await startNotifyServer({
    notify: () => stages?.notify,
    onJobs: () => {
      draining ??= (host?.drain({ skipIdleWaits: false }) ?? Promise.resolve()).finally(() => (draining = undefined));
    },
  });
  o.stops.push(() => server.close());
  // Real Graph cannot reach 127.0.0.1: it needs NOTIFY_URL set to a public address that forwards here.
  const url = o.env.NOTIFY_URL || (o.useSims ? server.url : undefined);
  return {
    env: url ? { NOTIFY_URL: url } : {},
    on: !!url,
    bind: (s, h) => ((stages = s), (host = h)),
    startLine: (s) =>
      url && s.notifyEnabled
        ? `Change notifications: Graph posts to ${url} (this run serves ${server.url}); a mailbox with live subscriptions is polled every ${s.notifySweepMinutes} min (NOTIFY_SWEEP_MINUTES), others every ${s.syncIntervalSeconds} s.`
        : undefined,
  };
}
