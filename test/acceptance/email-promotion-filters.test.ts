// Filter and recipient scenarios P9 to P14 and P16 (each test's name says what it shows); the rules are in
// docs/sss-parity.md#promotion-filters, #internal-mail and #which-items-are-looked-at.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  acceptanceFixtureF,
  withInboxMessage,
  withMessage,
  withUserFilter,
  withUser,
  withOrgSettings,
  withOrgDbSetting,
  acceptanceUserIds,
  ALICE,
  BOB,
  SALES,
  ALICE_ID,
  SALES_QUEUE_ID,
  SALES_MAILBOX_ID,
  E1_MESSAGE_ID,
} from '../../local/tenant/acceptance';
import type { TenantFixture } from '../../local/tenant/fixture';
import { cleanup, createdEmails, decisionFor, runTenant, type Dump } from '../support/cli';
import { msg } from './scenarios';

const emailsWith = (dump: Dump, messageid: string) =>
  (dump.dataverse.emails ?? []).filter((e) => String(e.messageid).toLowerCase() === messageid.toLowerCase());

test('P9 filter 0: a mail from an unknown sender to Sales is created, accepted by Sales, From unresolved, with a queue item in Sales', () => {
  const f = withInboxMessage(
    acceptanceFixtureF(),
    SALES,
    msg('<p9@nowhere.io>', 'unknown@nowhere.io', [SALES], 'Interested in your product'),
  );
  const run = runTenant(f);
  try {
    const [e] = createdEmails(run.dump, f);
    assert.ok(e, 'created');
    assert.equal(e._acceptingentityid_value, SALES_QUEUE_ID);
    assert.equal(e._receivingmailboxid_value, SALES_MAILBOX_ID);
    const parties = e.email_activity_parties as Record<string, unknown>[];
    const from = parties.find((p) => p.participationtypemask === 1)!;
    assert.equal(from.addressused, 'unknown@nowhere.io');
    assert.equal(from._partyid_value, undefined, 'From is an unresolved address');
    const items = (run.dump.dataverse.queueitems ?? []).filter((q) => q._objectid_value === e.activityid);
    assert.equal(items.length, 1);
    assert.equal(items[0]!._queueid_value, SALES_QUEUE_ID);
    assert.equal(decisionFor(run.dump, SALES, '<p9@nowhere.io>')!.reason, 'AcceptAll');
  } finally {
    cleanup(run);
  }
});

test('P10 filter 2: mail from a contact is promoted, mail from an unknown sender is not', () => {
  let f = withUserFilter(acceptanceFixtureF(), ALICE_ID, 2);
  f = withInboxMessage(f, ALICE, msg('<p10a@fabrikam.com>', BOB, [ALICE], 'Question about delivery'));
  f = withInboxMessage(f, ALICE, msg('<p10b@nowhere.io>', 'unknown@nowhere.io', [ALICE], 'Question about delivery'));
  const run = runTenant(f);
  try {
    assert.equal(decisionFor(run.dump, ALICE, '<p10a@fabrikam.com>')!.outcome, 'promoted');
    assert.equal(decisionFor(run.dump, ALICE, '<p10a@fabrikam.com>')!.reason, 'SenderMatch');
    const b = decisionFor(run.dump, ALICE, '<p10b@nowhere.io>')!;
    assert.equal(b.outcome, 'skipped');
    assert.equal(b.reason, 'NoCorrelationMatch');
  } finally {
    cleanup(run);
  }
});

function withVendor(f: TenantFixture): TenantFixture {
  const next = structuredClone(f);
  next.dataverse.new_vendors = [
    {
      new_vendorid: 'f00d0000-0000-4000-8000-000000000009',
      new_name: 'Supplier',
      emailaddress: 'vendor@supplier.com',
      statecode: 0,
    },
  ];
  return withInboxMessage(next, ALICE, msg('<p11@supplier.com>', 'vendor@supplier.com', [ALICE], 'Invoice 2025-001'));
}

test('P11 filter 3: mail from a custom email-enabled row is promoted; with filter 2 it is not', () => {
  const env = { PARTY_EXTRA_TABLES: 'new_vendor:emailaddress' };
  const three = runTenant(withVendor(withUserFilter(acceptanceFixtureF(), ALICE_ID, 3)), [], { env });
  const two = runTenant(withVendor(withUserFilter(acceptanceFixtureF(), ALICE_ID, 2)), [], { env });
  try {
    const d = decisionFor(three.dump, ALICE, '<p11@supplier.com>')!;
    assert.equal(d.outcome, 'promoted');
    assert.equal(d.reason, 'SenderMatch');
    const [e] = emailsWith(three.dump, '<p11@supplier.com>');
    const from = (e!.email_activity_parties as Record<string, unknown>[]).find((p) => p.participationtypemask === 1)!;
    assert.equal(from['partyid@odata.type'], 'new_vendor');
    assert.equal(decisionFor(two.dump, ALICE, '<p11@supplier.com>')!.outcome, 'skipped');
  } finally {
    cleanup(three);
    cleanup(two);
  }
});

