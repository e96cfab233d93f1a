// Correlation scenarios P2, P4, P5, P7, P8 and P17 (each test's name says what it shows); the rules are in
// docs/sss-parity.md#correlation-order, #tracking-tokens and #smart-matching.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  acceptanceFixtureF,
  withInboxMessage,
  withMessage,
  withOrgDbSetting,
  withOrgSettings,
  ALICE,
  BOB,
  ALICE_ID,
  BOB_CONTACT_ID,
  E1_ID,
  E1_MESSAGE_ID,
  OPP1_ID,
} from '../../local/tenant/acceptance';
import { cleanup, createdEmails, decisionFor, runTenant } from '../support/cli';
import { msg } from './scenarios';

test('P2 token only: correlated by tracking token to E1, Regarding Opp1, no parent activity', () => {
  const f = withInboxMessage(
    acceptanceFixtureF(),
    ALICE,
    msg('<p2@fabrikam.com>', BOB, [ALICE], 'RE: Quote Q-100 CRM:0001001'),
  );
  const run = runTenant(f);
  try {
    const [e] = createdEmails(run.dump, f);
    assert.ok(e);
    assert.equal(e._correlatedactivityid_value, E1_ID);
    assert.equal(e._regardingobjectid_value, OPP1_ID);
    assert.equal(e._parentactivityid_value, undefined);
    assert.equal(e.trackingtoken, 'CRM:0001001');
    assert.equal(decisionFor(run.dump, ALICE, '<p2@fabrikam.com>')!.correlationMethod, 'TrackingToken');
  } finally {
    cleanup(run);
  }
});

test('P4 References only: not promoted in SSS-compatible mode; correlated by References in enhanced mode', () => {
  const f = withInboxMessage(
    acceptanceFixtureF(),
    ALICE,
    msg('<p4@fabrikam.com>', BOB, [ALICE], 'RE: Quote Q-100', { References: `<x@y> ${E1_MESSAGE_ID}` }),
  );
  const compatible = runTenant(f);
  const enhanced = runTenant(f, [], { env: { ENHANCED_REFERENCES: 'true' } });
  try {
    assert.equal(createdEmails(compatible.dump, f).length, 0);
    assert.equal(decisionFor(compatible.dump, ALICE, '<p4@fabrikam.com>')!.reason, 'NoCorrelationMatch');
    const [e] = createdEmails(enhanced.dump, f);
    assert.equal(e?._correlatedactivityid_value, E1_ID);
    assert.equal(e?._regardingobjectid_value, OPP1_ID);
    assert.equal(decisionFor(enhanced.dump, ALICE, '<p4@fabrikam.com>')!.correlationMethod, 'References');
  } finally {
    cleanup(compatible);
    cleanup(enhanced);
  }
});

test('P5 header correlation switched off: In-Reply-To alone is not enough, the token still correlates', () => {
  let f = withOrgDbSetting(acceptanceFixtureF(), 'IgnoreConversationIndexAndInReplyToForCorrelation', true);
  f = withInboxMessage(
    f,
    ALICE,
    msg('<p5a@fabrikam.com>', BOB, [ALICE], 'RE: Quote Q-100', { 'In-Reply-To': E1_MESSAGE_ID }),
  );
  f = withInboxMessage(
    f,
    ALICE,
    msg('<p5b@fabrikam.com>', BOB, [ALICE], 'RE: Quote Q-100 CRM:0001001', { 'In-Reply-To': E1_MESSAGE_ID }),
  );
  const run = runTenant(f);
  try {
    const a = decisionFor(run.dump, ALICE, '<p5a@fabrikam.com>')!;
    assert.equal(a.outcome, 'skipped');
    assert.equal(a.reason, 'NoCorrelationMatch');
    const b = decisionFor(run.dump, ALICE, '<p5b@fabrikam.com>')!;
    assert.equal(b.outcome, 'promoted');
    assert.equal(b.correlationMethod, 'TrackingToken');
  } finally {
    cleanup(run);
  }
});

/** F with smart matching on and E3, sent from Dynamics 365 by Alice to Bob: "Pricing for Q3". */
function smartFixture() {
  const E3 = 'e3e30000-0000-4000-8000-000000000007';
  let f = withOrgSettings(acceptanceFixtureF(), { enablesmartmatching: true });
  f = structuredClone(f);
  f.dataverse.emails!.push({
    activityid: E3,
    subject: 'Pricing for Q3',
    messageid: '<e3@contoso.onmicrosoft.com>',
    directioncode: true,
    statecode: 1,
    statuscode: 3,
    createdon: '2025-01-05T09:00:00Z',
    _regardingobjectid_value: OPP1_ID,
    'regardingobjectid@odata.type': 'opportunity',
    email_activity_parties: [
      { participationtypemask: 1, _partyid_value: ALICE_ID, 'partyid@odata.type': 'systemuser', addressused: ALICE },
      { participationtypemask: 2, _partyid_value: BOB_CONTACT_ID, 'partyid@odata.type': 'contact', addressused: BOB },
    ],
  });
  return { f, E3 };
}

