// Issue "Seconds, not minutes", point 1 (change notifications) and point 2 (polling as the safety net): the
// notify endpoint and the subscriptions timer over in-memory fakes of every port, on the run's clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStages } from '../../../shared/pipeline/stages';
import { QUEUES } from '../../../shared/ports';
import type { SyncJob } from '../../../shared/domain/jobs';
import type { StoredSubscription } from '../../../shared/ports-notify';
import { fakePipeline, userMailbox } from '../../support/fakes';
import { withNotifications } from '../../support/fakes/notify';

const ALICE = userMailbox('mbx-alice', 'alice@contoso.com', 'user-alice');
const CAROL = userMailbox('mbx-carol', 'carol@contoso.com', 'user-carol');
const ALICE_OBJECT_ID = '6f1c2d3e-0000-4000-8000-00000000a11c';
const MINUTE = 60_000;

/** Mailboxes registered by a first schedule tick, then subscribed by the timer. */
async function subscribed(mailboxes = [ALICE, CAROL]) {
  const p = withNotifications(fakePipeline({ mailboxes, settings: { syncIntervalSeconds: 300 } }));
  const stages = createStages(p.deps);
  await stages.schedule();
  await stages.subscriptions();
  return { ...p, stages };
}

const subOf = (rows: Map<string, StoredSubscription>, mailboxId: string, folder = 'inbox') =>
  [...rows.values()].find((s) => s.mailboxId === mailboxId && s.folder === folder)!;

const change = (s: StoredSubscription, over: Record<string, unknown> = {}) => ({
  subscriptionId: s.id,
  subscriptionExpirationDateTime: s.expiresAt,
  changeType: 'created',
  resource: `Users/${ALICE_OBJECT_ID}/Messages/AAMkAD${Math.random().toString(36).slice(2)}`,
  resourceData: { '@odata.type': '#Microsoft.Graph.Message', id: 'x' },
  clientState: s.clientState,
  tenantId: 'tenant',
  ...over,
});
const lifecycle = (s: StoredSubscription, event: string) => ({
  subscriptionId: s.id,
  subscriptionExpirationDateTime: s.expiresAt,
  lifecycleEvent: event,
  clientState: s.clientState,
  tenantId: 'tenant',
});
const body = (...value: unknown[]) => JSON.stringify({ value });
const notifyJobs = (queue: { accepted: (q: typeof QUEUES.syncJobs) => { body: unknown; messageId: string }[] }) =>
  queue.accepted(QUEUES.syncJobs).filter((m) => (m.body as SyncJob).trigger === 'notify');

test('Change notifications: the validation handshake echoes validationToken as text/plain with 200, and does nothing else', async () => {
  const { stages, queue, store } = await subscribed();
  const before = queue.accepted(QUEUES.syncJobs).length;
  const rowsBefore = JSON.stringify([...store.rows.values()]);
  const token = 'Validation: Testing client application reachability for subscription Request-Id: 4f3c…';
  const answer = await stages.notify({ validationToken: token, body: body({ junk: true }) });
  assert.equal(answer.status, 200);
  assert.equal(answer.text, token, 'the decoded token, as it came');
  assert.equal(queue.accepted(QUEUES.syncJobs).length, before, 'no job');
  assert.equal(JSON.stringify([...store.rows.values()]), rowsBefore, 'no subscription touched');
  assert.equal((await stages.notify({ validationToken: 'x'.repeat(5000) })).status, 400, 'not a token Graph sends');
});

test('Change notifications: a wrong clientState is rejected and counted, and no sync job is sent', async () => {
  const { stages, queue, store, log } = await subscribed();
  const alice = subOf(store.rows, ALICE.mailboxid);
  const carol = subOf(store.rows, CAROL.mailboxid);
  const wrong = await stages.notify({
    body: body(change(alice, { clientState: `${alice.clientState}x` }), change(alice, { clientState: undefined })),
  });
  assert.equal(wrong.status, 403, 'nothing in the body was ours');
  assert.deepEqual(wrong.rejected, { clientState: 2 });
  assert.deepEqual(wrong.synced, []);
  assert.equal(notifyJobs(queue).length, 0);
  assert.ok(
    log.events.some((e) => e.event === 'notify.rejected'),
    'counted in the log',
  );
  // Another subscription's secret does not open this one.
  const swapped = await stages.notify({ body: body(change(alice, { clientState: carol.clientState })) });
  assert.deepEqual(swapped.rejected, { clientState: 1 });
  assert.equal(notifyJobs(queue).length, 0);
});