test('P12 filter 4 plus category: not promoted, then promoted on the next cycle once the tracking category is set', () => {
  let f = withUserFilter(acceptanceFixtureF(), ALICE_ID, 4);
  f = withInboxMessage(f, ALICE, msg('<p12@fabrikam.com>', BOB, [ALICE], 'Meeting notes'));
  f.timeline = [
    {
      at: '2025-01-10T10:10:00Z',
      update: {
        mailbox: ALICE,
        internetMessageId: '<p12@fabrikam.com>',
        set: { categories: ['Tracked to Dynamics 365'] },
      },
    },
  ];
  const withoutCategory = runTenant({ ...structuredClone(f), timeline: [] });
  const run = runTenant(f);
  try {
    assert.equal(decisionFor(withoutCategory.dump, ALICE, '<p12@fabrikam.com>')!.outcome, 'skipped');
    const d = decisionFor(run.dump, ALICE, '<p12@fabrikam.com>')!;
    assert.equal(d.outcome, 'promoted');
    assert.equal(d.reason, 'CategoryTracked');
    assert.equal(emailsWith(run.dump, '<p12@fabrikam.com>').length, 1);
  } finally {
    cleanup(withoutCategory);
    cleanup(run);
  }
});

test('P13 DL or Bcc: not in a thread and not addressed to Alice is NoRecipientMatch under filter 1, promoted under filter 0', () => {
  const dl = (f: TenantFixture) =>
    withInboxMessage(f, ALICE, msg('<p13a@fabrikam.com>', BOB, ['team@contoso.com'], 'Team update'));
  const bcc = (f: TenantFixture) =>
    withInboxMessage(
      f,
      ALICE,
      msg(
        '<p13b@fabrikam.com>',
        BOB,
        ['someone@fabrikam.com'],
        'Blind copy',
        {},
        { bccRecipients: [{ emailAddress: { address: ALICE } }] },
      ),
    );
  const one = runTenant(bcc(dl(acceptanceFixtureF())));
  const zero = runTenant(bcc(dl(withUserFilter(acceptanceFixtureF(), ALICE_ID, 0))));
  try {
    for (const id of ['<p13a@fabrikam.com>', '<p13b@fabrikam.com>']) {
      assert.equal(decisionFor(one.dump, ALICE, id)!.reason, 'NoRecipientMatch', id);
      assert.equal(decisionFor(zero.dump, ALICE, id)!.outcome, 'promoted', id);
    }
  } finally {
    cleanup(one);
    cleanup(zero);
  }
});

test('P14 internal mail: two activities (Sent and Received) by default, only the Sent one with "two activities" off', () => {
  const david = 'david@contoso.com';
  const build = (ignoreInternal: boolean) => {
    let f = withUser(acceptanceFixtureF(), { fullname: 'David', address: david, filter: 0 });
    f = withOrgDbSetting(f, 'AutoTrackSentFolderItems', true);
    if (ignoreInternal) f = withOrgSettings(f, { ignoreinternalemail: true });
    const m = msg('<p14@contoso.com>', ALICE, [david], 'Lunch on Friday?');
    f = withMessage(f, ALICE, 'sentitems', m);
    return withInboxMessage(f, david, m);
  };
  const two = runTenant(build(false));
  const one = runTenant(build(true));
  try {
    const rows = emailsWith(two.dump, '<p14@contoso.com>');
    assert.deepEqual(rows.map((e) => e.directioncode).sort(), [false, true]);
    assert.equal(rows.find((e) => e.directioncode === true)!.statuscode, 3);
    assert.equal(rows.find((e) => e.directioncode === false)!.statuscode, 4);
    const single = emailsWith(one.dump, '<p14@contoso.com>');
    assert.equal(single.length, 1);
    assert.equal(single[0]!.directioncode, true);
    assert.equal(decisionFor(one.dump, david, '<p14@contoso.com>')!.reason, 'InternalEmailReject');
    assert.equal(acceptanceUserIds(david).mailboxid, decisionFor(one.dump, david, '<p14@contoso.com>')!.mailboxId);
  } finally {
    cleanup(two);
    cleanup(one);
  }
});

test('P16 start date is the later of the profile and the mailbox: mail received between the two is skipped', () => {
  const f = structuredClone(
    withInboxMessage(
      acceptanceFixtureF(),
      ALICE,
      msg(
        '<p16@fabrikam.com>',
        BOB,
        [ALICE],
        'RE: Quote Q-100',
        { 'In-Reply-To': E1_MESSAGE_ID },
        { receivedDateTime: '2024-02-15T10:00:00Z', sentDateTime: '2024-02-15T09:59:00Z' },
      ),
    ),
  );
  const profile = 'dddd0000-0000-4000-8000-00000000000a';
  f.dataverse.emailserverprofiles = [
    { emailserverprofileid: profile, name: 'Exchange Online', processemailsreceivedafter: '2024-01-01T00:00:00Z' },
  ];
  const box = f.dataverse.mailboxes!.find((m) => m._regardingobjectid_value === ALICE_ID)!;
  box.processemailreceivedafter = '2024-03-01T00:00:00Z';
  box._emailserverprofile_value = profile;
  box['emailserverprofile@odata.type'] = 'emailserverprofile';
  const run = runTenant(f);
  try {
    const d = decisionFor(run.dump, ALICE, '<p16@fabrikam.com>')!;
    assert.equal(d.outcome, 'skipped');
    assert.equal(d.reason, 'BeforeProcessEmailReceivedAfter');
  } finally {
    cleanup(run);
  }
});
