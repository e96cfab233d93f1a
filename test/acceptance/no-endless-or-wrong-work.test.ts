// Issue 10, point 5 (bullets 2 to 4): no endless or wrong work. A tracked folder that is gone or unreadable
// costs the mailbox nothing, one Message-ID is promoted once per mailbox, subjects stay on one line.
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import {
  acceptanceFixtureF,
  withInboxMessage,
  withMessage,
  ALICE,
  ALICE_MAILBOX_ID,
  BOB,
  FABRIKAM_ACCOUNT_ID,
  SALES,
} from '../../local/tenant/acceptance';
import type { TenantFixture } from '../../local/tenant/fixture';
import { QUEUES } from '../../shared/ports';
import { runSchedule } from '../../shared/pipeline/schedule';
import { handleSyncMessage } from '../../shared/pipeline/sync';
import { handleWriteMessage } from '../../shared/pipeline/write';
import { evaluatePage } from '../../shared/pipeline/evaluate-page';
import { packWriteBatches } from '../../shared/pipeline/write-batches';
import { inbound, startPipeline } from '../support/pipeline';
import { cleanup, runTenant, type Dump } from '../support/cli';
import { msg } from './scenarios';

const FOLDER = 'AAMkA-fabrikam-folder';
const mapping = (n: number, over: Record<string, unknown>) => ({
  mailboxtrackingfolderid: `7f000000-0000-4000-8000-00000000000${n}`,
  _mailboxid_value: ALICE_MAILBOX_ID,
  'mailboxid@odata.type': 'mailbox',
  _regardingobjectid_value: FABRIKAM_ACCOUNT_ID,
  'regardingobjectid@odata.type': 'account',
  createdon: `2025-01-01T0${n}:00:00Z`,
  ...over,
});

/** Alice: a mail in the Inbox, a tracked folder "Fabrikam" with a mail, and two mappings whose folders are gone. */
function trackedFolders(): TenantFixture {
  let f = withInboxMessage(
    acceptanceFixtureF(),
    ALICE,
    msg('<inbox@fabrikam.com>', BOB, [ALICE], 'Hello', {}, { categories: ['Tracked to Dynamics 365'] }),
  );
  f = structuredClone(f);
  const inbox = f.exchange[ALICE]!.mailFolders.find((x) => x.wellKnownName === 'inbox')!;
  (inbox.childFolders ??= []).push({
    id: FOLDER,
    displayName: 'Fabrikam',
    parentFolderId: inbox.id ?? null,
    messages: [],
  });
  f = withMessage(f, ALICE, FOLDER, msg('<in-folder@fabrikam.com>', BOB, [ALICE], 'Site visit'));
  f.dataverse.mailboxtrackingfolders = [
    mapping(1, { exchangefolderid: FOLDER }),
    mapping(2, { exchangefolderid: 'AAMkA-deleted-folder' }),
    mapping(3, { exchangefoldername: 'Inbox/Gone' }),
  ];
  return f;
}