test('Change notifications: every notification body is validated where it enters (shape, size, known subscription, resource, synced mailbox)', async () => {
  const { stages, queue, store, deps } = await subscribed();
  const alice = subOf(store.rows, ALICE.mailboxid);
  assert.equal((await stages.notify({ body: 'not json' })).status, 400);
  assert.equal((await stages.notify({ body: '{"value": 3}' })).status, 400);
  assert.equal((await stages.notify({ body: body(...Array.from({ length: 1001 }, () => change(alice))) })).status, 400);
  assert.equal((await stages.notify({ body: JSON.stringify({ value: [], pad: 'x'.repeat(1_000_001) }) })).status, 400);
  const r = await stages.notify({
    body: body(
      { subscriptionId: alice.id, changeType: 'exploded', resource: 'x', clientState: alice.clientState },
      change({ ...alice, id: 'not-ours' }),
      change(alice, { resource: 'Users/mallory@fabrikam.com/Messages/AAMk1' }),
      change(alice, { resource: `Users/${ALICE_OBJECT_ID}/Events/AAMk1` }),
    ),
  });
  assert.deepEqual(r.rejected, { malformed: 2, unknownSubscription: 1, resource: 1 });
  assert.equal(notifyJobs(queue).length, 0);
  // A mailbox we disabled is not synced by a notification either.
  const record = (await deps.mailboxes.get(ALICE.mailboxid))!;
  await deps.mailboxes.upsert({ ...record, health: { ...record.health, state: 'disabled' } });
  assert.deepEqual((await stages.notify({ body: body(change(alice)) })).rejected, { mailboxNotSynced: 1 });
  assert.equal(notifyJobs(queue).length, 0);
});

test('Change notifications: a notification becomes an immediate sync job for that mailbox, in its session, answered 202', async () => {
  const { stages, queue, store, clock, deps } = await subscribed();
  const alice = subOf(store.rows, ALICE.mailboxid);
  const r = await stages.notify({
    body: body(change(alice, { resource: `Users/alice@contoso.com/Messages/AAMk1` })),
  });
  assert.equal(r.status, 202);
  assert.deepEqual(r.synced, [ALICE.mailboxid]);
  const [job] = notifyJobs(queue) as { body: SyncJob; messageId: string; sessionId?: string }[];
  assert.deepEqual(
    [job.body.kind, job.body.mailboxId, job.body.workload, job.body.trigger],
    ['sync', ALICE.mailboxid, 'email', 'notify'],
  );
  assert.equal(job.sessionId, ALICE.mailboxid);
  assert.match(job.messageId, /^mbx-alice:notify:\d+$/);
  // Visible when its fold window ends (at most NOTIFY_FOLD_SECONDS away), so it reads every change notified in it.
  const at = (job as { scheduledEnqueueTimeUtc?: Date }).scheduledEnqueueTimeUtc!.getTime();
  const now = clock.now().getTime();
  assert.ok(at > now && at <= now + deps.settings.notifyFoldSeconds * 1000, 'within the fold window');
});

test('Change notifications: a notification storm (many at once for one mailbox) becomes one sync job', async () => {
  const { stages, queue, store, clock } = await subscribed();
  const alice = subOf(store.rows, ALICE.mailboxid);
  const storm = Array.from({ length: 200 }, () => change(alice));
  // One POST with many, and many POSTs at the same time, within one fold window.
  const answers = await Promise.all([
    stages.notify({ body: body(...storm) }),
    ...storm.slice(0, 50).map((n) => stages.notify({ body: body(n) })),
  ]);
  assert.ok(answers.every((a) => a.status === 202));
  assert.equal(notifyJobs(queue).length, 1, 'one sync job; the others were duplicates of its message id');
  // Later notifications (a new fold window) bring a new sync.
  clock.advance(10_000);
  await stages.notify({ body: body(change(alice)) });
  assert.equal(notifyJobs(queue).length, 2);
});

