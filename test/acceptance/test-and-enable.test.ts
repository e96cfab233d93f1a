// Test & Enable over the simulators (docs/sss-parity.md#test--enable): a requested test checks the mailbox
// through Graph, writes the status columns on the Dataverse row, clears the request and alerts; each failure
// names its reason, read from the answer Graph gives for the fixture's mailbox.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptanceFixtureF, ALICE, F_NOW, ALICE_MAILBOX_ID, SALES_MAILBOX_ID } from '../../local/tenant/acceptance';
import type { MailboxAccess, TenantFixture } from '../../local/tenant/fixture';
import { runSchedule } from '../../shared/pipeline/schedule';
import { startPipeline } from '../support/pipeline';

/** Alice's mailbox asks for Test & Enable and has never been tested. */
function requestedForAlice(change: (f: TenantFixture) => void = () => {}): TenantFixture {
  const f = structuredClone(acceptanceFixtureF());
  const row = f.dataverse.mailboxes!.find((m) => m.mailboxid === ALICE_MAILBOX_ID)!;
  row.testemailconfigurationscheduled = true;
  row.incomingemailstatus = 0;
  change(f);
  return f;
}

async function testAlice(f: TenantFixture) {
  const p = await startPipeline(f);
  try {
    const schedule = await runSchedule(p.deps);
    const row = p.dataverse.dump().mailboxes!.find((m) => m.mailboxid === ALICE_MAILBOX_ID)!;
    const alerts = await p.deps.alerts.forMailbox(ALICE_MAILBOX_ID);
    return { schedule, row, alerts, exchange: p.graph.exchangeState() };
  } finally {
    await p.stop();
  }
}

async function assertFails(f: TenantFixture, reason: RegExp, code: RegExp) {
  const r = await testAlice(f);
  assert.equal(r.row.incomingemailstatus, 2, 'incoming Failure');
  assert.equal(r.row.mailboxstatus, 2);
  assert.equal(r.row.testemailconfigurationscheduled, false, 'the request is cleared');
  assert.equal(typeof r.row.testmailboxaccesscompletedon, 'string');
  assert.deepEqual(
    r.alerts.map((a) => [a.level, a.code]),
    [['Error', 'TestEnableFailed']],
  );
  assert.match(r.alerts[0]!.message, reason);
  assert.match(r.alerts[0]!.message, code);
  assert.doesNotMatch(r.alerts[0]!.message, /@/);
  assert.ok(!r.schedule.enqueued.includes(ALICE_MAILBOX_ID), 'a failed test does not sync');
  assert.ok(r.schedule.enqueued.includes(SALES_MAILBOX_ID), 'the other mailbox syncs');
}

const refused = (access: MailboxAccess) => requestedForAlice((f) => void (f.exchange[ALICE]!.access = access));

test('Test & Enable: success writes Success for incoming, outgoing and ACT, clears the request, alerts, sends the test mail, and the mailbox syncs', async () => {
  const r = await testAlice(requestedForAlice());
  assert.equal(r.row.incomingemailstatus, 1);
  assert.equal(r.row.outgoingemailstatus, 1);
  assert.equal(r.row.actstatus, 1);
  assert.equal(r.row.mailboxstatus, 1);
  assert.equal(r.row.testemailconfigurationscheduled, false);
  // The simulator clock starts at the fixture's now and runs on.
  assert.ok(Date.parse(String(r.row.testmailboxaccesscompletedon)) >= Date.parse(F_NOW), 'completed on, by the clock');
  assert.deepEqual(
    r.alerts.map((a) => [a.level, a.code]),
    [['Information', 'TestEnableSucceeded']],
  );
  const inbox = r.exchange[ALICE]!.mailFolders.find((x) => x.wellKnownName === 'inbox')!;
  assert.ok(
    inbox.messages!.some((m) => m.subject === 'Your mailbox is now connected to Dynamics 365'),
    'the test mail reached the mailbox itself',
  );
  assert.ok(r.schedule.enqueued.includes(ALICE_MAILBOX_ID));
});

test('Test & Enable: unknown address (Graph 404 ErrorInvalidUser) fails the test', async () => {
  await assertFails(
    requestedForAlice((f) => void delete f.exchange[ALICE]),
    /unknown address/,
    /graph 404 ErrorInvalidUser/,
  );
});

test('Test & Enable: no permission (Graph 403 ErrorAccessDenied) fails the test', async () => {
  await assertFails(refused('accessDenied'), /no permission/, /graph 403 ErrorAccessDenied/);
});

