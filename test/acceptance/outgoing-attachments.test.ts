// Issue point "Attachments both ways", outgoing half: the attachment rows of an email in Pending Send go out
// with it within the organization's limits (docs/sss-parity.md#attachments); files of 3 MB or more through an
// upload session; a message over Graph's 4 MB request size created as a draft, filled, then sent; a send
// cut off midway resumed on the same draft, never sent twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALICE, ALICE_MAILBOX_ID, SALES, withOrgSettings } from '../../local/tenant/acceptance';
import type { FixtureFolder, Json, TenantFixture } from '../../local/tenant/fixture';
import { createStages } from '../../shared/pipeline/stages';
import { inbound, startPipeline, type TestPipeline } from '../support/pipeline';
import { cleanup, exsync, runTenant } from '../support/cli';
import { P1_ID, withPendingSend } from '../support/pending-send';
import { contentOf, withAttachmentRows } from '../support/outgoing-attachments';
import { join } from 'node:path';

type Folder = { wellKnownName?: string; messages?: Json[] };
const folderOf = (exchange: Record<string, unknown>, mailbox: string, name: string): Json[] =>
  ((exchange[mailbox] as { mailFolders: Folder[] }).mailFolders.find((f) => f.wellKnownName === name)?.messages ??
    []) as Json[];
const attachmentsOf = (m: Json | undefined): Json[] => (m?.attachments as Json[] | undefined) ?? [];

/**
 * P1 to the Sales mailbox of the tenant, so the delivered copy can be counted too. The address is a typed one
 * (no record), so the organization must allow unresolved recipients for the email to go.
 */
function toSales(f: TenantFixture): TenantFixture {
  const p1 = f.dataverse.emails!.find((e) => e.activityid === P1_ID)!;
  (p1.email_activity_parties as Json[])[1] = { participationtypemask: 2, addressused: SALES };
  return withOrgSettings(f, { allowunresolvedpartiesonemailsend: true });
}

test('Attachments both ways: an outgoing attachment at maxuploadfilesize is sent, one byte over is left out with its reason, a blocked extension in any case too, and an inline image stays inline (exsync run --dump shows the Sent row and the Sent Items copy with its attachments)', () => {
  let f = withOrgSettings(withPendingSend(), { maxuploadfilesize: 2048, blockedattachments: 'exe; .JS' });
  f.dataverse.emails!.find((e) => e.activityid === P1_ID)!.description =
    '<p>Our proposal</p><img src="cid:logo@contoso.com">';
  f = withAttachmentRows(f, P1_ID, [
    { name: 'at-limit.pdf', size: 2048, mimetype: 'application/pdf' },
    { name: 'over.pdf', size: 2049, mimetype: 'application/pdf' },
    { name: 'Setup.EXE', size: 10 },
    { name: 'tool.js', size: 10 },
    { name: 'logo.png', size: 30, mimetype: 'image/png', contentId: 'logo@contoso.com' },
  ]);
  const run = runTenant(f);
  try {
    const row = run.dump!.dataverse.emails.find((e) => e.activityid === P1_ID)!;
    assert.equal(row.statuscode, 3, 'Sent');
    const copies = folderOf(run.dump!.exchange, ALICE, 'sentitems').filter(
      (m) => m.internetMessageId === row.messageid,
    );
    assert.equal(copies.length, 1, 'one copy in Sent Items');
    const files = attachmentsOf(copies[0]);
    assert.deepEqual(
      files.map((a) => a.name),
      ['at-limit.pdf', 'logo.png'],
    );
    const [pdf, logo] = files;
    assert.equal(pdf.contentBytes, contentOf('at-limit.pdf', 2048), 'the file at the limit, byte for byte');
    assert.equal(pdf.contentType, 'application/pdf');
    assert.deepEqual([logo.isInline, logo.contentId, logo.contentType], [true, 'logo@contoso.com', 'image/png']);
    const decision = run.dump!.decisions.find((d) => d.graphId === P1_ID)!;
    assert.deepEqual([decision.outcome, decision.reason], ['sent', 'Sent']);
    assert.equal(decision.detail, '3 attachment(s) left out: 1 over the size limit, 2 blocked extension');
    // explain for sends shows it too.
    const explained = exsync(['explain', '--item', P1_ID, '--data', join(run.dir, 'data')], { dir: run.dir });
    assert.equal(explained.code, 0, explained.stderr);
    assert.match(explained.stdout, /3 attachment\(s\) left out: 1 over the size limit, 2 blocked extension/);
  } finally {
    cleanup(run);
  }
});

/** One send cycle: the schedule, then every send job it enqueued. */
async function cycle(p: TestPipeline): Promise<void> {
  const stages = createStages(p.deps);
  const before = p.sent.length;
  await stages.schedule({ force: true });
  for (const s of p.sent.slice(before))
    if ((s.message.body as Json).kind === 'send') await stages.sync(inbound(s.message));
}