test('Lifecycle notifications: reauthorizationRequired renews the subscription at the next maintenance', async () => {
  const { stages, queue, store, graphSubs, clock } = await subscribed();
  const alice = subOf(store.rows, ALICE.mailboxid);
  clock.advance(10 * MINUTE);
  const r = await stages.notify({ body: body(lifecycle(alice, 'reauthorizationRequired')) });
  assert.equal(r.status, 202);
  assert.equal(store.rows.get(alice.id)!.renewNow, true);
  const m = await stages.subscriptions();
  assert.equal(m.renewed, 1);
  assert.deepEqual(graphSubs.renewed, [alice.id]);
  const after = store.rows.get(alice.id)!;
  assert.equal(after.renewNow, undefined);
  assert.ok(Date.parse(after.expiresAt) > Date.parse(alice.expiresAt), 'a later expiry');
  assert.equal(after.clientState, alice.clientState, 'the same secret');
  assert.equal(notifyJobs(queue).length, 0, 'nothing was missed, so no sync');
});

test('Lifecycle notifications: subscriptionRemoved creates the subscription again, and a delta round catches up meanwhile', async () => {
  const { stages, queue, store, graphSubs } = await subscribed();
  const alice = subOf(store.rows, ALICE.mailboxid);
  graphSubs.forget(alice.id);
  const r = await stages.notify({ body: body(lifecycle(alice, 'subscriptionRemoved')) });
  assert.deepEqual(r.synced, [ALICE.mailboxid], 'a delta round for the mailbox');
  assert.equal(notifyJobs(queue).length, 1);
  assert.equal(store.rows.has(alice.id), false);
  const m = await stages.subscriptions();
  assert.equal(m.created, 1);
  const again = subOf(store.rows, ALICE.mailboxid);
  assert.notEqual(again.id, alice.id);
  assert.notEqual(again.clientState, alice.clientState, 'a new secret');
  assert.ok(graphSubs.live.has(again.id));
});

test('Lifecycle notifications: missed starts a delta round for that mailbox', async () => {
  const { stages, queue, store } = await subscribed();
  const carol = subOf(store.rows, CAROL.mailboxid);
  const r = await stages.notify({ body: body(lifecycle(carol, 'missed')) });
  assert.equal(r.status, 202);
  assert.deepEqual(
    notifyJobs(queue).map((m) => (m.body as SyncJob).mailboxId),
    [CAROL.mailboxid],
  );
  assert.ok(store.rows.has(carol.id), 'the subscription stays');
  // Lifecycle notifications are authenticated like the others.
  const forged = await stages.notify({
    body: body({ ...lifecycle(carol, 'subscriptionRemoved'), clientState: 'guess' }),
  });
  assert.deepEqual(forged.rejected, { clientState: 1 });
  assert.ok(store.rows.has(carol.id));
});

test('Subscriptions: renewal before expiry, on the run clock (renew margin as a setting)', async () => {
  const { stages, store, graphSubs, clock, deps } = await subscribed([ALICE]);
  const lifetime = deps.settings.notifySubscriptionMinutes * MINUTE;
  const margin = deps.settings.notifyRenewMarginMinutes * MINUTE;
  const first = subOf(store.rows, ALICE.mailboxid);
  assert.equal(Date.parse(first.expiresAt) - clock.now().getTime(), lifetime, 'the lifetime asked for');
  clock.advance(lifetime - margin - MINUTE);
  assert.equal((await stages.subscriptions()).renewed, 0, 'not yet within the margin');
  clock.advance(2 * MINUTE);
  assert.equal((await stages.subscriptions()).renewed, 1, 'within the margin, still live');
  const renewed = subOf(store.rows, ALICE.mailboxid);
  assert.equal(renewed.id, first.id);
  assert.ok(Date.parse(renewed.expiresAt) > clock.now().getTime() + margin);
  assert.deepEqual(graphSubs.renewed, [first.id]);
  assert.equal(graphSubs.created.length, 1, 'renewed, never created again');
});