test('Test & Enable: no permission: a mailbox outside the application access policy fails the test', async () => {
  await assertFails(refused('outsideAccessPolicy'), /application access policy/, /graph 403 ErrorAccessDenied/);
});

test('Test & Enable: no Exchange licence (MailboxNotEnabledForRESTAPI) fails the test', async () => {
  await assertFails(refused('noLicence'), /no Exchange licence/, /graph 404 MailboxNotEnabledForRESTAPI/);
});

test('Test & Enable: mailbox disabled: a disabled account (ErrorAccountDisabled) fails the test', async () => {
  await assertFails(refused('accountDisabled'), /mailbox disabled/, /graph 403 ErrorAccountDisabled/);
});

test('Test & Enable: mailbox disabled: an inactive mailbox row fails the test without asking Graph', async () => {
  const f = requestedForAlice(
    (x) => void (x.dataverse.mailboxes!.find((m) => m.mailboxid === ALICE_MAILBOX_ID)!.statecode = 1),
  );
  const r = await testAlice(f);
  assert.equal(r.row.incomingemailstatus, 2);
  assert.match(r.alerts[0]!.message, /mailbox disabled/);
  assert.match(r.alerts[0]!.message, /dataverse mailbox inactive/);
});

test('Test & Enable: a mailbox with a failed or not-run incoming test is not synced', async () => {
  for (const status of [0, 2]) {
    const f = structuredClone(acceptanceFixtureF());
    f.dataverse.mailboxes!.find((m) => m.mailboxid === ALICE_MAILBOX_ID)!.incomingemailstatus = status;
    const r = await testAlice(f);
    assert.deepEqual(
      r.schedule.ineligible.filter((i) => i.mailboxId === ALICE_MAILBOX_ID),
      [{ mailboxId: ALICE_MAILBOX_ID, reason: 'IncomingNotTested' }],
      `incomingemailstatus ${status}`,
    );
    assert.ok(!r.schedule.enqueued.includes(ALICE_MAILBOX_ID));
    assert.deepEqual(r.alerts, [], 'no test runs without a request');
  }
});

test('Test & Enable retry bookkeeping: a throttled or transient test is counted and postponed, not run again before that time, and reset on success', async () => {
  let answer: number | undefined = 429;
  const calls: string[] = [];
  const intercept = (req: { mailbox?: string; path: string }) => {
    if (req.mailbox?.toLowerCase() !== ALICE.toLowerCase()) return undefined;
    calls.push(req.path);
    return answer ? { status: answer, body: { error: { code: 'injected', message: 'by the test' } } } : undefined;
  };
  const p = await startPipeline(requestedForAlice(), {}, { graphIntercept: intercept });
  const row = () => p.dataverse.dump().mailboxes!.find((m) => m.mailboxid === ALICE_MAILBOX_ID)!;
  const bookkeeping = () => [row().testemailconfigurationretrycount, row().postponetestemailconfigurationuntil];
  const after = (minutes: number) => new Date(p.clock.now().getTime() + minutes * 60_000);
  try {
    let until = after(5);
    await runSchedule(p.deps);
    const [count, postponed] = bookkeeping();
    assert.equal(count, 1, 'throttled (429): the try is counted');
    assert.ok(Date.parse(String(postponed)) >= until.getTime() - 1000, 'the next try 5 minutes on');
    assert.equal(row().testemailconfigurationscheduled, true, 'the request stays');
    assert.equal(row().incomingemailstatus, 0, 'no result written');

    calls.length = 0;
    const schedule = await runSchedule(p.deps);
    assert.deepEqual(calls, [], 'not run again before the postponement is over');
    assert.deepEqual(bookkeeping(), [count, postponed]);
    assert.ok(!schedule.enqueued.includes(ALICE_MAILBOX_ID), 'still untested: no sync');

    answer = 503;
    p.clock.advance(5 * 60_000 + 1000);
    until = after(5);
    await runSchedule(p.deps);
    assert.equal(bookkeeping()[0], 2, 'transient (503): counted again');
    assert.ok(Date.parse(String(bookkeeping()[1])) >= until.getTime() - 1000);

    answer = undefined;
    p.clock.advance(5 * 60_000 + 1000);
    await runSchedule(p.deps);
    assert.equal(row().incomingemailstatus, 1, 'the test ran and succeeded');
    assert.equal(row().testemailconfigurationscheduled, false);
    assert.deepEqual(bookkeeping(), [0, null], 'reset on success');
  } finally {
    await p.stop();
  }
});
