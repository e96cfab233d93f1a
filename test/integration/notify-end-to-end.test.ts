// Issue "Seconds, not minutes", change notifications end to end on one machine: the real subscription adapter
// against the Graph simulator, whose validation handshake and deliveries reach the local notify endpoint
// (local/notify-server.ts) over HTTP, over Table Storage in Azurite; polling slowed by the live subscription.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { QUEUES } from '../../shared/ports';
import { normalizeMessageId } from '../../shared/domain/message-id';
import type { SyncJob } from '../../shared/domain/jobs';
import { createStages, type Stages } from '../../shared/pipeline/stages';
import { acceptanceFixtureF, withInboxMessage, ALICE, ALICE_MAILBOX_ID, BOB } from '../../local/tenant/acceptance';
import { startNotifyServer, type NotifyServer } from '../../local/notify-server';
import { inbound, startPipeline } from '../support/pipeline';

let p: Awaited<ReturnType<typeof startPipeline>>;
let server: NotifyServer;
let stages: Stages | undefined;
// Every answer here is expected: timeouts long enough that a loaded machine cannot reach them.
const PATIENT = { timeoutMs: 600_000, validationTimeoutMs: 600_000 };

const mail = (n: number) => ({
  internetMessageId: `<notify-${n}@fabrikam.com>`,
  subject: `Order ${n}`,
  receivedDateTime: `2025-01-09T0${n}:00:00Z`,
  from: { emailAddress: { address: BOB } },
  toRecipients: [{ emailAddress: { address: ALICE } }],
});

before(async () => {
  server = await startNotifyServer({ notify: () => stages?.notify });
  const tenant = withInboxMessage(acceptanceFixtureF(), ALICE, mail(1));
  tenant.dataverse.usersettingscollection![0]!.incomingemailfilteringmethod = 0;
  p = await startPipeline(tenant, { NOTIFY_URL: server.url }, { graphNotifications: PATIENT });
  stages = createStages(p.deps);
});
after(async () => {
  await p?.stop();
  await server?.close();
});

/** The sync jobs sent since the last call (and the writes they send), carried out in order. */
async function runSent(): Promise<SyncJob[]> {
  const jobs = p.sent.filter((s) => s.queue === QUEUES.syncJobs).map((s) => s.message);
  p.sent.length = 0;
  for (const job of jobs) await stages!.sync(inbound(job));
  for (const w of p.sent.filter((s) => s.queue === QUEUES.activityWrites)) await stages!.write(inbound(w.message));
  p.sent.length = 0;
  return jobs.map((j) => j.body as SyncJob);
}

test('Change notifications end to end: a message delivered in the Graph simulator is synced through the notification path, with polling slowed; an idle folder costs one Graph request per round', async () => {
  await stages!.schedule();
  await runSent();
  const made = await stages!.subscriptions();
  assert.equal(made.failed.length, 0, 'the handshake through the local endpoint passed');
  const subs = p.graph.subscriptions();
  assert.ok(made.created >= 1 && subs.length === made.created);
  assert.ok(subs.every((s) => s.notificationUrl === server.url && s.lifecycleNotificationUrl === server.url));
  assert.ok(subs.some((s) => s.resource === `users/${encodeURIComponent(ALICE)}/mailFolders('inbox')/messages`));

  // Past the sync interval: without the subscription Alice would be polled now.
  p.clock.advance(10 * 60_000);
  p.graph.deliver(ALICE, 'inbox', mail(2));
  await p.graph.flushNotifications();
  const notified = p.sent.filter((s) => s.queue === QUEUES.syncJobs).map((s) => s.message);
  assert.ok(notified.length >= 1, 'the notification sent a sync job');
  assert.deepEqual(new Set(notified.map((m) => m.messageId)).size, 1, 'one job id for the mailbox and window');
  assert.ok(notified.every((m) => (m.body as SyncJob).trigger === 'notify' && m.sessionId === ALICE_MAILBOX_ID));
  assert.equal(p.graph.stats().notifications.delivered >= 1, true);

  const polled = await stages!.schedule();
  assert.ok(!polled.enqueued.includes(ALICE_MAILBOX_ID), 'Alice is covered by her subscription: not polled');
  const jobs = await runSent();
  assert.ok(jobs.every((j) => j.trigger === 'notify'));
  const decided = await p.deps.ledger.byMessage(normalizeMessageId('<notify-2@fabrikam.com>'));
  assert.deepEqual(
    decided.map((d) => [d.mailboxId, d.outcome]),
    [[ALICE_MAILBOX_ID, 'promoted']],
  );

  // A `missed` lifecycle notification from Graph brings a delta round for the mailbox. (Our own category on the
  // tracked item was a change too: its notification is let through first.)
  await p.graph.flushNotifications();
  p.sent.length = 0;
  const inbox = subs.find((s) => String(s.resource).includes("('inbox')") && String(s.resource).includes('alice'))!;
  p.clock.advance(60_000);
  assert.equal(p.graph.lifecycleNotification(String(inbox.id), 'missed'), 1);
  await p.graph.flushNotifications();
  const again = p.sent.filter((s) => s.queue === QUEUES.syncJobs).map((s) => s.message.body as SyncJob);
  assert.deepEqual(
    again.map((j) => [j.mailboxId, j.trigger]),
    [[ALICE_MAILBOX_ID, 'notify']],
  );

  // An idle folder costs one Graph request per round: a delta call that returns nothing.
  await runSent();
  await p.graph.flushNotifications();
  p.sent.length = 0;
  const before = { ...p.graph.stats().byRoute };
  p.clock.advance(60_000);
  await stages!.schedule({ force: true });
  const polledJobs = (await runSent()).filter((j) => j.mailboxId === ALICE_MAILBOX_ID);
  assert.equal(polledJobs.length, 1);
  const after = p.graph.stats().byRoute;
  const spent = Object.fromEntries(
    Object.entries(after)
      .map(([route, n]) => [route, n - (before[route] ?? 0)])
      .filter(([, n]) => Number(n) > 0),
  );
  // Every mailbox was forced; each synced folder has one subscription.
  assert.deepEqual(spent, { 'GET messages/delta': subs.length }, 'one delta call per synced folder, nothing else');
});
