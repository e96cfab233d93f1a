// Issue 10, point 10: rules of the specification that were missing, run end to end (`exsync run --once`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  acceptanceFixtureF,
  withInboxMessage,
  withMessage,
  withOrgDbSetting,
  withUserFilter,
  ALICE,
  ALICE_ID,
  ALICE_MAILBOX_ID,
  BOB,
  E1_ID,
  E1_MESSAGE_ID,
  FABRIKAM_ACCOUNT_ID,
  SALES,
  SALES_QUEUE_ID,
} from '../../local/tenant/acceptance';
import type { TenantFixture } from '../../local/tenant/fixture';
import { emailActivityId, normalizeMessageId, queueItemId } from '../../shared/domain/message-id';
import { cleanup, decisionFor, runTenant, type Dump } from '../support/cli';
import { startPipeline } from '../support/pipeline';
import { evaluatePage } from '../../shared/pipeline/evaluate-page';
import { packWriteBatches } from '../../shared/pipeline/write-batches';
import { handleWriteMessage } from '../../shared/pipeline/write';
import { msg } from './scenarios';

const rowOf = (dump: Dump, internetMessageId: string) =>
  (dump.dataverse.emails ?? []).find(
    (e) => e.activityid === emailActivityId(normalizeMessageId(internetMessageId), false),
  );

test("Rules of the specification: correlatedsubjectchanged is set on a correlated email, true when its subject differs from the correlated email's", () => {
  let f = acceptanceFixtureF();
  const reply = (id: string, subject: string) => msg(id, BOB, [ALICE], subject, { 'In-Reply-To': E1_MESSAGE_ID });
  f = withInboxMessage(f, ALICE, reply('<same@fabrikam.com>', 'RE: Quote Q-100 CRM:0001001'));
  f = withInboxMessage(f, ALICE, reply('<re-twice@fabrikam.com>', 're: RE:  quote q-100  CRM:0001001'));
  f = withInboxMessage(f, ALICE, reply('<no-token@fabrikam.com>', 'RE: Quote Q-100'));
  f = withInboxMessage(f, ALICE, reply('<changed@fabrikam.com>', 'RE: Delivery dates instead'));
  f = withInboxMessage(f, ALICE, reply('<forward@fabrikam.com>', 'FW: Quote Q-100 CRM:0001001'));
  f = withInboxMessage(f, SALES, msg('<uncorrelated@nowhere.io>', 'unknown@nowhere.io', [SALES], 'Interested'));
  const run = runTenant(f);
  try {
    const flag = (id: string) => {
      const row = rowOf(run.dump, id);
      assert.ok(row, `${id} is an email`);
      return row.correlatedsubjectchanged;
    };
    for (const id of [
      '<same@fabrikam.com>',
      '<re-twice@fabrikam.com>',
      '<no-token@fabrikam.com>',
      '<changed@fabrikam.com>',
      '<forward@fabrikam.com>',
    ]) {
      assert.equal(rowOf(run.dump, id)!._correlatedactivityid_value, E1_ID, `${id} correlates with E1`);
    }
    assert.equal(flag('<same@fabrikam.com>'), false, 'RE: and the same subject');
    assert.equal(flag('<re-twice@fabrikam.com>'), false, 'RE: prefixes, case and spacing aside');
    assert.equal(flag('<no-token@fabrikam.com>'), false, "the tracking token is the system's, not a subject change");
    assert.equal(flag('<changed@fabrikam.com>'), true);
    assert.equal(flag('<forward@fabrikam.com>'), true, 'FW: is not ignored, as in Dataverse');
    assert.equal(flag('<uncorrelated@nowhere.io>') ?? null, null, 'not set without a correlation');
    assert.match(
      String(decisionFor(run.dump, ALICE, '<changed@fabrikam.com>')!.detail),
      /subject differs from the correlated email/,
    );
  } finally {
    cleanup(run);
  }
});

/** Bob's mail to Alice (who tracks everything), tracked from her mailbox; later the same message reaches Sales by a list. */
function alreadyTracked(setting?: boolean): TenantFixture {
  let f = withUserFilter(acceptanceFixtureF(), ALICE_ID, 0);
  if (setting !== undefined) f = withOrgDbSetting(f, 'SSSCreateAdditionalQueueItemsForAlreadyTrackedEmail', setting);
  const mail = msg(
    '<tracked@fabrikam.com>',
    BOB,
    [ALICE],
    'Order 42',
    {},
    { receivedDateTime: '2025-01-10T09:30:00Z' },
  );
  f = withInboxMessage(f, ALICE, mail);
  f.timeline = [
    {
      at: '2025-01-10T10:10:00Z',
      deliver: { to: SALES, folder: 'inbox', message: { ...mail, id: 'AAMkA-sales-copy' } },
    },
  ];
  return f;
}

