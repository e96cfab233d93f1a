// Folder scenarios P15 (the watermark: docs/sss-parity.md#which-items-are-looked-at) and P18 (folder-level
// tracking: docs/sss-parity.md#tracked-folders),
// played with the fixture timeline: a message moved, a Regarding changed by a user, a start date changed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  acceptanceFixtureF,
  withInboxMessage,
  withMessage,
  ALICE,
  BOB,
  ALICE_MAILBOX_ID,
  E1_MESSAGE_ID,
  FABRIKAM_ACCOUNT_ID,
  OPP1_ID,
} from '../../local/tenant/acceptance';
import type { TenantFixture } from '../../local/tenant/fixture';
import { emailActivityId, normalizeMessageId } from '../../shared/domain/message-id';
import { cleanup, decisionFor, runTenant, type Dump } from '../support/cli';
import { msg } from './scenarios';

function withInboxSubfolder(f: TenantFixture, address: string, id: string, displayName: string): TenantFixture {
  const next = structuredClone(f);
  const inbox = next.exchange[address]!.mailFolders.find((x) => x.wellKnownName === 'inbox')!;
  (inbox.childFolders ??= []).push({ id, displayName, parentFolderId: inbox.id ?? null, messages: [] });
  return next;
}

const emailRow = (dump: Dump, id: string) => (dump.dataverse.emails ?? []).find((e) => e.activityid === id);

test('P15 watermark: mail received before what the Inbox already processed is skipped when moved in; processed after the start date is lowered, or at once in enhanced mode', () => {
  let f = withInboxMessage(
    acceptanceFixtureF(),
    ALICE,
    msg(
      '<p15-new@fabrikam.com>',
      BOB,
      [ALICE],
      'RE: Quote Q-100',
      { 'In-Reply-To': E1_MESSAGE_ID },
      { receivedDateTime: '2025-01-10T09:59:00Z' },
    ),
  );
  f = withInboxSubfolder(f, ALICE, 'AAMkA-archive-folder', 'Archive');
  f = withMessage(
    f,
    ALICE,
    'Archive',
    msg(
      '<p15-old@fabrikam.com>',
      BOB,
      [ALICE],
      'RE: Quote Q-100',
      { 'In-Reply-To': E1_MESSAGE_ID },
      { receivedDateTime: '2025-01-09T12:00:00Z' },
    ),
  );
  const moved = {
    at: '2025-01-10T10:05:00Z',
    move: { mailbox: ALICE, internetMessageId: '<p15-old@fabrikam.com>', folder: 'inbox' },
  };
  const lowered = {
    at: '2025-01-10T10:20:00Z',
    dataverse: {
      patch: {
        entitySet: 'mailboxes',
        id: ALICE_MAILBOX_ID,
        values: { processemailreceivedafter: '2025-01-08T00:00:00Z' },
      },
    },
  };
  const compatible = runTenant({ ...f, timeline: [moved] });
  const afterLowering = runTenant({ ...f, timeline: [moved, lowered] });
  const enhanced = runTenant({ ...f, timeline: [moved] }, [], { env: { ENHANCED_PROCESS_MOVED_MAIL: 'true' } });
  try {
    assert.equal(decisionFor(compatible.dump, ALICE, '<p15-new@fabrikam.com>')!.outcome, 'promoted');
    const skipped = decisionFor(compatible.dump, ALICE, '<p15-old@fabrikam.com>')!;
    assert.equal(skipped.outcome, 'skipped');
    assert.equal(skipped.reason, 'BeforeProcessEmailReceivedAfter');
    assert.equal(decisionFor(afterLowering.dump, ALICE, '<p15-old@fabrikam.com>')!.outcome, 'promoted');
    assert.equal(decisionFor(enhanced.dump, ALICE, '<p15-old@fabrikam.com>')!.outcome, 'promoted');
  } finally {
    cleanup(compatible);
    cleanup(afterLowering);
    cleanup(enhanced);
  }
});

const FOLDER = 'AAMkA-fabrikam-folder';
const mapping = (i: number, folderId: string, regarding: { id: string; type: string }) => ({
  mailboxtrackingfolderid: `7f000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  _mailboxid_value: ALICE_MAILBOX_ID,
  'mailboxid@odata.type': 'mailbox',
  exchangefolderid: folderId,
  _regardingobjectid_value: regarding.id,
  'regardingobjectid@odata.type': regarding.type,
  createdon: new Date(Date.UTC(2025, 0, 1) + i * 3_600_000).toISOString(),
});

function folderTracked(extraMappingsBefore = 0): TenantFixture {
  let f = acceptanceFixtureF();
  for (let i = 0; i < extraMappingsBefore; i++) f = withInboxSubfolder(f, ALICE, `AAMkA-folder-${i}`, `Project ${i}`);
  f = withInboxSubfolder(f, ALICE, FOLDER, 'Fabrikam');
  f = withMessage(f, ALICE, FOLDER, msg('<p18@nowhere.io>', 'unknown@nowhere.io', [ALICE], 'Site visit'));
  f.dataverse.mailboxtrackingfolders = [
    ...Array.from({ length: extraMappingsBefore }, (_, i) =>
      mapping(i, `AAMkA-folder-${i}`, { id: OPP1_ID, type: 'opportunity' }),
    ),
    mapping(extraMappingsBefore, FOLDER, { id: FABRIKAM_ACCOUNT_ID, type: 'account' }),
  ];
  return f;
}

test('P18 folder-level tracking: tracked with the mapped Regarding whatever the filter, Regarding set back after a user changes it, a 26th mapping refused', () => {
  const activityid = emailActivityId(normalizeMessageId('<p18@nowhere.io>'), false);
  const f = folderTracked();
  f.timeline = [
    {
      at: '2025-01-10T10:10:00Z',
      dataverse: {
        patch: {
          entitySet: 'emails',
          id: activityid,
          values: { 'regardingobjectid_opportunity_email@odata.bind': `/opportunities(${OPP1_ID})` },
        },
      },
    },
  ];
  const run = runTenant(f);
  const tooMany = runTenant(folderTracked(25));
  try {
    const e = emailRow(run.dump, activityid)!;
    assert.ok(e, 'the mail in the tracked folder is an email');
    assert.equal(e._regardingobjectid_value, FABRIKAM_ACCOUNT_ID, 'Regarding is back on Fabrikam after the next sync');
    assert.equal(e['regardingobjectid@odata.type'], 'account');
    const d = decisionFor(run.dump, ALICE, '<p18@nowhere.io>')!;
    assert.equal(d.reason, 'FolderTracked');
    assert.equal(d.correlationMethod, 'FolderTracking');
    assert.equal(d.outcome, 'updated', 'the latest decision is the re-application');
    // 25 mappings are honoured, the 26th is not: its mail is treated like any other.
    assert.equal(decisionFor(tooMany.dump, ALICE, '<p18@nowhere.io>'), undefined, 'a refused mapping is not synced');
    assert.equal(emailRow(tooMany.dump, activityid), undefined);
  } finally {
    cleanup(run);
    cleanup(tooMany);
  }
});
