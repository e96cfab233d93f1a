// Fixture F with an email waiting to go out, for the send stage's tests.
import { acceptanceFixtureF, ALICE, ALICE_ID, BOB, BOB_CONTACT_ID } from '../../local/tenant/acceptance';
import type { Json, TenantFixture } from '../../local/tenant/fixture';

export const P1_ID = '5e4d0000-0000-4000-8000-000000000101';

/** Fixture F with P1: Alice -> Bob, subject "Proposal", in Pending Send. */
export function withPendingSend(): TenantFixture {
  const f = acceptanceFixtureF();
  const p1: Json = {
    activityid: P1_ID,
    subject: 'Proposal',
    description: '<p>Our proposal</p>',
    directioncode: true,
    statecode: 1,
    statuscode: 6,
    createdon: '2025-01-10T09:55:00Z',
    _ownerid_value: ALICE_ID,
    email_activity_parties: [
      { participationtypemask: 1, _partyid_value: ALICE_ID, 'partyid@odata.type': 'systemuser', addressused: ALICE },
      { participationtypemask: 2, _partyid_value: BOB_CONTACT_ID, 'partyid@odata.type': 'contact', addressused: BOB },
    ],
  };
  f.dataverse.emails = [...(f.dataverse.emails ?? []), p1];
  return f;
}