test("No endless or wrong work: a tracked folder that was deleted or cannot be read raises an alert and is skipped; it never disables the mailbox's incoming email", async () => {
  let unreadable = true;
  const p = await startPipeline(
    trackedFolders(),
    {},
    {
      graphIntercept: (req) =>
        unreadable && req.mailbox === ALICE && decodeURIComponent(req.path).includes(FOLDER)
          ? { status: 403, body: { error: { code: 'ErrorAccessDenied', message: 'Access is denied.' } } }
          : undefined,
    },
  );
  const cycle = async () => {
    const before = p.sent.length;
    await runSchedule(p.deps, { force: true });
    for (let i = before; i < p.sent.length; i++) {
      const s = p.sent[i]!;
      if (s.queue === QUEUES.syncJobs) await handleSyncMessage(inbound(s.message), p.deps);
      else if (s.queue === QUEUES.activityWrites) await handleWriteMessage(inbound(s.message), p.deps);
    }
  };
  const unavailable = async () =>
    (await p.deps.alerts.forMailbox(ALICE_MAILBOX_ID)).filter((a) => a.code === 'TrackingFolderUnavailable');
  const decided = async (id: string) =>
    (await p.deps.ledger.byMessage(id)).find((d) => d.mailboxId === ALICE_MAILBOX_ID);
  try {
    await cycle();
    const first = await unavailable();
    assert.equal(first.length, 3, 'one alert per folder: unreadable (403), deleted (404), not found by name');
    for (const a of first) {
      assert.equal(a.level, 'Warning');
      assert.doesNotMatch(a.message, /fabrikam|Gone|@/i, 'no folder name or address in the alert');
    }
    assert.ok(first.some((a) => /graph 403/.test(a.message)) && first.some((a) => /graph 404/.test(a.message)));
    const health = (await p.deps.mailboxes.get(ALICE_MAILBOX_ID))!.health;
    assert.equal(health.state, 'healthy', 'the mailbox keeps syncing');
    assert.equal(
      p.dataverse.dump().mailboxes!.find((m) => m.mailboxid === ALICE_MAILBOX_ID)!.enabledforincomingemail,
      true,
    );
    assert.equal((await decided('inbox@fabrikam.com'))?.outcome, 'promoted', 'the Inbox synced');
    assert.equal(await decided('in-folder@fabrikam.com'), undefined, 'the unreadable folder was skipped');

    // Still broken next cycle: no second alert.
    p.clock.advance(5 * 60_000);
    await cycle();
    assert.equal((await unavailable()).length, 3, 'not one alert per cycle');

    // It can be read again: its mail is tracked, one Information alert, the gone ones stay quiet.
    unreadable = false;
    p.clock.advance(5 * 60_000);
    await cycle();
    const back = await decided('in-folder@fabrikam.com');
    assert.equal(back?.reason, 'FolderTracked');
    const alerts = await p.deps.alerts.forMailbox(ALICE_MAILBOX_ID);
    assert.equal(alerts.filter((a) => a.code === 'TrackingFolderAvailable' && a.level === 'Information').length, 1);
    assert.equal((await unavailable()).length, 3);
    assert.deepEqual((await p.deps.mailboxes.get(ALICE_MAILBOX_ID))!.health.unavailableFolders, [
      '7f000000-0000-4000-8000-000000000002',
      '7f000000-0000-4000-8000-000000000003',
    ]);
    assert.equal(alerts.filter((a) => a.code === 'MailboxDisabled').length, 0);
  } finally {
    await p.stop();
  }
});

const decisionsOf = (dump: Dump, id: string) =>
  dump.decisions.filter((d) => d.mailbox === SALES && d.internetMessageId === id);

/** Two Exchange items with one Message-ID in the Sales mailbox: a first copy, and a second one (another content). */
function twice(): TenantFixture {
  let f = withInboxMessage(acceptanceFixtureF(), SALES, msg('<twice@fabrikam.com>', BOB, [SALES], 'first content'));
  f = withInboxMessage(f, SALES, msg('<between@fabrikam.com>', BOB, [SALES], 'another mail'));
  return withInboxMessage(f, SALES, msg('<twice@fabrikam.com>', BOB, [SALES], 'second, different content'));
}

test('No endless or wrong work: two Exchange items with the same Message-ID in one mailbox give one promoted decision and one Duplicate, never two promoted', () => {
  const f = twice();
  const [firstId, , secondId] = f.exchange[SALES]!.mailFolders.find((x) => x.wellKnownName === 'inbox')!.messages!.map(
    (m) => m.id,
  );
  const samePage = runTenant(f);
  const onePerPage = runTenant(f, [], { env: { GRAPH_PAGE_SIZE: '1' } });
  const withCrashes = runTenant(f, ['--faults', 'seed=4,crash=0.04,graph.410=0.1'], { env: { GRAPH_PAGE_SIZE: '1' } });
  try {
    for (const run of [samePage, onePerPage, withCrashes]) {
      const ds = decisionsOf(run.dump, '<twice@fabrikam.com>');
      assert.equal(ds.length, 2, 'a decision for each item');
      const promoted = ds.find((d) => d.outcome === 'promoted')!;
      const duplicate = ds.find((d) => d.outcome !== 'promoted')!;
      assert.equal(promoted.graphId, firstId, 'the first in delta order is promoted');
      assert.equal(duplicate.graphId, secondId);
      assert.equal(duplicate.reason, 'Duplicate');
      assert.equal(duplicate.activityid, promoted.activityid, 'the Duplicate names the row it duplicates');
      assert.equal((run.dump.dataverse.emails ?? []).filter((e) => e.messageid === '<twice@fabrikam.com>').length, 1);
      assert.equal(run.dump.deadLetters.length, 0);
    }
    const log = readFileSync(join(withCrashes.dir, 'data', 'exsync.log'), 'utf8');
    assert.ok((log.match(/host\.crashed/g) ?? []).length >= 1, 'a page was evaluated again after a crash');
  } finally {
    cleanup(samePage);
    cleanup(onePerPage);
    cleanup(withCrashes);
  }
});