test('Subscriptions: created and removed as mailboxes come and go (Inbox, and Sent Items when it is synced)', async () => {
  const { stages, store, graphSubs, dataverse, deps } = await subscribed([ALICE]);
  assert.deepEqual(
    graphSubs.created.map((s) => [s.resource, s.changeType, s.notificationUrl === s.lifecycleNotificationUrl]),
    [["users/alice%40contoso.com/mailFolders('inbox')/messages", 'created,updated', true]],
  );
  assert.ok(graphSubs.created[0].clientState.length >= 40 && graphSubs.created[0].clientState.length <= 128);
  // Carol comes (registered by the schedule, then subscribed); Sent Items is synced from now on.
  dataverse.org.mailboxes.push(CAROL);
  deps.settings = { ...deps.settings, autoTrackSentItems: true };
  await stages.schedule();
  const came = await stages.subscriptions();
  assert.equal(came.created, 3, "Carol's Inbox and Sent Items, Alice's Sent Items");
  assert.deepEqual([...store.rows.values()].map((s) => `${s.mailboxId}/${s.folder}`).sort(), [
    'mbx-alice/inbox',
    'mbx-alice/sentitems',
    'mbx-carol/inbox',
    'mbx-carol/sentitems',
  ]);
  // Alice goes (no longer synced by server-side sync): her subscriptions are deleted in Graph and here.
  dataverse.org.mailboxes[0] = { ...ALICE, incomingDeliveryMethod: 0 };
  const went = await stages.subscriptions();
  assert.equal(went.removed, 2);
  assert.deepEqual(
    [...store.rows.values()].map((s) => s.mailboxId),
    ['mbx-carol', 'mbx-carol'],
  );
  assert.equal(graphSubs.live.size, 2);
  // Notifications off: every subscription goes.
  deps.settings = { ...deps.settings, notifyEnabled: false };
  assert.equal((await stages.subscriptions()).removed, 2);
  assert.equal(graphSubs.live.size, 0);
});

test('Polling as the safety net: a mailbox with no live subscription is polled at the sync interval, one with live subscriptions at the slow sweep', async () => {
  const { stages, queue, store, clock, deps } = await subscribed();
  // Carol's subscription expires unrenewed (the timer did not run): she is polled again.
  const carol = subOf(store.rows, CAROL.mailboxid);
  await deps.subscriptions!.put({ ...carol, expiresAt: new Date(clock.now().getTime() + 30 * MINUTE).toISOString() });
  const jobs = () => queue.accepted(QUEUES.syncJobs).filter((m) => (m.body as SyncJob).trigger === 'schedule');
  const polled = async (minutes: number) => {
    clock.advance(minutes * MINUTE);
    const before = jobs().length;
    await stages.schedule();
    return jobs()
      .slice(before)
      .map((m) => (m.body as SyncJob).mailboxId);
  };
  // The mailboxes never synced yet in this test are due once; then Alice waits for the sweep.
  for (const m of [ALICE, CAROL]) {
    const r = (await deps.mailboxes.get(m.mailboxid))!;
    await deps.mailboxes.upsert({ ...r, health: { ...r.health, lastSyncCompletedAt: clock.now().toISOString() } });
  }
  assert.deepEqual(await polled(5), [], 'both covered by subscriptions: neither is polled at the sync interval');
  assert.deepEqual(await polled(26), [CAROL.mailboxid], 'subscription gone: Carol at the sync interval');
  assert.deepEqual(await polled(5), [CAROL.mailboxid]);
  assert.deepEqual(await polled(25), [ALICE.mailboxid, CAROL.mailboxid], 'Alice at the 60-minute sweep');
  assert.equal(deps.settings.notifySweepMinutes, 60);
});
