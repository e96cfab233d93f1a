// The send stage over in-memory ports: the claim/send state machine (Pending Send -> Sending -> Sent or
// Failed, or back to Pending Send on a quota error).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { delivered, fakePipeline, userMailbox } from '../../support/fakes';
import { fakeMailSend, fakeOutbox, type FakeRow } from '../../support/fakes/send';
import { handleSendMessage } from '../../../shared/pipeline/send';
import { permanent, transient } from '../../../shared/domain/errors';
import { QUEUES } from '../../../shared/ports';
import { runSchedule } from '../../../shared/pipeline/schedule';

const ALICE = userMailbox('mbx-alice', 'alice@contoso.com', 'user-alice', {
  outgoingDeliveryMethod: 2,
  enabledForOutgoing: true,
});
const FORMAT = { prefix: 'CRM:', userDigits: 3, maxCounter: 999, base: 0 };
const row = (over: Partial<FakeRow> = {}): FakeRow => ({
  activityid: 'p1',
  sender: 'user-alice',
  version: 1,
  statuscode: 6,
  subject: 'Proposal',
  body: { contentType: 'text', content: 'hi' },
  to: [{ address: 'bob@fabrikam.com' }],
  cc: [],
  bcc: [],
  deliveryattempts: 0,
  unresolved: 0,
  ...over,
});
const job = { body: { kind: 'send', mailboxId: 'mbx-alice', trigger: 'schedule', slot: '1' }, deliveryCount: 1 };

function setup(rows: FakeRow[], tokens: string[] = ['CRM:0001001']) {
  const p = fakePipeline({ mailboxes: [ALICE] });
  const outbox = fakeOutbox(rows, FORMAT, tokens);
  const mail = fakeMailSend();
  p.deps.outbox = outbox.port;
  p.deps.mailSend = mail.port;
  return { p, outbox, mail };
}

test('The send stage: a Pending Send email is claimed, sent with the next token and marked Sent with the Message-ID Exchange used', async () => {
  const { outbox, mail, p } = setup([row()]);
  await handleSendMessage(job, p.deps);
  assert.equal(mail.sent.length, 1);
  assert.equal(mail.sent[0].mailbox, 'alice@contoso.com');
  assert.equal(mail.sent[0].mail.subject, 'Proposal CRM:0001002');
  assert.equal(outbox.rows[0].statuscode, 3);
  assert.deepEqual(outbox.rows[0].sent?.messageid, '<m1@exchange.test>');
  assert.equal(outbox.rows[0].sent?.trackingtoken, 'CRM:0001002');
});

test('Exactly once: a row another worker claimed since it was read is not sent', async () => {
  const { outbox, mail, p } = setup([row()]);
  const origPending = outbox.port.pending;
  outbox.port.pending = async (o) => {
    const read = await origPending(o);
    outbox.rows[0].version++; // someone else claimed it meanwhile
    return read;
  };
  await handleSendMessage(job, p.deps);
  assert.equal(mail.sent.length, 0);
});

test('Exactly once: a row left in Sending whose copy is in Sent Items is marked Sent without sending again', async () => {
  const { outbox, mail, p } = setup([row({ statuscode: 7 })]);
  mail.sentItems.set('p1', { internetMessageId: '<earlier@exchange.test>', subject: 'Proposal CRM:0001002' });
  await handleSendMessage(job, p.deps);
  assert.equal(mail.sent.length, 0, 'not sent twice');
  assert.equal(outbox.rows[0].statuscode, 3);
  assert.equal(outbox.rows[0].sent?.messageid, '<earlier@exchange.test>');
  assert.equal(outbox.rows[0].sent?.trackingtoken, 'CRM:0001002', 'the token read back from the sent subject');
});

test('Exactly once: a row left in Sending with no copy in Sent Items is sent (not lost)', async () => {
  const { outbox, mail, p } = setup([row({ statuscode: 7 })]);
  await handleSendMessage(job, p.deps);
  assert.equal(mail.sent.length, 1);
  assert.equal(outbox.rows[0].statuscode, 3);
});

test('Quota and submission-quota errors keep Pending Send, raise an Error alert and stop the mailbox for this cycle', async () => {
  for (const code of ['ErrorQuotaExceeded', 'ErrorSubmissionQuotaExceeded']) {
    const { outbox, mail, p } = setup([row(), row({ activityid: 'p2' })]);
    mail.failWith(permanent('graph', 'quota', { status: 403, code }));
    await handleSendMessage(job, p.deps);
    assert.deepEqual(
      outbox.rows.map((r) => r.statuscode),
      [6, 6],
      'the first is back in Pending Send, the second not tried',
    );
    const alerts = await p.deps.alerts.forMailbox('mbx-alice');
    assert.deepEqual(
      alerts.map((a) => [a.level, a.code]),
      [['Error', code]],
    );
  }
});

