// Fixture F with mail SSS has already tracked: Dataverse holds SSS's email rows for some of the messages in
// the mailboxes, with deliberate disagreements (a row the product would not write, a message the product
// would track that SSS left, a row of the other direction). For the shadow-mode scenarios.
import {
  acceptanceFixtureF,
  withInboxMessage,
  ALICE,
  ALICE_MAILBOX_ID,
  BOB,
  E1_MESSAGE_ID,
  OPP1_ID,
  SALES,
  SALES_MAILBOX_ID,
} from '../../local/tenant/acceptance';
import type { Json, TenantFixture } from '../../local/tenant/fixture';
import { stableGuid } from '../../local/tenant/ids';

const message = (id: string, from: string, to: string, subject: string, headers: Record<string, string> = {}) => ({
  internetMessageId: id,
  subject,
  from: { emailAddress: { address: from } },
  toRecipients: [{ emailAddress: { address: to } }],
  internetMessageHeaders: Object.entries(headers).map(([name, value]) => ({ name, value })),
  body: { contentType: 'html', content: `<p>${subject}</p>` },
});

/** An email row as SSS writes it for mail it tracked: Completed, Received (incoming) or Sent (outgoing). */
function sssRow(messageid: string, outgoing: boolean, mailboxId: string, regarding?: string): Json {
  return {
    activityid: stableGuid(`sss:${messageid}:${outgoing}`),
    subject: `tracked by SSS ${messageid}`,
    messageid,
    directioncode: outgoing,
    statecode: 1,
    statuscode: outgoing ? 3 : 4,
    createdon: '2025-01-09T12:00:00Z',
    _receivingmailboxid_value: mailboxId,
    ...(regarding ? { _regardingobjectid_value: regarding, 'regardingobjectid@odata.type': 'opportunity' } : {}),
  };
}

/** The Message-IDs of the scenario, by what each shows. */
export const SHADOW = {
  /** Bob to the Sales queue (filter All); SSS tracked it: both track, AcceptAll. */
  bothAcceptAll: '<s1@fabrikam.com>',
  /** Bob's reply to E1 in Alice's Inbox; SSS tracked it: both track, CorrelationMatch. */
  bothCorrelated: '<s2@fabrikam.com>',
  /** A stranger to Alice (filter: correlated mail only); SSS left it: neither, NoCorrelationMatch. */
  neither: '<s3@unknown.example>',
  /** Bob to Sales; SSS has no row: the product would track it, SSS did not. */
  productOnly: '<s4@fabrikam.com>',
  /** A stranger to Alice, but SSS has an incoming row: SSS tracked it, the product would not. */
  sssOnly: '<s5@unknown.example>',
  /** Bob to Sales; SSS's only row is outgoing (another direction): the product would track it, SSS did not. */
  otherDirection: '<s6@fabrikam.com>',
};

export function shadowFixture(): TenantFixture {
  let f = acceptanceFixtureF();
  f = withInboxMessage(f, SALES, message(SHADOW.bothAcceptAll, BOB, SALES, 'Order 1'));
  f = withInboxMessage(
    f,
    ALICE,
    message(SHADOW.bothCorrelated, BOB, ALICE, 'RE: Quote Q-100', { 'In-Reply-To': E1_MESSAGE_ID }),
  );
  f = withInboxMessage(f, ALICE, message(SHADOW.neither, 'someone@unknown.example', ALICE, 'Hello'));
  f = withInboxMessage(f, SALES, message(SHADOW.productOnly, BOB, SALES, 'Order 2'));
  f = withInboxMessage(f, ALICE, message(SHADOW.sssOnly, 'other@unknown.example', ALICE, 'Offer'));
  f = withInboxMessage(f, SALES, message(SHADOW.otherDirection, BOB, SALES, 'Order 3'));
  f.dataverse.emails = [
    ...(f.dataverse.emails ?? []),
    sssRow(SHADOW.bothAcceptAll, false, SALES_MAILBOX_ID),
    sssRow(SHADOW.bothCorrelated, false, ALICE_MAILBOX_ID, OPP1_ID),
    sssRow(SHADOW.sssOnly, false, ALICE_MAILBOX_ID),
    sssRow(SHADOW.otherDirection, true, SALES_MAILBOX_ID),
  ];
  return f;
}
