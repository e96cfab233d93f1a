// Email promotion scenarios (P1, P3, P6: each test's name says what it shows; the rules are in docs/sss-parity.md),
// each through `exsync run --once --tenant … --dump …`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  acceptanceFixtureF,
  withInboxMessage,
  ALICE,
  BOB,
  ALICE_ID,
  ALICE_MAILBOX_ID,
  E1_ID,
  E1_MESSAGE_ID,
  OPP1_ID,
} from '../../local/tenant/acceptance';
import { cleanup, createdEmails, decisionFor, runTenant } from '../support/cli';

const reply = (internetMessageId: string, subject: string, headers: { name: string; value: string }[] = []) => ({
  internetMessageId,
  subject,
  from: { emailAddress: { address: BOB, name: 'Bob' } },
  toRecipients: [{ emailAddress: { address: ALICE } }],
  internetMessageHeaders: headers,
  body: { contentType: 'html', content: '<p>Thanks, looks good.</p>' },
});

test('P1 In-Reply-To: the reply is created Received, correlated to E1 by In-Reply-To, regarding Opp1, accepted by Alice', () => {
  const f = withInboxMessage(
    acceptanceFixtureF(),
    ALICE,
    reply('<r1@fabrikam.com>', 'RE: Quote Q-100', [{ name: 'In-Reply-To', value: E1_MESSAGE_ID }]),
  );
  const run = runTenant(f);
  try {
    const created = createdEmails(run.dump, f);
    assert.equal(created.length, 1);
    const e = created[0]!;
    assert.equal(e.messageid, '<r1@fabrikam.com>');
    assert.equal(e.statuscode, 4);
    assert.equal(e.statecode, 1);
    assert.equal(e.directioncode, false);
    assert.equal(e._correlatedactivityid_value, E1_ID);
    assert.equal(e._parentactivityid_value, E1_ID);
    assert.equal(e._regardingobjectid_value, OPP1_ID);
    assert.equal(e['regardingobjectid@odata.type'], 'opportunity');
    assert.equal(e._acceptingentityid_value, ALICE_ID);
    assert.equal(e._receivingmailboxid_value, ALICE_MAILBOX_ID);
    const d = decisionFor(run.dump, ALICE, '<r1@fabrikam.com>')!;
    assert.equal(d.outcome, 'promoted');
    assert.equal(d.correlationMethod, 'InReplyTo');
    assert.equal(d.activityid, e.activityid);
    assert.deepEqual(d.acceptingEntity, { type: 'systemuser', id: ALICE_ID });
  } finally {
    cleanup(run);
  }
});

test('P3 unknown token: nothing is created for Alice (filter 1) and the item is logged NoCorrelationMatch', () => {
  const f = withInboxMessage(acceptanceFixtureF(), ALICE, reply('<r3@fabrikam.com>', 'RE: Hello CRM:0001999'));
  const run = runTenant(f);
  try {
    assert.equal(createdEmails(run.dump, f).length, 0);
    const d = decisionFor(run.dump, ALICE, '<r3@fabrikam.com>')!;
    assert.equal(d.outcome, 'skipped');
    assert.equal(d.reason, 'NoCorrelationMatch');
    assert.equal(d.correlationMethod, 'None');
  } finally {
    cleanup(run);
  }
});

test('P6 smart matching off by default: a reply without token or headers is not promoted', () => {
  const f = withInboxMessage(acceptanceFixtureF(), ALICE, reply('<r6@fabrikam.com>', 'RE: Quote Q-100'));
  const run = runTenant(f);
  try {
    assert.equal(createdEmails(run.dump, f).length, 0);
    const d = decisionFor(run.dump, ALICE, '<r6@fabrikam.com>')!;
    assert.equal(d.outcome, 'skipped');
    assert.equal(d.reason, 'NoCorrelationMatch');
  } finally {
    cleanup(run);
  }
});
