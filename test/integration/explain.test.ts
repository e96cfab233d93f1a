// "Why was this email (not) tracked?": exsync explain answers from the ledger, per mailbox, with the
// parties it resolved and the filters it asked; "never seen" is told apart from "seen and skipped".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  acceptanceFixtureF,
  withInboxMessage,
  ALICE,
  BOB,
  ALICE_ID,
  BOB_CONTACT_ID,
} from '../../local/tenant/acceptance';
import { cleanup, exsync, runTenant } from '../support/cli';

test('explain: a skipped mail shows the reason, each party with its resolved record, and the filter that said no', () => {
  const f = withInboxMessage(acceptanceFixtureF(), ALICE, {
    internetMessageId: '<why@fabrikam.com>',
    subject: 'Hello',
    from: { emailAddress: { address: BOB } },
    toRecipients: [{ emailAddress: { address: ALICE } }],
  });
  const run = runTenant(f);
  try {
    const data = join(run.dir, 'data');
    const json = exsync(['explain', '<why@fabrikam.com>', '--data', data, '--json'], { dir: run.dir });
    assert.equal(json.code, 0, json.stderr);
    const e = JSON.parse(json.stdout);
    assert.equal(e.seen, true);
    assert.equal(e.mailboxes.length, 1);
    const m = e.mailboxes[0];
    assert.equal(m.mailbox, ALICE);
    assert.equal(m.outcome, 'skipped');
    assert.equal(m.reason, 'NoCorrelationMatch');
    const from = m.evaluation.parties.find((p: { role: string }) => p.role === 'from');
    assert.deepEqual(from.resolved, [{ type: 'contact', id: BOB_CONTACT_ID }]);
    const to = m.evaluation.parties.find((p: { role: string }) => p.role === 'to');
    assert.deepEqual(to.resolved, [{ type: 'systemuser', id: ALICE_ID }]);
    assert.deepEqual(m.evaluation.filters, [
      { entity: { type: 'systemuser', id: ALICE_ID }, filter: 1, accepted: false },
    ]);

    const text = exsync(['explain', 'why@fabrikam.com', '--data', data], { dir: run.dir });
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /skipped, NoCorrelationMatch/);
    assert.match(text.stdout, /filter 1 \(Email messages in response to Dynamics 365 email\) -> does not accept/);

    const never = exsync(['explain', '<never@nowhere.io>', '--data', data, '--json'], { dir: run.dir });
    assert.equal(never.code, 0, never.stderr);
    assert.deepEqual(JSON.parse(never.stdout), { internetMessageId: '<never@nowhere.io>', seen: false, mailboxes: [] });
  } finally {
    cleanup(run);
  }
});

test('explain refuses what is not a Message-ID, and a data directory where nothing ran', () => {
  const bad = exsync(['explain', 'two words']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /is not a Message-ID/);
  const empty = exsync(['explain', '<x@y>', '--data', 'nowhere']);
  assert.notEqual(empty.code, 0);
  assert.match(empty.stderr, /nothing has run in nowhere/);
  cleanup(bad);
  cleanup(empty);
});