test('Permanent failures end in Failed, with the reason in an alert; the next email still goes', async () => {
  const { outbox, mail, p } = setup([row(), row({ activityid: 'p2' })]);
  let first = true;
  const send = mail.port.send;
  mail.port.send = async (m, x) => {
    if (first) {
      first = false;
      throw permanent('graph', 'bad recipient', { status: 400, code: 'ErrorInvalidRecipients' });
    }
    return send(m, x);
  };
  await handleSendMessage(job, p.deps);
  assert.deepEqual(
    outbox.rows.map((r) => r.statuscode),
    [8, 3],
  );
  const [alert] = await p.deps.alerts.forMailbox('mbx-alice');
  assert.equal(alert.code, 'EmailSendFailed');
  assert.match(alert.message, /ErrorInvalidRecipients/);
});

test('A transient failure leaves the row in Sending and schedules the send job again with backoff, which asks Sent Items first', async () => {
  const { outbox, mail, p } = setup([row()]);
  mail.failWith(transient('graph', 'timeout', { status: 504 }));
  await handleSendMessage({ ...job, messageId: 'send-1', sessionId: 'mbx-alice' }, p.deps);
  assert.equal(outbox.rows[0].statuscode, 7);
  const retry = p.queue.accepted(QUEUES.syncJobs);
  assert.deepEqual(
    retry.map((m) => m.messageId),
    ['send-1:retry:1'],
  );
  assert.ok(retry[0]!.scheduledEnqueueTimeUtc!.getTime() > p.clock.now().getTime(), 'later, not at once');
  mail.failWith(undefined);
  await handleSendMessage(delivered(retry[0]!), p.deps);
  assert.equal(outbox.rows[0].statuscode, 3);
  assert.equal(mail.sent.length, 1);
});

test('No header ever carries a CR or LF from a subject', async () => {
  const { mail, p } = setup([row({ subject: 'Hi\r\nBcc: evil@x.io' })]);
  await handleSendMessage(job, p.deps);
  assert.doesNotMatch(mail.sent[0].mail.subject, /[\r\n]/);
});

test('The send stage: the schedule enqueues a send job in the mailbox session only for mailboxes with mail waiting that send by server-side synchronization', async () => {
  const { p } = setup([row()]);
  const bob = userMailbox('mbx-bob', 'bob@contoso.com', 'user-bob', {
    outgoingDeliveryMethod: 2,
    enabledForOutgoing: true,
  });
  const outlook = userMailbox('mbx-o', 'o@contoso.com', 'user-o', {
    outgoingDeliveryMethod: 1,
    enabledForOutgoing: true,
  });
  (await p.deps.dataverse.loadOrgContext()).mailboxes.push(bob, outlook);
  await runSchedule(p.deps);
  const sends = p.queue
    .accepted(QUEUES.syncJobs)
    .filter((m) => (m.body as { kind: string }).kind === 'send')
    .map((m) => [m.sessionId, m.messageId]);
  assert.deepEqual(sends.length, 1);
  assert.equal(sends[0][0], 'mbx-alice');
  assert.match(String(sends[0][1]), /^mbx-alice:send:/);
});

test('explain for sends: every outcome is a decision keyed by the activity id, with the reason', async () => {
  const { mail, p } = setup([row(), row({ activityid: 'p2' }), row({ activityid: 'p3', statuscode: 7 })]);
  mail.sentItems.set('p3', { internetMessageId: '<p3@exchange.test>', subject: 'Proposal CRM:0001001' });
  const send = mail.port.send;
  let n = 0;
  mail.port.send = async (m, x) => {
    if (++n === 2) throw permanent('graph', 'refused', { status: 400, code: 'ErrorMessageSizeExceeded' });
    return send(m, x);
  };
  await handleSendMessage(job, p.deps);
  const d = async (id: string) => p.deps.ledger.get('mbx-alice', 'email', id);
  assert.deepEqual(
    [await d('p1'), await d('p2'), await d('p3')].map((x) => [x?.outcome, x?.reason, x?.activityid]),
    [
      ['sent', 'Sent', 'p1'],
      ['failed', 'SendFailed', 'p2'],
      ['sent', 'SentBefore', 'p3'],
    ],
  );
  assert.equal((await d('p1'))?.internetMessageId, '<m1@exchange.test>');
  assert.match(String((await d('p2'))?.detail), /permanent 400 ErrorMessageSizeExceeded/);

  const q = setup([row()]);
  q.mail.failWith(permanent('graph', 'quota', { status: 403, code: 'ErrorQuotaExceeded' }));
  await handleSendMessage(job, q.p.deps);
  const pending = await q.p.deps.ledger.get('mbx-alice', 'email', 'p1');
  assert.deepEqual([pending?.outcome, pending?.reason], ['pending', 'QuotaExceeded']);
  assert.match(String(pending?.detail), /ErrorQuotaExceeded/);
});
