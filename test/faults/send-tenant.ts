// The send fault suite's tenant: fixture F with a second user (Carol) and fifteen emails in Pending Send
// from Alice, Carol and the Sales queue, most of them to mailboxes of the tenant, so every delivery can be
// counted in Exchange (Sent Items of the sender, Inbox of each recipient). Some carry attachments: small ones,
// an inline image, and a file of 3 MB or more that goes through an upload session.
import {
  acceptanceFixtureF,
  acceptanceUserIds,
  ALICE,
  ALICE_ID,
  BOB,
  BOB_CONTACT_ID,
  SALES,
  SALES_QUEUE_ID,
  withUser,
} from '../../local/tenant/acceptance';
import type { Json, TenantFixture } from '../../local/tenant/fixture';
import { stableGuid } from '../../local/tenant/ids';
import { withAttachmentRows, type RowSpec } from '../support/outgoing-attachments';

export const CAROL = 'carol@contoso.com';
const CAROL_ID = acceptanceUserIds(CAROL).systemuserid;

/** One pending email as the suite counts it: its sender and the tenant's mailboxes it must arrive in. */
export interface PendingSendCase {
  activityid: string;
  /** Unique per email, so its copies can be found whatever token the send added. */
  subject: string;
  from: string;
  internalTo: string[];
  /** Its attachment rows: each must arrive once with the email, none without it. */
  files: RowSpec[];
}

/** Attachments in turn: none, small ones (one inline), a large one through an upload session with a small one. */
const FILES: RowSpec[][] = [
  [],
  [{ name: 'offer.pdf', size: 20_000, mimetype: 'application/pdf' }],
  [],
  [
    { name: 'terms.pdf', size: 5_000 },
    { name: 'logo.png', size: 300, mimetype: 'image/png', contentId: 'logo@contoso.com' },
  ],
  [],
  [
    { name: 'catalogue.pdf', size: 3_100_000, mimetype: 'application/pdf' },
    { name: 'prices.csv', size: 1_000, mimetype: 'text/csv' },
  ],
];

const SENDERS = [
  { address: ALICE, id: ALICE_ID, type: 'systemuser' },
  { address: CAROL, id: CAROL_ID, type: 'systemuser' },
  { address: SALES, id: SALES_QUEUE_ID, type: 'queue' },
];
/** Recipients in turn: inside the tenant (Inbox deliveries to count) or Bob outside it. */
const RECIPIENTS = [
  { address: SALES, id: SALES_QUEUE_ID, type: 'queue', internal: true },
  { address: BOB, id: BOB_CONTACT_ID, type: 'contact', internal: false },
  { address: CAROL, id: CAROL_ID, type: 'systemuser', internal: true },
  { address: ALICE, id: ALICE_ID, type: 'systemuser', internal: true },
];

export function sendTenant(count = 15): { fixture: TenantFixture; cases: PendingSendCase[] } {
  const fixture = withUser(acceptanceFixtureF(), { fullname: 'Carol', address: CAROL, filter: 1 });
  const cases: PendingSendCase[] = [];
  const rows: Json[] = [];
  for (let i = 1; i <= count; i++) {
    const from = SENDERS[i % SENDERS.length];
    const to = RECIPIENTS.filter((r) => r.address !== from.address)[i % 3];
    const activityid = stableGuid(`sendfaults:email:${i}`);
    const subject = `Offer ${String(i).padStart(2, '0')}`;
    const files = FILES[i % FILES.length];
    cases.push({ activityid, subject, from: from.address, internalTo: to.internal ? [to.address] : [], files });
    rows.push({
      activityid,
      subject,
      description: `<p>Offer number ${i}</p>`,
      directioncode: true,
      statecode: 1,
      statuscode: 6,
      createdon: `2025-01-10T09:${String(10 + i).padStart(2, '0')}:00Z`,
      _ownerid_value: from.type === 'systemuser' ? from.id : ALICE_ID,
      email_activity_parties: [
        {
          participationtypemask: 1,
          _partyid_value: from.id,
          'partyid@odata.type': from.type,
          addressused: from.address,
        },
        { participationtypemask: 2, _partyid_value: to.id, 'partyid@odata.type': to.type, addressused: to.address },
      ],
    });
  }
  fixture.dataverse.emails = [...(fixture.dataverse.emails ?? []), ...rows];
  for (const c of cases) withAttachmentRows(fixture, c.activityid, c.files);
  return { fixture, cases };
}
