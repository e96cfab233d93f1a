import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateTenant } from '../../../local/tenant/validate';
import {
  acceptanceFixtureF,
  withInboxMessage,
  withUserFilter,
  withOrgDbSetting,
  withOrgSettings,
  withUser,
  acceptanceUserIds,
  ALICE,
  ALICE_ID,
  ALICE_MAILBOX_ID,
  SALES,
  SALES_QUEUE_ID,
  SALES_MAILBOX_ID,
  BOB_CONTACT_ID,
  FABRIKAM_ACCOUNT_ID,
  OPP1_ID,
  E1_ID,
  E1_MESSAGE_ID,
  E1_TOKEN,
} from '../../../local/tenant/acceptance';
import type { FixtureMessage } from '../../../local/tenant/fixture';

test('fixture F validates and holds what the promotion scenarios start from', () => {
  const f = acceptanceFixtureF();
  assert.equal(validateTenant(f).ok, true);
  const dv = f.dataverse;
  assert.equal(f.now, '2025-01-10T10:00:00Z');
  assert.deepEqual(dv.usersettingscollection, [{ systemuserid: ALICE_ID, incomingemailfilteringmethod: 1 }]);
  assert.equal(dv.queues![0]!.queueid, SALES_QUEUE_ID);
  assert.equal(dv.queues![0]!.incomingemailfilteringmethod, 0);
  assert.deepEqual(
    dv.mailboxes!.map((m) => [
      m.mailboxid,
      m.emailaddress,
      m._regardingobjectid_value,
      m.emailrouteraccessapproval,
      m.enabledforincomingemail,
    ]),
    [
      [ALICE_MAILBOX_ID, ALICE, ALICE_ID, 1, true],
      [SALES_MAILBOX_ID, SALES, SALES_QUEUE_ID, 1, true],
    ],
  );
  assert.equal(dv.contacts![0]!.contactid, BOB_CONTACT_ID);
  assert.equal(dv.accounts![0]!.accountid, FABRIKAM_ACCOUNT_ID);
  assert.equal(dv.accounts![0]!.emailaddress1, 'info@fabrikam.com');
  const e1 = dv.emails![0]!;
  assert.equal(e1.activityid, E1_ID);
  assert.equal(e1.subject, 'Quote Q-100 CRM:0001001');
  assert.equal(e1.messageid, E1_MESSAGE_ID);
  assert.equal(e1.trackingtoken, E1_TOKEN);
  assert.equal(e1._regardingobjectid_value, OPP1_ID);
  assert.equal(e1.statuscode, 3);
  assert.equal(e1.directioncode, true);
  const org = dv.organizations![0]!;
  assert.deepEqual(
    [
      org.trackingprefix,
      org.trackingtokenidbase,
      org.trackingtokeniddigits,
      org.emailcorrelationenabled,
      org.enablesmartmatching,
      org.ignoreinternalemail,
      org.unresolveemailaddressifmultiplematch,
    ],
    ['CRM:', 0, 3, true, false, false, false],
  );
  for (const address of [ALICE, SALES]) {
    const folders = f.exchange[address]!.mailFolders;
    assert.deepEqual(
      folders.map((x) => [x.wellKnownName, x.messages!.length]),
      [
        ['inbox', 0],
        ['sentitems', 0],
      ],
    );
  }
});

test('two calls give equal fixtures, and helpers leave their input alone', () => {
  const f = acceptanceFixtureF();
  assert.deepEqual(f, acceptanceFixtureF());
  withInboxMessage(f, ALICE, { subject: 'x' });
  withUserFilter(f, ALICE_ID, 0);
  assert.deepEqual(f, acceptanceFixtureF());
});

test('withInboxMessage fills id, times and conversationId deterministically, keeps what is given', () => {
  const msg = {
    internetMessageId: '<r1@fabrikam.com>',
    subject: 'RE: Quote Q-100',
    from: { emailAddress: { address: 'bob@fabrikam.com' } },
  };
  const once = withInboxMessage(acceptanceFixtureF(), ALICE, msg);
  assert.deepEqual(once, withInboxMessage(acceptanceFixtureF(), ALICE, msg));
  const twice = withInboxMessage(once, 'Alice@Contoso.com', {
    subject: 'second',
    receivedDateTime: '2025-01-10T09:30:00Z',
  });
  const [first, second] = twice.exchange[ALICE]!.mailFolders[0]!.messages! as [FixtureMessage, FixtureMessage];
  assert.equal(first.receivedDateTime, '2025-01-10T09:00:00Z');
  assert.equal(first.sentDateTime, '2025-01-10T08:59:58Z');
  assert.equal(second.receivedDateTime, '2025-01-10T09:30:00Z');
  assert.equal(second.sentDateTime, '2025-01-10T09:29:58Z');
  assert.notEqual(first.id, second.id);
  assert.equal(typeof first.conversationId, 'string');
  assert.equal(first.internetMessageId, '<r1@fabrikam.com>');
  assert.equal('internetMessageId' in second, false, 'never invented: a missing Message-ID is a scenario');
  assert.deepEqual(first.toRecipients, [{ emailAddress: { address: ALICE } }]);
  assert.equal(validateTenant(twice).ok, true);
  assert.throws(
    () => withInboxMessage(acceptanceFixtureF(), 'nobody@contoso.com', {}),
    /no mailbox nobody@contoso.com/,
  );
});

test('withUserFilter, withOrgSettings, withOrgDbSetting and withUser edit F', () => {
  let f = withUserFilter(acceptanceFixtureF(), ALICE_ID, 2);
  assert.equal(f.dataverse.usersettingscollection![0]!.incomingemailfilteringmethod, 2);
  f = withOrgSettings(f, { enablesmartmatching: true });
  assert.equal(f.dataverse.organizations![0]!.enablesmartmatching, true);
  f = withOrgDbSetting(f, 'AutoTrackSentFolderItems', true);
  f = withOrgDbSetting(f, 'IgnoreConversationIndexAndInReplyToForCorrelation', true);
  assert.equal(
    f.dataverse.organizations![0]!.orgdborgsettings,
    '<OrgSettings><AutoTrackSentFolderItems>true</AutoTrackSentFolderItems><IgnoreConversationIndexAndInReplyToForCorrelation>true</IgnoreConversationIndexAndInReplyToForCorrelation></OrgSettings>',
  );
  f = withUser(f, { fullname: 'David', address: 'david@contoso.com', filter: 0 });
  const david = acceptanceUserIds('david@contoso.com');
  assert.ok(
    f.dataverse.mailboxes!.some(
      (m) => m.mailboxid === david.mailboxid && m._regardingobjectid_value === david.systemuserid,
    ),
  );
  assert.ok(f.exchange['david@contoso.com']);
  assert.equal(validateTenant(f).ok, true);
});
