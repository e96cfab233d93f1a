// Scenarios A1 and A2: outgoing email as server-side synchronization sends it (docs/sss-parity.md#outgoing-email).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALICE, ALICE_MAILBOX_ID } from '../../local/tenant/acceptance';
import type { Json } from '../../local/tenant/fixture';
import { P1_ID, withPendingSend } from '../support/pending-send';
import { createStages } from '../../shared/pipeline/stages';
import { inbound, startPipeline } from '../support/pipeline';
import { cleanup, exsync, runTenant, type Dump } from '../support/cli';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Folder = { wellKnownName?: string; messages?: Json[] };
const sentItems = (exchange: Record<string, unknown>, mailbox: string): Json[] =>
  ((exchange[mailbox] as { mailFolders: Folder[] }).mailFolders.find((f) => f.wellKnownName === 'sentitems')
    ?.messages ?? []) as Json[];

test('A1 Outgoing send: a Pending Send email goes out with the next token, becomes Sent with the Message-ID Exchange used, and a copy is in Sent Items', () => {
  const run = runTenant(withPendingSend());
  try {
    const row = run.dump.dataverse.emails.find((e) => e.activityid === P1_ID)!;
    assert.equal(row.statuscode, 3);
    assert.equal(row.statecode, 1);
    assert.equal(row.trackingtoken, 'CRM:0001002');
    assert.equal(row.subject, 'Proposal CRM:0001002');
    const copies = sentItems(run.dump.exchange, ALICE).filter((m) => m.subject === 'Proposal CRM:0001002');
    assert.equal(copies.length, 1, 'one copy in Alice’s Sent Items');
    assert.equal(row.messageid, copies[0].internetMessageId);
    assert.deepEqual(
      (copies[0].singleValueExtendedProperties as Json[]).map((p) => p.value),
      [P1_ID],
      'the copy carries the activity id',
    );
    // Exactly one email row for the message: the Sent Items copy is not a second activity.
    assert.equal(run.dump.dataverse.emails.filter((e) => e.messageid === row.messageid).length, 1);
    // explain for sends: the ledger answers by the activity id.
    const explained = exsync(['explain', '--item', P1_ID, '--data', join(run.dir, 'data'), '--json'], { dir: run.dir });
    assert.equal(explained.code, 0, explained.stderr);
    const answer = JSON.parse(explained.stdout) as { mailboxes: { outcome: string; reason: string }[] };
    assert.deepEqual(
      answer.mailboxes.map((m) => [m.outcome, m.reason]),
      [['sent', 'Sent']],
    );
  } finally {
    cleanup(run);
  }
});

test('A1 Outgoing send: the copy in Sent Items is recognised by the Sent Items sync as the same row (no second activity)', () => {
  const env = { AUTO_TRACK_SENT_ITEMS: 'true' };
  const run = runTenant(withPendingSend(), [], { env });
  try {
    // A second run on the same data: whichever order the first run took, the Sent Items copy has been synced.
    const again = exsync(['run', '--once', '--data', join(run.dir, 'data'), '--dump', join(run.dir, 'dump2.json')], {
      dir: run.dir,
      env,
    });
    assert.equal(again.code, 0, again.stderr);
    const dump = JSON.parse(readFileSync(join(run.dir, 'dump2.json'), 'utf8')) as Dump;
    const row = dump.dataverse.emails.find((e) => e.activityid === P1_ID)!;
    assert.equal(row.statuscode, 3);
    assert.equal(dump.dataverse.emails.filter((e) => e.messageid === row.messageid).length, 1, 'one row');
    const decisions = dump.decisions.filter((d) => d.mailbox === ALICE && d.internetMessageId === row.messageid);
    const copy = decisions.find((d) => d.graphId !== P1_ID);
    assert.ok(copy, 'the Sent Items copy was evaluated');
    assert.equal(copy.reason, 'Duplicate', JSON.stringify(copy));
    assert.deepEqual(
      decisions.filter((d) => d.graphId === P1_ID).map((d) => [d.outcome, d.reason]),
      [['sent', 'Sent']],
      'and the send itself',
    );
  } finally {
    cleanup(run);
  }
});

test('A2 Quota error: ErrorQuotaExceeded keeps the email in Pending Send, logs an Error alert on Alice’s mailbox, and the next cycle sends it', async () => {
  let quota = true;
  const p = await startPipeline(
    withPendingSend(),
    {},
    {
      graphIntercept: (req) =>
        quota && req.method === 'POST' && req.mailbox === ALICE
          ? { status: 403, body: { error: { code: 'ErrorQuotaExceeded', message: 'injected by the test' } } }
          : undefined,
    },
  );
  const stages = createStages(p.deps);
  const cycle = async () => {
    const before = p.sent.length;
    await stages.schedule({ force: true });
    for (const s of p.sent.slice(before))
      if ((s.message.body as Json).kind === 'send') await stages.sync(inbound(s.message));
  };
  const row = async () =>
    (await fetch(`${p.dataverse.baseUrl}/emails(${P1_ID})?$select=statuscode,messageid`, {
      headers: { Authorization: 'Bearer test-token' },
    }).then((r) => r.json())) as Json;
  try {
    await cycle();
    assert.equal((await row()).statuscode, 6, 'still Pending Send');
    const alerts = await p.deps.alerts.forMailbox(ALICE_MAILBOX_ID);
    assert.ok(
      alerts.some((a) => a.level === 'Error' && a.code === 'ErrorQuotaExceeded'),
      JSON.stringify(alerts),
    );
    quota = false;
    p.clock.advance(5 * 60_000);
    await cycle();
    assert.equal((await row()).statuscode, 3, 'sent on the next cycle');
  } finally {
    await p.stop();
  }
});

test('A2 Quota error, through exsync run: with every create/send answered ErrorQuotaExceeded the email stays Pending Send with an Error alert on Alice’s mailbox; the next run sends it', () => {
  const run = runTenant(withPendingSend(), ['--faults', 'seed=1,graph.quota=1']);
  try {
    const row = run.dump.dataverse.emails.find((e) => e.activityid === P1_ID)!;
    assert.equal(row.statuscode, 6, 'still Pending Send');
    const alerts = (run.dump as unknown as { alerts: { mailboxId: string; level: string; code: string }[] }).alerts;
    assert.ok(
      alerts.some((a) => a.mailboxId === ALICE_MAILBOX_ID && a.level === 'Error' && a.code === 'ErrorQuotaExceeded'),
      JSON.stringify(alerts),
    );
    assert.equal(sentItems(run.dump.exchange, ALICE).length, 0, 'nothing went out');
    const next = exsync(['run', '--once', '--data', join(run.dir, 'data'), '--dump', join(run.dir, 'dump2.json')], {
      dir: run.dir,
    });
    assert.equal(next.code, 0, next.stderr);
    const dump = JSON.parse(readFileSync(join(run.dir, 'dump2.json'), 'utf8')) as Dump;
    assert.equal(dump.dataverse.emails.find((e) => e.activityid === P1_ID)!.statuscode, 3, 'sent by the next run');
    assert.equal(sentItems(dump.exchange, ALICE).length, 1);
  } finally {
    cleanup(run);
  }
});
