// Exactly once, on the real simulators: a run that crashed after Exchange sent the email but before the row
// became Sent leaves it in Sending; the next run finds the copy in Sent Items and does not send it again
// (counted in Exchange: Sent Items and the recipient's Inbox).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALICE, ALICE_ID, ALICE_MAILBOX_ID, SALES } from '../../local/tenant/acceptance';
import type { FixtureFolder } from '../../local/tenant/fixture';
import { createStages } from '../../shared/pipeline/stages';
import { inbound, startPipeline } from '../support/pipeline';
import { P1_ID, withPendingSend } from '../support/pending-send';

test('Exactly once: a crash after the send and before Sent neither sends twice nor loses the send (counted in Exchange)', async () => {
  const f = withPendingSend();
  const p1 = f.dataverse.emails!.find((e) => e.activityid === P1_ID)!;
  // To the Sales mailbox of the tenant, so the delivered copies can be counted too.
  (p1.email_activity_parties as Record<string, unknown>[])[1] = { participationtypemask: 2, addressused: SALES };
  const p = await startPipeline(f);
  try {
    // The crashed run: claimed, sent, and gone before it could mark the row Sent.
    const [pending] = await p.deps.outbox!.pending({ type: 'systemuser', id: ALICE_ID });
    assert.ok(await p.deps.outbox!.claim(pending));
    const first = await p.deps.mailSend!.send(ALICE, { ...pending, subject: 'Proposal CRM:0001002' });

    const stages = createStages(p.deps);
    const before = p.sent.length;
    await stages.schedule({ force: true });
    const jobs = p.sent.slice(before).filter((s) => (s.message.body as { kind: string }).kind === 'send');
    assert.equal(jobs.length, 1, 'a send job for the row left in Sending');
    for (const s of jobs) await stages.sync(inbound(s.message));

    const state = p.graph.exchangeState();
    const count = (mailbox: string, folder: string) =>
      (state[mailbox].mailFolders.find((x: FixtureFolder) => x.wellKnownName === folder)?.messages ?? []).filter(
        (m) => m.internetMessageId === first.internetMessageId || m.subject === 'Proposal CRM:0001002',
      ).length;
    assert.equal(count(ALICE, 'sentitems'), 1, 'one copy in Sent Items');
    assert.equal(count(SALES, 'inbox'), 1, 'delivered once');
    const row = (await fetch(`${p.dataverse.baseUrl}/emails(${P1_ID})?$select=statuscode,messageid,trackingtoken`, {
      headers: { Authorization: 'Bearer test-token' },
    }).then((r) => r.json())) as Record<string, unknown>;
    assert.deepEqual([row.statuscode, row.messageid, row.trackingtoken], [3, first.internetMessageId, 'CRM:0001002']);
    const decision = await p.deps.ledger.get(ALICE_MAILBOX_ID, 'email', P1_ID);
    assert.deepEqual([decision?.outcome, decision?.reason], ['sent', 'SentBefore']);
  } finally {
    await p.stop();
  }
});

test('Exactly once: of two workers that read the same Pending Send row, only one can claim it (If-Match on its ETag)', async () => {
  const p = await startPipeline(withPendingSend());
  try {
    const owner = { type: 'systemuser', id: ALICE_ID };
    const [a] = await p.deps.outbox!.pending(owner);
    const [b] = await p.deps.outbox!.pending(owner);
    assert.equal(a.etag, b.etag);
    assert.equal(await p.deps.outbox!.claim(a), true, 'the first claim wins');
    assert.equal(await p.deps.outbox!.claim(b), false, 'the second sees the row changed');
    const [again] = await p.deps.outbox!.pending(owner);
    assert.equal(again.statuscode, 7, 'Sending');
  } finally {
    await p.stop();
  }
});