test('Rules of the specification: SSSCreateAdditionalQueueItemsForAlreadyTrackedEmail true adds a queue item for the second queue, once, without delivering the mail again', () => {
  const on = runTenant(alreadyTracked(true));
  const off = runTenant(alreadyTracked(false));
  const unset = runTenant(alreadyTracked());
  try {
    const email = rowOf(on.dump, '<tracked@fabrikam.com>')!;
    assert.equal(email._receivingmailboxid_value, ALICE_MAILBOX_ID, "tracked from Alice's mailbox");
    const items = (d: Dump) => (d.dataverse.queueitems ?? []).filter((q) => q._objectid_value === email.activityid);
    assert.deepEqual(
      items(on.dump).map((q) => [q._queueid_value, q.queueitemid]),
      [[SALES_QUEUE_ID, queueItemId(String(email.activityid), SALES_QUEUE_ID)]],
    );
    assert.equal(
      (on.dump.dataverse.emails ?? []).filter((e) => e.messageid === '<tracked@fabrikam.com>').length,
      1,
      'the mail is not delivered again',
    );
    const d = decisionFor(on.dump, SALES, '<tracked@fabrikam.com>')!;
    assert.equal(d.outcome, 'skipped');
    assert.equal(d.reason, 'Duplicate');
    assert.match(String(d.detail), /queue item is added/);
    for (const run of [off, unset]) {
      assert.equal(items(run.dump).length, 0, 'false (the default): no queue item');
      assert.equal(decisionFor(run.dump, SALES, '<tracked@fabrikam.com>')!.reason, 'Duplicate');
    }
  } finally {
    cleanup(on);
    cleanup(off);
    cleanup(unset);
  }
});

test('Rules of the specification: SSSCreateAdditionalQueueItemsForAlreadyTrackedEmail adds nothing when the queue has an item for the email already', () => {
  // Sales is on To: Alice's mailbox tracks the mail with a queue item for Sales (an accepting queue recipient).
  let f = withOrgDbSetting(acceptanceFixtureF(), 'SSSCreateAdditionalQueueItemsForAlreadyTrackedEmail', true);
  const mail = msg(
    '<to-both@fabrikam.com>',
    BOB,
    [ALICE, SALES],
    'Order 43',
    {},
    { receivedDateTime: '2025-01-10T09:30:00Z' },
  );
  f = withInboxMessage(f, ALICE, mail);
  f.timeline = [
    {
      at: '2025-01-10T10:10:00Z',
      deliver: { to: SALES, folder: 'inbox', message: { ...mail, id: 'AAMkA-sales-copy-2' } },
    },
  ];
  const run = runTenant(f);
  try {
    const email = rowOf(run.dump, '<to-both@fabrikam.com>')!;
    assert.equal(email._receivingmailboxid_value, ALICE_MAILBOX_ID);
    assert.equal(
      (run.dump.dataverse.queueitems ?? []).filter(
        (q) => q._objectid_value === email.activityid && q._queueid_value === SALES_QUEUE_ID,
      ).length,
      1,
    );
    assert.equal(decisionFor(run.dump, SALES, '<to-both@fabrikam.com>')!.reason, 'Duplicate');
  } finally {
    cleanup(run);
  }
});

test("Rules of the specification: SSSCreateAdditionalQueueItemsForAlreadyTrackedEmail also holds when another mailbox creates the email while this queue's write is on its way", async () => {
  let f = withOrgDbSetting(
    withUserFilter(acceptanceFixtureF(), ALICE_ID, 0),
    'SSSCreateAdditionalQueueItemsForAlreadyTrackedEmail',
    true,
  );
  const mail = msg('<race@fabrikam.com>', BOB, [ALICE], 'Order 44');
  f = withInboxMessage(f, ALICE, mail);
  f = withInboxMessage(f, SALES, mail);
  const p = await startPipeline(f);
  try {
    const ctx = await p.deps.dataverse.loadOrgContext();
    const batchesOf = async (address: string) => {
      const mb = ctx.mailboxes.find((m) => m.address === address)!;
      const page = await p.deps.graph.messagesDelta(address, 'inbox', undefined);
      return packWriteBatches(
        mb.mailboxid,
        (await evaluatePage(page.value, { folder: 'inbox' }, mb, ctx, p.deps)).entries,
        200_000,
      );
    };
    // Both decide before either writes; Alice's write lands first.
    const sales = await batchesOf(SALES);
    const alice = await batchesOf(ALICE);
    for (const b of [...alice, ...sales])
      await handleWriteMessage({ body: b, messageId: b.batchId, deliveryCount: 1 }, p.deps);
    const id = emailActivityId(normalizeMessageId('<race@fabrikam.com>'), false);
    const dump = p.dataverse.dump();
    assert.equal(dump.emails!.find((e) => e.activityid === id)!._receivingmailboxid_value, ALICE_MAILBOX_ID);
    assert.deepEqual(
      (dump.queueitems ?? []).filter((q) => q._objectid_value === id).map((q) => q._queueid_value),
      [SALES_QUEUE_ID],
    );
    const d = (await p.deps.ledger.byMessage('race@fabrikam.com')).find((x) => x.mailbox === SALES)!;
    assert.equal(d.reason, 'Duplicate');
    assert.match(String(d.detail), /created meanwhile from another mailbox; a queue item is added/);
  } finally {
    await p.stop();
  }
});