test('P7 smart matching hit: same subject words and two shared addresses correlate with method SmartMatching', () => {
  const { f: base, E3 } = smartFixture();
  const f = withInboxMessage(base, ALICE, msg('<p7@fabrikam.com>', BOB, [ALICE], 'RE: Pricing for Q3'));
  const run = runTenant(f);
  try {
    const d = decisionFor(run.dump, ALICE, '<p7@fabrikam.com>')!;
    assert.equal(d.outcome, 'promoted');
    assert.equal(d.correlationMethod, 'SmartMatching');
    assert.equal(d.correlatedActivityId, E3);
    const [e] = createdEmails(run.dump, f);
    assert.equal(e?._correlatedactivityid_value, E3);
    assert.equal(e?._parentactivityid_value, undefined);
  } finally {
    cleanup(run);
  }
});

test('P8 smart matching with one shared address: no correlation', () => {
  const { f: base } = smartFixture();
  const f = withInboxMessage(base, ALICE, msg('<p8@other.com>', 'carol@other.com', [ALICE], 'RE: Pricing for Q3'));
  const run = runTenant(f);
  try {
    const d = decisionFor(run.dump, ALICE, '<p8@other.com>')!;
    assert.equal(d.outcome, 'skipped');
    assert.equal(d.correlationMethod, 'None');
  } finally {
    cleanup(run);
  }
});

test('P17 auto-reply: promoted by In-Reply-To with Auto-Submitted kept; skipped as AutoReply under the enhanced policy', () => {
  const f = withInboxMessage(
    acceptanceFixtureF(),
    ALICE,
    msg('<p17@fabrikam.com>', BOB, [ALICE], 'Automatic reply: Quote Q-100', {
      'In-Reply-To': E1_MESSAGE_ID,
      'Auto-Submitted': 'auto-replied',
    }),
  );
  const compatible = runTenant(f);
  const enhanced = runTenant(f, [], { env: { ENHANCED_AUTO_REPLY_POLICY: 'true' } });
  try {
    const d = decisionFor(compatible.dump, ALICE, '<p17@fabrikam.com>')!;
    assert.equal(d.outcome, 'promoted');
    assert.equal(d.correlationMethod, 'InReplyTo');
    const [e] = createdEmails(compatible.dump, f);
    assert.match(String(e?.internetmessageheaders), /"Auto-Submitted":"auto-replied"/);
    const x = decisionFor(enhanced.dump, ALICE, '<p17@fabrikam.com>')!;
    assert.equal(x.outcome, 'skipped');
    assert.equal(x.reason, 'AutoReply');
    assert.equal(createdEmails(enhanced.dump, f).length, 0);
  } finally {
    cleanup(compatible);
    cleanup(enhanced);
  }
});

test('Mail as Exchange stores it: a Sent Items copy has no internetMessageHeaders, and its In-Reply-To still correlates (read from PidTagInReplyToId)', () => {
  // Alice's reply to E1 in Sent Items: no tracking token, no conversation index, so only In-Reply-To can correlate.
  // As the demo's fixtures give it (a header list, which for Sent Items stands for what Exchange keeps in MAPI)
  // and as Graph stores it (the property only).
  const reply = (id: string, extra: Record<string, unknown>) =>
    msg(id, ALICE, [BOB], 'RE: Quote Q-100', {}, { internetMessageHeaders: undefined, ...extra });
  let f = withOrgDbSetting(acceptanceFixtureF(), 'AutoTrackSentFolderItems', true);
  f = withMessage(
    f,
    ALICE,
    'sentitems',
    reply('<sent-list@contoso.com>', { internetMessageHeaders: [{ name: 'In-Reply-To', value: E1_MESSAGE_ID }] }),
  );
  f = withMessage(
    f,
    ALICE,
    'sentitems',
    reply('<sent-prop@contoso.com>', {
      singleValueExtendedProperties: [{ id: 'String 0x1042', value: E1_MESSAGE_ID }],
    }),
  );
  f = withMessage(f, ALICE, 'sentitems', reply('<sent-none@contoso.com>', {}));
  const run = runTenant(f);
  try {
    for (const id of ['<sent-list@contoso.com>', '<sent-prop@contoso.com>']) {
      const d = decisionFor(run.dump, ALICE, id)!;
      assert.equal(d.outcome, 'promoted', id);
      assert.equal(d.reason, 'CorrelationMatch', id);
      assert.equal(d.correlationMethod, 'InReplyTo', id);
      const e = createdEmails(run.dump, f).find((x) => x.messageid === id)!;
      assert.equal(e.directioncode, true, `${id}: outgoing`);
      assert.equal(e._correlatedactivityid_value, E1_ID, id);
    }
    // Without the property nothing correlates it: the match above came from PidTagInReplyToId.
    assert.equal(decisionFor(run.dump, ALICE, '<sent-none@contoso.com>')!.reason, 'NoCorrelationMatch');
  } finally {
    cleanup(run);
  }
});
