// The rules of outgoing email, one test each (docs/sss-parity.md#outgoing-email): which rows are sent, how,
// and why one stays in Pending Send, answered by `exsync explain --item <activityid>`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  ALICE,
  ALICE_ID,
  ALICE_MAILBOX_ID,
  BOB,
  BOB_CONTACT_ID,
  SALES,
  SALES_QUEUE_ID,
} from '../../local/tenant/acceptance';
import type { Json, TenantFixture } from '../../local/tenant/fixture';
import { P1_ID, withPendingSend } from '../support/pending-send';
import { createStages } from '../../shared/pipeline/stages';
import { inbound, startPipeline } from '../support/pipeline';
import { cleanup, exsync, runTenant } from '../support/cli';
import { explainItem } from '../../shared/pipeline/explain';

type Folder = { wellKnownName?: string; messages?: Json[] };
const folder = (exchange: Record<string, unknown>, mailbox: string, name: string): Json[] =>
  ((exchange[mailbox] as { mailFolders: Folder[] }).mailFolders.find((f) => f.wellKnownName === name)?.messages ??
    []) as Json[];

/** An email row from `from` (a user or the Sales queue) to Bob, with the given id, subject and columns. */
function email(id: string, subject: string, over: Json = {}, from: 'alice' | 'sales' = 'alice'): Json {
  const sender =
    from === 'alice'
      ? { _partyid_value: ALICE_ID, 'partyid@odata.type': 'systemuser', addressused: ALICE }
      : { _partyid_value: SALES_QUEUE_ID, 'partyid@odata.type': 'queue', addressused: SALES };
  return {
    activityid: id,
    subject,
    description: 'text',
    directioncode: true,
    statecode: 1,
    statuscode: 6,
    createdon: '2025-01-10T09:56:00Z',
    _ownerid_value: ALICE_ID,
    email_activity_parties: [
      { participationtypemask: 1, ...sender },
      { participationtypemask: 2, _partyid_value: BOB_CONTACT_ID, 'partyid@odata.type': 'contact', addressused: BOB },
    ],
    ...over,
  };
}
const id = (n: number) => `5e4d0000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Fixture F with these emails waiting, and P1 (Alice -> Bob, "Proposal", Pending Send). */
function tenant(emails: Json[] = [], change?: (f: TenantFixture) => void): TenantFixture {
  const f = withPendingSend();
  f.dataverse.emails = [...(f.dataverse.emails ?? []), ...emails];
  change?.(f);
  return f;
}
const mailboxOf = (f: TenantFixture, mailboxid: string) =>
  f.dataverse.mailboxes!.find((m) => m.mailboxid === mailboxid)!;
const org = (f: TenantFixture) => f.dataverse.organizations![0];

/** The real stages over the simulators: `cycle()` runs the schedule and the send jobs it enqueued. */
type Intercept = NonNullable<NonNullable<Parameters<typeof startPipeline>[2]>['graphIntercept']>;

async function pipeline(f: TenantFixture, env: Record<string, string> = {}, graphIntercept?: Intercept) {
  const p = await startPipeline(f, env, graphIntercept ? { graphIntercept } : {});
  const stages = createStages(p.deps);
  const cycle = async () => {
    const before = p.sent.length;
    await stages.schedule({ force: true });
    for (const s of p.sent.slice(before))
      if ((s.message.body as Json).kind === 'send') await stages.sync(inbound(s.message));
  };
  const row = async (activityid: string) =>
    (await fetch(`${p.dataverse.baseUrl}/emails(${activityid})`, {
      headers: { Authorization: 'Bearer test-token' },
    }).then((r) => r.json())) as Json;
  const decision = (activityid: string, mailboxId = ALICE_MAILBOX_ID) =>
    p.deps.ledger.get(mailboxId, 'email', activityid);
  return { p, cycle, row, decision };
}

/** `exsync explain --item` on a run: the send decisions for the activity, as [outcome, reason, detail]. */
function explain(run: { dir: string }, activityid: string): string[][] {
  const r = exsync(['explain', '--item', activityid, '--data', join(run.dir, 'data'), '--json'], { dir: run.dir });
  assert.equal(r.code, 0, r.stderr);
  const answer = JSON.parse(r.stdout) as { mailboxes: { outcome: string; reason: string; detail?: string }[] };
  return answer.mailboxes.map((m) => [m.outcome, m.reason, m.detail ?? '']);
}

test('Outgoing rule — status model: only Pending Send (6) is picked; Draft (1), Failed (8) and Canceled (5) are never sent', async () => {
  const others = [
    email(id(201), 'Draft', { statecode: 0, statuscode: 1 }),
    email(id(202), 'Failed', { statecode: 0, statuscode: 8 }),
    email(id(203), 'Canceled', { statecode: 2, statuscode: 5 }),
  ];
  const { p, cycle, row } = await pipeline(tenant(others));
  try {
    await cycle();
    assert.equal((await row(P1_ID)).statuscode, 3, 'Pending Send is sent');
    for (const [n, status] of [
      [201, 1],
      [202, 8],
      [203, 5],
    ])
      assert.equal((await row(id(n))).statuscode, status, `row ${n} untouched`);
    const sent = folder(p.graph.exchangeState(), ALICE, 'sentitems');
    assert.deepEqual(
      sent.map((m) => m.subject),
      ['Proposal CRM:0001002'],
    );
  } finally {
    await p.stop();
  }
});

test('Outgoing rule — status model: an email left in Sending (7) by an interrupted run is recovered and sent once', async () => {
  const { p, cycle, row } = await pipeline(tenant([email(id(204), 'Interrupted', { statecode: 1, statuscode: 7 })]));
  try {
    await cycle();
    await cycle();
    assert.equal((await row(id(204))).statuscode, 3);
    const copies = folder(p.graph.exchangeState(), ALICE, 'sentitems').filter((m) =>
      String(m.subject).startsWith('Interrupted'),
    );
    assert.equal(copies.length, 1, 'one copy in Sent Items');
  } finally {
    await p.stop();
  }
});

test("Outgoing rule — send flow: the From user's mailbox sends its email, and a queue's email goes from the queue's mailbox", async () => {
  const { p, cycle, row } = await pipeline(tenant([email(id(205), 'From the queue', {}, 'sales')]));
  try {
    await cycle();
    assert.equal((await row(P1_ID)).statuscode, 3);
    assert.equal((await row(id(205))).statuscode, 3);
    const state = p.graph.exchangeState();
    assert.deepEqual(
      folder(state, ALICE, 'sentitems').map((m) => String(m.subject).split(' CRM:')[0]),
      ['Proposal'],
    );
    assert.deepEqual(
      folder(state, SALES, 'sentitems').map((m) => String(m.subject).split(' CRM:')[0]),
      ['From the queue'],
    );
  } finally {
    await p.stop();
  }
});

test('Outgoing rule — send flow: deliveryattempts counts each attempt to send', async () => {
  let quota = true;
  const intercept: Intercept = (req) =>
    quota && req.method === 'POST' && req.mailbox === ALICE
      ? { status: 403, body: { error: { code: 'ErrorQuotaExceeded', message: 'injected by the test' } } }
      : undefined;
  const { p, cycle, row } = await pipeline(tenant(), {}, intercept);
  try {
    await cycle();
    assert.deepEqual([(await row(P1_ID)).statuscode, (await row(P1_ID)).deliveryattempts], [6, 1], 'one attempt');
    quota = false;
    await cycle();
    assert.deepEqual([(await row(P1_ID)).statuscode, (await row(P1_ID)).deliveryattempts], [3, 2], 'two attempts');
  } finally {
    await p.stop();
  }
});

test('Outgoing rule — send flow: an email whose delayedemailsendtime is ahead is not sent before its time', async () => {
  const later = email(id(206), 'Later', { delayedemailsendtime: '2025-01-10T12:00:00Z' });
  const { p, cycle, row, decision } = await pipeline(tenant([later]));
  try {
    await cycle();
    assert.equal((await row(P1_ID)).statuscode, 3, 'the email without a send time goes');
    assert.equal((await row(id(206))).statuscode, 6, 'not before its time');
    const d = await decision(id(206));
    assert.deepEqual([d?.outcome, d?.reason], ['pending', 'SendLater']);
    assert.match(String(d?.detail), /2025-01-10T12:00:00/);
    p.clock.advance(2 * 60 * 60_000 + 1000);
    await cycle();
    assert.equal((await row(id(206))).statuscode, 3, 'sent once its time came');
  } finally {
    await p.stop();
  }
});

test("Outgoing rule — send flow: deliveryprioritycode becomes the message's importance in Exchange (0 Low, 1 Normal, 2 High)", async () => {
  const rows = [
    email(id(207), 'Low', { deliveryprioritycode: 0 }),
    email(id(208), 'High', { deliveryprioritycode: 2 }),
  ];
  const { p, cycle } = await pipeline(tenant(rows));
  try {
    await cycle();
    const importance = Object.fromEntries(
      folder(p.graph.exchangeState(), ALICE, 'sentitems').map((m) => [String(m.subject).split(' ')[0], m.importance]),
    );
    assert.deepEqual(importance, { Proposal: 'normal', Low: 'low', High: 'high' });
  } finally {
    await p.stop();
  }
});

test('Outgoing rule — token and Message-ID: a subject too long for the token is cut so subject and token fit in 255 characters; the row keeps the Message-ID Exchange used', async () => {
  const long = 'x'.repeat(300);
  const { p, cycle, row } = await pipeline(tenant([email(id(209), long)]));
  try {
    await cycle();
    const r = await row(id(209));
    assert.equal(r.statuscode, 3);
    assert.equal(String(r.subject).length, 255);
    assert.ok(String(r.subject).endsWith(` ${String(r.trackingtoken)}`), String(r.subject).slice(-20));
    const copy = folder(p.graph.exchangeState(), ALICE, 'sentitems').find((m) => m.subject === r.subject);
    assert.equal(r.messageid, copy?.internetMessageId);
  } finally {
    await p.stop();
  }
});

test('Outgoing rule — tokens: mail from a queue carries the tracking token', async () => {
  // Sales is the organization's first queue: its tokens carry 999, counted down from the top of the user numbers.
  const queueMail = [email(id(210), 'From the queue', {}, 'sales'), email(id(211), 'Again', {}, 'sales')];
  const { p, cycle, row } = await pipeline(tenant(queueMail));
  try {
    await cycle();
    const rows = [await row(id(210)), await row(id(211))];
    assert.deepEqual(
      rows.map((r) => [r.statuscode, r.trackingtoken, r.subject]),
      [
        [3, 'CRM:0999001', 'From the queue CRM:0999001'],
        [3, 'CRM:0999002', 'Again CRM:0999002'],
      ],
    );
    const sent = folder(p.graph.exchangeState(), SALES, 'sentitems');
    assert.deepEqual(sent.map((m) => m.subject).sort(), ['Again CRM:0999002', 'From the queue CRM:0999001']);
    assert.equal((await row(P1_ID)).trackingtoken, 'CRM:0001002', "the user's own mail keeps the user's number");
  } finally {
    await p.stop();
  }
});

/**
 * A cause of mail stuck in Pending Send: nothing goes out, and the explanation of the item (what
 * `exsync explain --item` prints, from the same ledger) says why.
 */
async function assertStuck(change: (f: TenantFixture) => void, reason: string, detail: RegExp) {
  const { p, cycle, row } = await pipeline(tenant([], change));
  try {
    await cycle();
    assert.equal((await row(P1_ID)).statuscode, 6, 'still Pending Send');
    assert.equal(folder(p.graph.exchangeState(), ALICE, 'sentitems').length, 0, 'nothing sent');
    const explained = await explainItem(p.deps.ledger, p.deps.mailboxes, P1_ID);
    assert.deepEqual(
      explained.mailboxes.map((m) => [m.outcome, m.reason]),
      [['pending', reason]],
    );
    assert.match(String(explained.mailboxes[0].detail), detail);
  } finally {
    await p.stop();
  }
}

test('Outgoing rule — stuck in Pending Send: an unapproved mailbox sends nothing and explain says why (through exsync explain --item)', () => {
  const run = runTenant(tenant([], (f) => void (mailboxOf(f, ALICE_MAILBOX_ID).emailrouteraccessapproval = 2)));
  try {
    assert.equal(run.dump.dataverse.emails.find((e) => e.activityid === P1_ID)!.statuscode, 6, 'still Pending Send');
    assert.equal(folder(run.dump.exchange, ALICE, 'sentitems').length, 0, 'nothing sent');
    const [[outcome, reason, detail]] = explain(run, P1_ID);
    assert.deepEqual([outcome, reason], ['pending', 'MailboxNotApproved']);
    assert.match(detail, /not approved/);
  } finally {
    cleanup(run);
  }
});

test('Outgoing rule — stuck in Pending Send: a mailbox whose outgoing email has not passed Test & Enable sends nothing and explain says why', async () => {
  await assertStuck(
    (f) => void (mailboxOf(f, ALICE_MAILBOX_ID).outgoingemailstatus = 0),
    'OutgoingNotTested',
    /Test & Enable/,
  );
});

test('Outgoing rule — stuck in Pending Send: a mailbox with outgoing email disabled sends nothing and explain says why', async () => {
  await assertStuck(
    (f) => void (mailboxOf(f, ALICE_MAILBOX_ID).enabledforoutgoingemail = false),
    'OutgoingDisabled',
    /disabled/,
  );
});

test('Outgoing rule — stuck in Pending Send: an inactive mailbox sends nothing and explain says why', async () => {
  await assertStuck(
    (f) => Object.assign(mailboxOf(f, ALICE_MAILBOX_ID), { statecode: 1, statuscode: 2 }),
    'MailboxDisabled',
    /inactive/,
  );
});

test('Outgoing rule — ErrorQuotaExceeded waits for the next cycle; ErrorSubmissionQuotaExceeded "will try again later"; both keep Pending Send with an Error alert', async () => {
  for (const [code, reason, detail] of [
    ['ErrorQuotaExceeded', 'QuotaExceeded', /tried again next cycle/],
    ['ErrorSubmissionQuotaExceeded', 'SubmissionQuotaExceeded', /will try again later/],
  ] as const) {
    const intercept: Intercept = (req) =>
      req.method === 'POST' && req.mailbox === ALICE
        ? { status: 403, body: { error: { code, message: 'injected by the test' } } }
        : undefined;
    const { p, cycle, row, decision } = await pipeline(tenant(), {}, intercept);
    try {
      await cycle();
      assert.equal((await row(P1_ID)).statuscode, 6, code);
      const d = await decision(P1_ID);
      assert.deepEqual([d?.outcome, d?.reason], ['pending', reason]);
      assert.match(String(d?.detail), detail);
      const alerts = await p.deps.alerts.forMailbox(ALICE_MAILBOX_ID);
      const alert = alerts.find((a) => a.code === code);
      assert.equal(alert?.level, 'Error');
      assert.match(String(alert?.message), code === 'ErrorSubmissionQuotaExceeded' ? /will try again later/ : /quota/);
    } finally {
      await p.stop();
    }
  }
});

test('Outgoing rule — bulk: a mailbox with more Pending Send mail than it may send per cycle keeps the rest in order for later cycles, and later mail waits behind the backlog', async () => {
  const at = (n: number) => `2025-01-10T09:5${n}:00Z`;
  const backlog = [1, 2, 3, 4].map((n) => email(id(300 + n), `Bulk ${n}`, { createdon: at(n) }));
  const { p, cycle, row, decision } = await pipeline(tenant(backlog), { SEND_MAX_PER_CYCLE: '2' });
  const status = async () =>
    Promise.all([P1_ID, ...[1, 2, 3, 4].map((n) => id(300 + n))].map(async (x) => (await row(x)).statuscode));
  try {
    await cycle();
    // Bulk 1-4 were created 09:51-09:54, P1 at 09:55: P1 is the later mail.
    assert.deepEqual(await status(), [6, 3, 3, 6, 6], 'the two oldest');
    const d = await decision(id(303));
    assert.deepEqual([d?.outcome, d?.reason], ['pending', 'SendBacklog']);
    await cycle();
    assert.deepEqual(await status(), [6, 3, 3, 3, 3], 'the next two; P1, later, waits behind them');
    await cycle();
    assert.deepEqual(await status(), [3, 3, 3, 3, 3]);
    const order = folder(p.graph.exchangeState(), ALICE, 'sentitems').map((m) => String(m.subject).split(' CRM:')[0]);
    assert.deepEqual(order, ['Bulk 1', 'Bulk 2', 'Bulk 3', 'Bulk 4', 'Proposal'], 'sent oldest first');
  } finally {
    await p.stop();
  }
});

test('Unresolved recipients: allowed by the organization, the email goes to the address typed', async () => {
  const f = tenant([], (x) => void (org(x).allowunresolvedpartiesonemailsend = true));
  (f.dataverse.emails!.find((e) => e.activityid === P1_ID)!.email_activity_parties as Json[]).push({
    participationtypemask: 2,
    addressused: 'someone@unknown.example',
  });
  const { p, cycle, row } = await pipeline(f);
  try {
    await cycle();
    assert.equal((await row(P1_ID)).statuscode, 3);
    const [copy] = folder(p.graph.exchangeState(), ALICE, 'sentitems');
    const to = (copy.toRecipients as { emailAddress: { address: string } }[]).map((r) => r.emailAddress.address);
    assert.deepEqual(to.sort(), [BOB, 'someone@unknown.example']);
  } finally {
    await p.stop();
  }
});

test('Unresolved recipients: not allowed by the organization (its default), the email is Failed with the reason, in explain and an alert', async () => {
  const f = tenant();
  (f.dataverse.emails!.find((e) => e.activityid === P1_ID)!.email_activity_parties as Json[]).push({
    participationtypemask: 3,
    addressused: 'someone@unknown.example',
  });
  const { p, cycle, row } = await pipeline(f);
  try {
    await cycle();
    assert.equal((await row(P1_ID)).statuscode, 8, 'Failed');
    assert.equal(folder(p.graph.exchangeState(), ALICE, 'sentitems').length, 0, 'nothing sent');
    const explained = await explainItem(p.deps.ledger, p.deps.mailboxes, P1_ID);
    assert.deepEqual(
      explained.mailboxes.map((m) => [m.outcome, m.reason]),
      [['failed', 'UnresolvedRecipients']],
    );
    assert.match(String(explained.mailboxes[0].detail), /1 recipient\(s\) resolve to no record/);
    const alerts = await p.deps.alerts.forMailbox(ALICE_MAILBOX_ID);
    assert.ok(
      alerts.some((a) => a.code === 'EmailSendFailed' && /UnresolvedRecipients/.test(a.message)),
      JSON.stringify(alerts),
    );
  } finally {
    await p.stop();
  }
});

test("The outbox shares the main Dataverse client's concurrency limits: while Dataverse asks to wait, the outbox sends no request either", async () => {
  let throttle = true;
  let outboxRequests = 0;
  const p = await startPipeline(
    tenant(),
    {},
    {
      dataverseIntercept: (req) => {
        if (req.path.includes('/emails')) outboxRequests++;
        return throttle && req.path.includes('/organizations')
          ? {
              status: 429,
              headers: { 'Retry-After': '60' },
              body: { error: { code: '0x80072322', message: 'injected by the test' } },
            }
          : undefined;
      },
    },
  );
  try {
    await assert.rejects(p.deps.dataverse.loadOrgContext(), (e: { kind?: string }) => e.kind === 'throttled');
    throttle = false;
    await assert.rejects(p.deps.outbox!.waitingSenders(), (e: { kind?: string }) => e.kind === 'throttled');
    assert.equal(outboxRequests, 0, 'the outbox waited with the adapter: no request reached Dataverse');
    p.clock.advance(61_000);
    assert.ok((await p.deps.outbox!.waitingSenders()).has(ALICE_ID), 'after the wait it reads again');
  } finally {
    await p.stop();
  }
});