const TRACKED = 'AAMkA-fabrikam-folder';
const ARCHIVE = 'AAMkA-archive-folder';
function withInboxSubfolder(f: TenantFixture, id: string, displayName: string): TenantFixture {
  const next = structuredClone(f);
  const inbox = next.exchange[ALICE]!.mailFolders.find((x) => x.wellKnownName === 'inbox')!;
  (inbox.childFolders ??= []).push({ id, displayName, parentFolderId: inbox.id ?? null, messages: [] });
  return next;
}

test('Rules of the specification: tracked folders are measured against the start date by the modified date, the Inbox by the received date', () => {
  // processemailreceivedafter is 2025-01-01 (fixture F).
  let f = withUserFilter(acceptanceFixtureF(), ALICE_ID, 0);
  f = withInboxSubfolder(f, TRACKED, 'Fabrikam');
  f = withInboxSubfolder(f, ARCHIVE, 'Archive');
  const old = { receivedDateTime: '2024-12-15T09:00:00Z', sentDateTime: '2024-12-15T08:59:00Z' };
  f = withMessage(
    f,
    ALICE,
    TRACKED,
    msg(
      '<old-unmodified@fabrikam.com>',
      BOB,
      [ALICE],
      'Old, left alone',
      {},
      { ...old, lastModifiedDateTime: '2024-12-15T09:00:00Z' },
    ),
  );
  f = withMessage(
    f,
    ALICE,
    TRACKED,
    msg(
      '<old-modified@fabrikam.com>',
      BOB,
      [ALICE],
      'Old, flagged in January',
      {},
      { ...old, lastModifiedDateTime: '2025-01-04T09:00:00Z' },
    ),
  );
  f = withMessage(
    f,
    ALICE,
    ARCHIVE,
    msg(
      '<old-moved@fabrikam.com>',
      BOB,
      [ALICE],
      'Old, moved in later',
      {},
      { ...old, lastModifiedDateTime: '2024-12-15T09:00:00Z' },
    ),
  );
  f = withInboxMessage(
    f,
    ALICE,
    msg(
      '<old-inbox@fabrikam.com>',
      BOB,
      [ALICE],
      'Old, in the Inbox, modified lately',
      {},
      { ...old, lastModifiedDateTime: '2025-01-04T09:00:00Z' },
    ),
  );
  f.dataverse.mailboxtrackingfolders = [
    {
      mailboxtrackingfolderid: '7f000000-0000-4000-8000-000000000001',
      _mailboxid_value: ALICE_MAILBOX_ID,
      'mailboxid@odata.type': 'mailbox',
      exchangefolderid: TRACKED,
      _regardingobjectid_value: FABRIKAM_ACCOUNT_ID,
      'regardingobjectid@odata.type': 'account',
      createdon: '2025-01-01T00:00:00Z',
    },
  ];
  f.timeline = [
    {
      at: '2025-01-10T10:05:00Z',
      move: { mailbox: ALICE, internetMessageId: '<old-moved@fabrikam.com>', folder: TRACKED },
    },
  ];
  const run = runTenant(f);
  try {
    const d = (id: string) => decisionFor(run.dump, ALICE, id)!;
    assert.equal(
      d('<old-unmodified@fabrikam.com>').reason,
      'BeforeProcessEmailReceivedAfter',
      'unmodified since before the start date',
    );
    assert.equal(d('<old-modified@fabrikam.com>').reason, 'FolderTracked');
    assert.equal(
      d('<old-moved@fabrikam.com>').outcome,
      'promoted',
      'moved into the tracked folder after the start date',
    );
    assert.equal(d('<old-moved@fabrikam.com>').reason, 'FolderTracked');
    assert.equal(rowOf(run.dump, '<old-moved@fabrikam.com>')!._regardingobjectid_value, FABRIKAM_ACCOUNT_ID);
    assert.equal(
      d('<old-inbox@fabrikam.com>').reason,
      'BeforeProcessEmailReceivedAfter',
      'the root Inbox keeps the received date',
    );
    assert.equal(rowOf(run.dump, '<old-unmodified@fabrikam.com>'), undefined);
  } finally {
    cleanup(run);
  }
});