const LARGE = [
  { name: 'large.bin', size: 4_500_000 },
  { name: 'medium-1.bin', size: 2_000_000 },
  { name: 'medium-2.bin', size: 2_000_000 },
];
const largeFixture = () =>
  withAttachmentRows(
    toSales(withOrgSettings(withPendingSend(), { maxuploadfilesize: 10 * 1024 * 1024 })),
    P1_ID,
    LARGE,
  );

async function row(p: TestPipeline): Promise<Json> {
  return (await fetch(`${p.dataverse.baseUrl}/emails(${P1_ID})?$select=statuscode,messageid`, {
    headers: { Authorization: 'Bearer test-token' },
  }).then((r) => r.json())) as Json;
}

/** Exactly once, counted in Exchange: one copy in Sent Items and one in the Sales Inbox, each with every file once. */
async function assertSentOnceWithEveryFile(p: TestPipeline): Promise<void> {
  const r = await row(p);
  assert.equal(r.statuscode, 3, 'Sent');
  const state = p.graph.exchangeState();
  const mine = (mailbox: string, folder: string) =>
    (state[mailbox].mailFolders.find((x: FixtureFolder) => x.wellKnownName === folder)?.messages ?? []).filter(
      (m) => m.internetMessageId === r.messageid,
    );
  const drafts = state[ALICE].mailFolders.find((x: FixtureFolder) => x.wellKnownName === 'drafts')?.messages ?? [];
  assert.equal(drafts.length, 0, 'no draft left behind');
  for (const [mailbox, folder] of [
    [ALICE, 'sentitems'],
    [SALES, 'inbox'],
  ]) {
    const copies = mine(mailbox, folder);
    assert.equal(copies.length, 1, `one copy in ${mailbox} ${folder}`);
    const files = attachmentsOf(copies[0]);
    assert.deepEqual(files.map((a) => a.name).sort(), LARGE.map((l) => l.name).sort(), `every file once (${folder})`);
    for (const l of LARGE)
      assert.ok(
        files.find((a) => a.name === l.name)!.contentBytes === contentOf(l.name, l.size),
        `${l.name} arrived byte for byte`,
      );
  }
}

test('Attachments both ways: a file of 3 MB or more goes through an upload session in byte ranges, and a message over 4 MB is created as a draft, filled, then sent', async () => {
  const puts: string[] = [];
  const p = await startPipeline(
    largeFixture(),
    {},
    { graphIntercept: (req) => void (req.method === 'PUT' && puts.push(req.path)) },
  );
  try {
    await cycle(p);
    await assertSentOnceWithEveryFile(p);
    const routes = p.graph.stats().byRoute;
    assert.equal(routes['POST message/attachments/createUploadSession'], 1, 'one upload session, for the large file');
    assert.equal(routes['PUT upload session'], 2, '4.5 MB in two ranges of at most 4 MB');
    assert.equal(
      routes['POST message/attachments'],
      1,
      'the second 2 MB file POSTed after the create: 4 MB in one request is too much',
    );
    assert.equal(routes['POST message/send'], 1, 'sent once');
  } finally {
    await p.stop();
  }
});

test('Attachments both ways: a send cut off mid-upload resumes the draft found by its activity id: sent once, with every file once', async () => {
  let puts = 0;
  const p = await startPipeline(
    largeFixture(),
    {},
    {
      // The second range of the first upload fails: the draft exists, the large file is not attached yet.
      graphIntercept: (req) =>
        req.method === 'PUT' && ++puts === 2
          ? { status: 503, body: { error: { code: 'ServiceUnavailable', message: 'injected by the test' } } }
          : undefined,
    },
  );
  try {
    await cycle(p).catch(() => undefined);
    assert.equal((await row(p)).statuscode, 7, 'left in Sending after the cut');
    const decision = await p.deps.ledger.get(ALICE_MAILBOX_ID, 'email', P1_ID);
    assert.deepEqual([decision?.outcome, decision?.reason], ['pending', 'SendRetry']);
    const drafts =
      p.graph.exchangeState()[ALICE].mailFolders.find((x: FixtureFolder) => x.wellKnownName === 'drafts')?.messages ??
      [];
    assert.equal(drafts.length, 1, 'the draft exists');
    assert.ok(!attachmentsOf(drafts[0]).some((a) => a.name === 'large.bin'), 'without the large file');
    p.clock.advance(5 * 60_000);
    await cycle(p);
    await assertSentOnceWithEveryFile(p);
    const routes = p.graph.stats().byRoute;
    assert.equal(routes['POST messages'], 1, 'the draft was created once');
    assert.equal(
      routes['POST message/attachments/createUploadSession'],
      2,
      'the large file uploaded again in a new session',
    );
  } finally {
    await p.stop();
  }
});