test('No endless or wrong work: a page with the same Message-ID twice, evaluated again after a crash, decides the same (first promoted, second Duplicate)', async () => {
  const p = await startPipeline(twice());
  try {
    const ctx = await p.deps.dataverse.loadOrgContext();
    const mb = ctx.mailboxes.find((m) => m.address === SALES)!;
    const page = await p.deps.graph.messagesDelta(SALES, 'inbox', undefined);
    const decide = async () => await evaluatePage(page.value, { folder: 'inbox' }, mb, ctx, p.deps);
    const first = await decide();
    // The crash comes after the index entries were written (and even after the writes): the page runs again.
    await p.deps.correlation.put(first.index);
    for (const b of packWriteBatches(mb.mailboxid, first.entries, 200_000))
      await handleWriteMessage({ body: b, messageId: b.batchId, deliveryCount: 1 }, p.deps);
    const again = await decide();
    const summary = (r: typeof first) =>
      r.entries
        .filter((e) => e.decision.messageKey === 'twice@fabrikam.com')
        .map((e) => `${e.decision.graphId}:${e.decision.outcome}:${e.decision.reason}`);
    assert.deepEqual(
      summary(first).map((x) => x.split(':').slice(1).join(':')),
      ['promoted:AcceptAll', 'skipped:Duplicate'],
    );
    assert.deepEqual(summary(again), summary(first));
    const written = (await p.deps.ledger.byMessage('twice@fabrikam.com')).map((d) => d.outcome).sort();
    assert.deepEqual(written, ['promoted', 'skipped'], 'the write kept one promoted');
    // Had the second item come to the write stage as promoted, "exists, created by this mailbox" is not its own replay.
    const promoted = first.entries.find((e) => e.decision.messageKey === 'twice@fabrikam.com' && e.activity)!;
    const second = first.entries.find((e) => e.decision.messageKey === 'twice@fabrikam.com' && !e.activity)!.decision
      .graphId;
    const [forged] = packWriteBatches(
      mb.mailboxid,
      [{ ...promoted, decision: { ...promoted.decision, graphId: second } }],
      200_000,
    );
    await handleWriteMessage({ body: forged, messageId: forged!.batchId, deliveryCount: 1 }, p.deps);
    const replayed = (await p.deps.ledger.byMessage('twice@fabrikam.com')).find((d) => d.graphId === second)!;
    assert.equal(replayed.reason, 'Duplicate');
    assert.equal(
      (await p.deps.ledger.byMessage('twice@fabrikam.com')).filter((d) => d.outcome === 'promoted').length,
      1,
    );
  } finally {
    await p.stop();
  }
});

test('No endless or wrong work: a subject with CR, LF or other control characters is stored with them replaced by spaces', () => {
  const subject = 'Hello\r\nBcc: attacker@evil.example\r\nX-Injected: 1\tand\u0000more\u2028end';
  const f = withInboxMessage(
    acceptanceFixtureF(),
    SALES,
    msg('<inject@fabrikam.com>', BOB, [SALES], subject, { 'Reply-To': 'bob@fabrikam.com\r\nBcc: x@evil.example' }),
  );
  const run = runTenant(f);
  try {
    const row = (run.dump.dataverse.emails ?? []).find((e) => e.messageid === '<inject@fabrikam.com>')!;
    assert.equal(row.subject, 'Hello  Bcc: attacker@evil.example  X-Injected: 1 and more end');
    assert.doesNotMatch(String(row.internetmessageheaders), /\\r|\\n/, 'the kept Reply-To is on one line too');
    assert.match(String(row.internetmessageheaders), /"Reply-To":"bob@fabrikam.com  Bcc: x@evil.example"/);
  } finally {
    cleanup(run);
  }
});
