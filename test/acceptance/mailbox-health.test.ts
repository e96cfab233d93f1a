// Scenarios A3 and A4: mailbox health as SSS keeps it (docs/sss-parity.md#mailboxes-and-their-health).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  acceptanceFixtureF,
  withInboxMessage,
  ALICE,
  ALICE_MAILBOX_ID,
  BOB,
  SALES,
  SALES_MAILBOX_ID,
} from '../../local/tenant/acceptance';
import { QUEUES } from '../../shared/ports';
import { runSchedule } from '../../shared/pipeline/schedule';
import { handleSyncMessage } from '../../shared/pipeline/sync';
import { inbound, startPipeline } from '../support/pipeline';
import { cleanup, decisionFor, runTenant } from '../support/cli';

const FIVE_MINUTES = 5 * 60_000;

/** Graph answers every request for Alice's mailbox with `status`; Sales is fine. */
const failingAlice = (status: number, code: string) => (req: { mailbox?: string }) =>
  req.mailbox === ALICE ? { status, body: { error: { code, message: 'injected by the test' } } } : undefined;

async function oneCycle(p: Awaited<ReturnType<typeof startPipeline>>) {
  const before = p.sent.length;
  await runSchedule(p.deps);
  for (const s of p.sent.slice(before))
    if (s.queue === QUEUES.syncJobs) await handleSyncMessage(inbound(s.message), p.deps);
}

test('A3 transient: 10 consecutive 503 cycles 5 minutes apart disable incoming after the 10th, with alerts; the other mailbox keeps syncing', async () => {
  const p = await startPipeline(
    withInboxMessage(acceptanceFixtureF(), SALES, {
      internetMessageId: '<a3@x.io>',
      subject: 'hi',
      from: { emailAddress: { address: BOB } },
      toRecipients: [{ emailAddress: { address: SALES } }],
    }),
    {},
    { graphIntercept: failingAlice(503, 'ServiceUnavailable') },
  );
  try {
    for (let cycle = 1; cycle <= 10; cycle++) {
      await oneCycle(p);
      const alice = (await p.deps.mailboxes.get(ALICE_MAILBOX_ID))!;
      if (cycle < 10) {
        assert.equal(alice.health.state, 'failing', `cycle ${cycle}`);
        assert.equal(alice.health.consecutiveFailures, cycle);
        // Not due again before 5 minutes have passed.
        const jobsBefore = p.sent.length;
        await runSchedule(p.deps);
        assert.equal(
          p.sent.slice(jobsBefore).filter((s) => s.message.sessionId === ALICE_MAILBOX_ID).length,
          0,
          'no retry before 5 minutes',
        );
        p.clock.advance(FIVE_MINUTES);
      } else {
        assert.equal(alice.health.state, 'disabled');
      }
    }
    const dvMailbox = p.dataverse.dump().mailboxes!.find((m) => m.mailboxid === ALICE_MAILBOX_ID)!;
    assert.equal(dvMailbox.enabledforincomingemail, false, 'SSS clears the flag in Dataverse');
    const alerts = await p.deps.alerts.forMailbox(ALICE_MAILBOX_ID);
    assert.equal(alerts.filter((a) => a.code === 'TransientFailure' && a.level === 'Warning').length, 9);
    assert.equal(alerts.filter((a) => a.code === 'MailboxDisabled' && a.level === 'Error').length, 1);
    assert.equal((await p.deps.mailboxes.get(SALES_MAILBOX_ID))!.health.state, 'healthy');
    // Disabled: no more jobs until an administrator enables it again.
    p.clock.advance(FIVE_MINUTES);
    const jobsBefore = p.sent.length;
    await runSchedule(p.deps);
    assert.equal(p.sent.slice(jobsBefore).filter((s) => s.message.sessionId === ALICE_MAILBOX_ID).length, 0);
  } finally {
    await p.stop();
  }
});

test('A3 permanent: a 401 disables incoming at once', async () => {
  const p = await startPipeline(
    acceptanceFixtureF(),
    {},
    { graphIntercept: failingAlice(401, 'InvalidAuthenticationToken') },
  );
  try {
    await oneCycle(p);
    const alice = (await p.deps.mailboxes.get(ALICE_MAILBOX_ID))!;
    assert.equal(alice.health.state, 'disabled');
    const alerts = await p.deps.alerts.forMailbox(ALICE_MAILBOX_ID);
    assert.deepEqual(
      alerts.map((a) => a.code),
      ['MailboxDisabled'],
    );
    assert.match(alerts[0]!.message, /permanent error \(graph 401/);
  } finally {
    await p.stop();
  }
});

test('enhanced outage backoff: when every mailbox fails at once nobody is disabled, even after 10 failures', async () => {
  const down = () => ({ status: 503, body: { error: { code: 'ServiceUnavailable', message: 'injected' } } });
  const p = await startPipeline(acceptanceFixtureF(), { ENHANCED_OUTAGE_BACKOFF: 'true' }, { graphIntercept: down });
  try {
    for (let cycle = 1; cycle <= 12; cycle++) {
      await oneCycle(p);
      p.clock.advance(60 * 60_000);
    }
    for (const id of [ALICE_MAILBOX_ID, SALES_MAILBOX_ID])
      assert.notEqual((await p.deps.mailboxes.get(id))!.health.state, 'disabled');
    assert.ok((await p.deps.alerts.forMailbox(ALICE_MAILBOX_ID)).some((a) => a.code === 'PlatformOutage'));
  } finally {
    await p.stop();
  }
});

test('A4 unapproved mailbox: nothing is processed and the alert "email address not approved" is raised once', () => {
  let f = withInboxMessage(acceptanceFixtureF(), ALICE, {
    internetMessageId: '<a4@fabrikam.com>',
    subject: 'RE: Quote Q-100',
    from: { emailAddress: { address: BOB } },
    internetMessageHeaders: [{ name: 'In-Reply-To', value: '<e1@contoso.onmicrosoft.com>' }],
  });
  f = structuredClone(f);
  f.dataverse.mailboxes!.find((m) => m.mailboxid === ALICE_MAILBOX_ID)!.emailrouteraccessapproval = 2;
  const run = runTenant(f);
  try {
    assert.equal(decisionFor(run.dump, ALICE, '<a4@fabrikam.com>'), undefined);
    assert.equal(run.dump.decisions.filter((d) => d.mailbox === ALICE).length, 0);
    const alerts = (
      run.dump as unknown as { alerts: { mailboxId: string; code: string; message: string }[] }
    ).alerts.filter((a) => a.mailboxId === ALICE_MAILBOX_ID);
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.code, 'NotApproved');
    assert.match(alerts[0]!.message, /email address not approved/);
  } finally {
    cleanup(run);
  }
});
