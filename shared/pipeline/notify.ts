// The notify endpoint (HTTP, called by Graph): the validation handshake, then change and lifecycle
// notifications, each checked where it enters (shape, known subscription, clientState in constant time, the
// resource's mailbox, a synced mailbox). What passes becomes one sync job per mailbox and fold window; the
// answer is 202 at once, the work itself is the queue's. Only Table Storage point reads and one send happen here.
import { QUEUES } from '../ports';
import type { StoredSubscription } from '../ports-notify';
import type { SyncJob } from '../domain/jobs';
import { notifyJobMessageId } from '../domain/queue-message-ids';
import {
  parseNotificationBody,
  resourceOfMailbox,
  sameClientState,
  validationTokenToEcho,
  type Notification,
} from '../domain/notifications';
import type { PipelineDeps } from './deps';
import { notificationsOn } from './polling';

/** What the HTTP glue hands over: the decoded validationToken query parameter, and the raw body. */
export interface NotifyRequest {
  validationToken?: string;
  body?: string;
}
export type NotifyRejection = 'malformed' | 'unknownSubscription' | 'clientState' | 'resource' | 'mailboxNotSynced';
export interface NotifyAnswer {
  status: 200 | 202 | 400 | 403 | 404;
  /** The handshake's answer is the token as text/plain; every other answer is empty. */
  text?: string;
  /** Mailboxes a sync job was sent for, and the notifications refused, by why. */
  synced: string[];
  rejected: Partial<Record<NotifyRejection, number>>;
}

type Deps = Pick<PipelineDeps, 'settings' | 'subscriptions' | 'mailboxes' | 'queue' | 'clock' | 'log'>;

export async function handleNotify(req: NotifyRequest, deps: Deps): Promise<NotifyAnswer> {
  // Graph's handshake on create: echo the token within 10 s and do nothing else.
  if (req.validationToken !== undefined) {
    const token = validationTokenToEcho(req.validationToken);
    return token ? { status: 200, text: token, synced: [], rejected: {} } : { status: 400, synced: [], rejected: {} };
  }
  if (!notificationsOn(deps) || !deps.subscriptions) return { status: 404, synced: [], rejected: {} };
  const parsed = parseNotificationBody(req.body ?? '');
  if (!parsed.ok) {
    deps.log.warn('notify.refused', { error: parsed.error });
    return { status: 400, synced: [], rejected: { malformed: 1 } };
  }
  const rejected: NotifyAnswer['rejected'] = {};
  const count = (why: NotifyRejection, n = 1) => n > 0 && (rejected[why] = (rejected[why] ?? 0) + n);
  count('malformed', parsed.value.malformed);
  const toSync = new Set<string>();
  const known = new Map<string, StoredSubscription | undefined>();
  for (const n of parsed.value.notifications) {
    if (!known.has(n.subscriptionId)) known.set(n.subscriptionId, await deps.subscriptions.get(n.subscriptionId));
    const why = await accept(n, known.get(n.subscriptionId), deps, toSync);
    if (why) count(why);
  }
  const synced = await sendJobs([...toSync], deps);
  const total = Object.values(rejected).reduce((a, b) => a + b, 0);
  if (total) deps.log.warn('notify.rejected', { ...rejected, accepted: parsed.value.notifications.length - total });
  deps.log.info('notify.received', { notifications: parsed.value.notifications.length, jobs: synced.length });
  // Nothing in the body was ours: say so; otherwise Graph has its 202 and the work is queued.
  const nothingOurs = total > 0 && total === parsed.value.notifications.length + parsed.value.malformed;
  return { status: nothingOurs ? 403 : 202, synced, rejected };
}

/** Why a notification is refused, or undefined when it is taken (its mailbox added to `toSync`). */
async function accept(
  n: Notification,
  sub: StoredSubscription | undefined,
  deps: Deps,
  toSync: Set<string>,
): Promise<NotifyRejection | undefined> {
  if (!sub) return 'unknownSubscription';
  if (!sameClientState(n.clientState, sub.clientState)) return 'clientState';
  const mailbox = await deps.mailboxes.get(sub.mailboxId);
  if (!mailbox || mailbox.health.state === 'disabled') return 'mailboxNotSynced';
  if (n.kind === 'change') {
    if (!resourceOfMailbox(n.resourceUser, mailbox.address)) return 'resource';
    toSync.add(sub.mailboxId);
    return undefined;
  }
  deps.log.info('notify.lifecycle', { mailboxId: sub.mailboxId, subscriptionId: sub.id, event: n.event });
  // Renewed (or created again) by the next subscription maintenance; changes meanwhile come by a delta round.
  if (n.event === 'reauthorizationRequired') await deps.subscriptions!.put({ ...sub, renewNow: true });
  else {
    if (n.event === 'subscriptionRemoved') await deps.subscriptions!.remove(sub.id);
    toSync.add(sub.mailboxId);
  }
  return undefined;
}

/**
 * One sync job per mailbox and fold window: a second notification in the window carries the same id and is
 * dropped. The job becomes visible when its window ends, so it sees every change notified within the window
 * (run at once, it could read the folder before a change whose duplicate notification it then swallowed).
 */
async function sendJobs(mailboxIds: string[], deps: Deps): Promise<string[]> {
  if (!mailboxIds.length) return [];
  const foldMs = deps.settings.notifyFoldSeconds * 1000;
  const window = Math.floor(deps.clock.now().getTime() / foldMs);
  const windowEnd = new Date((window + 1) * foldMs);
  const jobs: SyncJob[] = mailboxIds.map((mailboxId) => ({
    kind: 'sync',
    mailboxId,
    workload: 'email',
    trigger: 'notify',
    slot: `notify:${window}`,
  }));
  await deps.queue.send(
    QUEUES.syncJobs,
    jobs.map((j) => ({
      body: j,
      messageId: notifyJobMessageId(j.mailboxId, window),
      sessionId: j.mailboxId,
      scheduledEnqueueTimeUtc: windowEnd,
    })),
  );
  return mailboxIds;
}
