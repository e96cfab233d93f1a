// Stored links stay on Graph, at the sync stage: a checkpoint whose cursor is not a Graph link of the
// configured endpoint (corrupted, or planted by someone with table access) is never followed. The folder
// starts a fresh round, as after expired sync state, with a warning; the mailbox is not disabled and
// nothing already decided is decided again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { QUEUES, type LogProps } from '../../shared/ports';
import { runSchedule } from '../../shared/pipeline/schedule';
import { handleSyncMessage } from '../../shared/pipeline/sync';
import { handleWriteMessage } from '../../shared/pipeline/write';
import { acceptanceFixtureF, withInboxMessage, ALICE, ALICE_MAILBOX_ID, BOB } from '../../local/tenant/acceptance';
import { inbound, startPipeline } from '../support/pipeline';

let p: Awaited<ReturnType<typeof startPipeline>>;
let evil: Server;
let evilPort = 0;
let evilConnections = 0;
const events: { level: string; event: string; props?: LogProps }[] = [];

const mail = (n: number) => ({
  internetMessageId: `<cursor-${n}@fabrikam.com>`,
  subject: `Order ${n}`,
  receivedDateTime: `2025-01-09T0${n}:00:00Z`,
  from: { emailAddress: { address: BOB } },
  toRecipients: [{ emailAddress: { address: ALICE } }],
});

before(async () => {
  evil = createServer((s) => {
    evilConnections++;
    s.destroy();
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
  evilPort = (evil.address() as AddressInfo).port;
  const tenant = withInboxMessage(withInboxMessage(acceptanceFixtureF(), ALICE, mail(1)), ALICE, mail(2));
  tenant.dataverse.usersettingscollection![0]!.incomingemailfilteringmethod = 0;
  p = await startPipeline(tenant);
  const record = (level: string) => (event: string, props?: LogProps) =>
    void events.push({ level, event, ...(props ? { props } : {}) });
  p.deps = { ...p.deps, log: { info: record('info'), warn: record('warn'), error: record('error') } };
});
after(async () => {
  await p?.stop();
  await new Promise<void>((r) => evil.close(() => r()));
});

/** One schedule tick for Alice, her sync job and the writes it sends. */
async function cycle(): Promise<void> {
  p.sent.length = 0;
  p.clock.advance(3600_000);
  await runSchedule(p.deps, { force: true });
  for (const job of p.sent.filter((s) => s.queue === QUEUES.syncJobs && s.message.sessionId === ALICE_MAILBOX_ID))
    await handleSyncMessage(inbound(job.message), p.deps);
  for (const w of p.sent.filter((s) => s.queue === QUEUES.activityWrites))
    await handleWriteMessage(inbound(w.message), p.deps);
}

test('Stored links stay on Graph: a stored cursor that is not a Graph link restarts the folder round with a warning; the mailbox stays enabled', async () => {
  await cycle();
  const first = await p.deps.checkpoints.get(ALICE_MAILBOX_ID, 'inbox');
  assert.equal(first?.cursorKind, 'delta');
  const decidedBefore = (await p.deps.ledger.forMailbox(ALICE_MAILBOX_ID)).filter((d) => d.folder === 'inbox');
  assert.equal(decidedBefore.length, 2);

  // The cursor the old prefix check let through: the Graph client would have sent the token to this host.
  const planted = `${p.graph.baseUrl}/https://127.0.0.1:${evilPort}/v1.0/users/x/messages/delta?$deltatoken=1`;
  await p.deps.checkpoints.save({ ...first!, cursor: planted });
  p.graph.deliver(ALICE, 'inbox', mail(3));
  events.length = 0;
  await cycle();

  assert.equal(evilConnections, 0);
  const warning = events.find((e) => e.event === 'sync.cursor-rejected');
  assert.equal(warning?.level, 'warn');
  assert.equal(warning?.props?.folder, 'inbox');
  assert.match(String(warning?.props?.error), /rejected: a URL inside the link/);
  assert.doesNotMatch(String(warning?.props?.error), new RegExp(String(evilPort)));
  assert.equal(events.filter((e) => e.event === 'mailbox.alert').length, 0);
  assert.equal((await p.deps.mailboxes.get(ALICE_MAILBOX_ID))?.health.state, 'healthy');
  assert.equal(
    p.dataverse.dump().mailboxes!.find((m) => m.mailboxid === ALICE_MAILBOX_ID)?.enabledforincomingemail,
    true,
  );

  // A fresh round: a new delta link from Graph, the new mail decided, the earlier two not decided again.
  const after = await p.deps.checkpoints.get(ALICE_MAILBOX_ID, 'inbox');
  assert.equal(after?.cursorKind, 'delta');
  assert.ok(after!.cursor!.startsWith(`${p.graph.baseUrl}/`) && !after!.cursor!.includes('https://'));
  assert.ok(!after!.reconciling, 'the fresh round is complete');
  const decided = (await p.deps.ledger.forMailbox(ALICE_MAILBOX_ID)).filter((d) => d.folder === 'inbox');
  assert.deepEqual(decided.map((d) => d.internetMessageId).sort(), [
    '<cursor-1@fabrikam.com>',
    '<cursor-2@fabrikam.com>',
    '<cursor-3@fabrikam.com>',
  ]);
  for (const d of decidedBefore) assert.equal(decided.find((x) => x.graphId === d.graphId)?.decidedAt, d.decidedAt);
  assert.equal((p.dataverse.dump().emails ?? []).filter((e) => String(e.messageid).startsWith('<cursor-')).length, 3);
});
