// Issue 10, point 9: smart matching end to end, with SSS's semantics, found through the hash index (the
// emails another writer created reach it through the feed of Dataverse emails).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  acceptanceFixtureF,
  withInboxMessage,
  withOrgSettings,
  ALICE,
  ALICE_ID,
  BOB,
  BOB_CONTACT_ID,
  OPP1_ID,
} from '../../local/tenant/acceptance';
import type { TenantFixture } from '../../local/tenant/fixture';
import { cleanup, decisionFor, runTenant } from '../support/cli';
import { msg } from './scenarios';

const E3 = 'e3e30000-0000-4000-8000-000000000007';
const E4 = 'e4e40000-0000-4000-8000-000000000008';

/** Smart matching on; E3 "Pricing for Q3" and E4 "50% off [promo] item_1", sent by Alice to Bob from Dynamics 365. */
function fixture(delta: number): TenantFixture {
  const f = structuredClone(
    withOrgSettings(acceptanceFixtureF(), { enablesmartmatching: true, hashdeltasubjectcount: delta }),
  );
  const sent = (activityid: string, subject: string, createdon: string) => ({
    activityid,
    subject,
    messageid: `<${activityid}@contoso.onmicrosoft.com>`,
    directioncode: true,
    statecode: 1,
    statuscode: 3,
    createdon,
    _regardingobjectid_value: OPP1_ID,
    'regardingobjectid@odata.type': 'opportunity',
    email_activity_parties: [
      { participationtypemask: 1, _partyid_value: ALICE_ID, 'partyid@odata.type': 'systemuser', addressused: ALICE },
      // Resolved to Bob's contact without an address: matched through the row Bob's address resolves to.
      { participationtypemask: 2, _partyid_value: BOB_CONTACT_ID, 'partyid@odata.type': 'contact' },
    ],
  });
  f.dataverse.emails!.push(
    sent(E3, 'Pricing for Q3', '2025-01-05T09:00:00Z'),
    sent(E4, '50% off [promo] item_1', '2025-01-06T09:00:00Z'),
  );
  return f;
}
const reply = (id: string, subject: string) => msg(id, BOB, [ALICE], subject);

test("Dataverse queries that hold at scale, with SSS's semantics: word order does not matter, and %, _, [ ] in subjects are plain characters", () => {
  let f = fixture(0);
  f = withInboxMessage(f, ALICE, reply('<order@fabrikam.com>', 'RE: Q3 for Pricing'));
  f = withInboxMessage(f, ALICE, reply('<chars@fabrikam.com>', 'RE: [promo] item_1 50% off'));
  f = withInboxMessage(f, ALICE, reply('<not-wildcards@fabrikam.com>', 'RE: 50_ off [promo] item%1'));
  const run = runTenant(f);
  try {
    assert.equal(run.dump.deadLetters.length, 0, 'no query errors');
    const order = decisionFor(run.dump, ALICE, '<order@fabrikam.com>')!;
    assert.equal(order.correlationMethod, 'SmartMatching');
    assert.equal(order.correlatedActivityId, E3);
    const chars = decisionFor(run.dump, ALICE, '<chars@fabrikam.com>')!;
    assert.equal(chars.correlationMethod, 'SmartMatching');
    assert.equal(chars.correlatedActivityId, E4);
    const plain = decisionFor(run.dump, ALICE, '<not-wildcards@fabrikam.com>')!;
    assert.equal(plain.outcome, 'skipped');
    assert.equal(plain.reason, 'NoCorrelationMatch', '_ and % match only themselves');
  } finally {
    cleanup(run);
  }
});

test("Dataverse queries that hold at scale, with SSS's semantics: one more or one fewer word matches with HashDeltaSubjectCount 1, not with 0", () => {
  const withReplies = (delta: number) => {
    let f = fixture(delta);
    f = withInboxMessage(f, ALICE, reply('<more@fabrikam.com>', 'RE: Pricing for Q3 update'));
    return withInboxMessage(f, ALICE, reply('<fewer@fabrikam.com>', 'RE: Pricing Q3'));
  };
  const one = runTenant(withReplies(1));
  const zero = runTenant(withReplies(0));
  try {
    for (const id of ['<more@fabrikam.com>', '<fewer@fabrikam.com>']) {
      const d = decisionFor(one.dump, ALICE, id)!;
      assert.equal(d.correlationMethod, 'SmartMatching', `${id} with 1`);
      assert.equal(d.correlatedActivityId, E3);
      assert.equal(decisionFor(zero.dump, ALICE, id)!.reason, 'NoCorrelationMatch', `${id} with 0`);
    }
  } finally {
    cleanup(one);
    cleanup(zero);
  }
});
