// Issue point "Attachments both ways", incoming half: which attachments are kept, by the organization's limits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  attachmentRowId,
  leftOutDetail,
  parseBlockedExtensions,
  planAttachments,
  readsAttachments,
  toAttachmentInfo,
  type AttachmentInfo,
} from '../../../shared/domain/attachments';
import { toOrgSettings } from '../../../shared/adapters/dataverse/org';
import { validateTenant } from '../../../local/tenant/validate';
import { acceptanceFixtureF, withInboxMessage, SALES } from '../../../local/tenant/acceptance';

const file = (name: string, size: number, over: Partial<AttachmentInfo> = {}): AttachmentInfo => ({
  id: name,
  kind: 'file',
  name,
  size,
  isInline: false,
  ...over,
});
const LIMITS = { maxBytes: 1000, blocked: ['exe', 'js'] };

test('Attachments both ways: a file exactly at the size limit is kept, one byte over is left out', () => {
  const plan = planAttachments([file('at.pdf', 1000), file('over.pdf', 1001)], LIMITS);
  assert.deepEqual(
    plan.kept.map((a) => a.name),
    ['at.pdf'],
  );
  assert.deepEqual(plan.leftOut, ['size']);
});

test('Attachments both ways: a blocked extension is left out whatever its case', () => {
  const plan = planAttachments([file('setup.EXE', 10), file('run.Js', 10), file('notes.txt', 10)], LIMITS);
  assert.deepEqual(
    plan.kept.map((a) => a.name),
    ['notes.txt'],
  );
  assert.deepEqual(plan.leftOut, ['blocked', 'blocked']);
  assert.deepEqual(parseBlockedExtensions(' EXE; .js;;Dll '), ['exe', 'js', 'dll']);
});

test('Attachments both ways: an inline image is kept as inline; attached items and cloud links are left out with their reason', () => {
  const plan = planAttachments(
    [
      file('logo.png', 10, { isInline: true }),
      file('mail', 10, { kind: 'item' }),
      file('link', 10, { kind: 'reference' }),
      undefined,
    ],
    LIMITS,
  );
  assert.equal(plan.kept.length, 1);
  assert.equal(plan.kept[0].isInline, true);
  assert.equal(
    leftOutDetail(plan.leftOut),
    '3 attachment(s) left out: 1 attached Outlook item, 1 link to a cloud file, 1 unreadable',
  );
  assert.equal(
    toAttachmentInfo({
      '@odata.type': '#microsoft.graph.fileAttachment',
      id: 'a',
      name: 'x.png',
      size: 5,
      isInline: true,
    })?.isInline,
    true,
  );
  assert.equal(toAttachmentInfo({ '@odata.type': '#microsoft.graph.unknown', id: 'a' }), undefined);
});

test('Attachments both ways: the decision detail counts what was left out and why, never a file name', () => {
  const detail = leftOutDetail(planAttachments([file('big.pdf', 5000), file('x.exe', 1)], LIMITS).leftOut);
  assert.equal(detail, '2 attachment(s) left out: 1 over the size limit, 1 blocked extension');
  assert.doesNotMatch(detail, /big|x\.exe/);
  assert.equal(leftOutDetail([]), '');
});

test("Attachments both ways: the organization's maxuploadfilesize and blockedattachments are read once into its settings (5,120 KB when not set)", () => {
  assert.deepEqual(toOrgSettings({}).attachments, { maxBytes: 5_120 * 1024, blocked: [] });
  assert.deepEqual(toOrgSettings({ maxuploadfilesize: 2048, blockedattachments: 'ade;ADP;exe' }).attachments, {
    maxBytes: 2048,
    blocked: ['ade', 'adp', 'exe'],
  });
});

test('Attachments both ways: an item is read for attachments when Graph says it has some, or its HTML body refers to cid: content', () => {
  assert.equal(readsAttachments({ hasAttachments: true }), true);
  assert.equal(
    readsAttachments({ hasAttachments: false, body: { contentType: 'html', content: '<img src="cid:logo@x">' } }),
    true,
  );
  assert.equal(readsAttachments({ hasAttachments: false, body: { contentType: 'text', content: 'see cid:x' } }), false);
  assert.equal(readsAttachments({ hasAttachments: false, body: { contentType: 'html', content: '<p>hi</p>' } }), false);
  assert.notEqual(attachmentRowId('act-1', 'a1'), attachmentRowId('act-1', 'a2'));
  assert.equal(attachmentRowId('act-1', 'a1'), attachmentRowId('act-1', 'a1'));
});

test("Attachments both ways: a tenant fixture's attachments are checked where they enter, each problem named with its path", () => {
  const bad = withInboxMessage(acceptanceFixtureF(), SALES, {
    internetMessageId: '<a@fabrikam.com>',
    attachments: [{ name: 'a.pdf', contentBytes: 'not base64!', size: -1, isInline: 'yes' }, 'x'],
  });
  const r = validateTenant(bad);
  assert.equal(r.ok, false);
  const text = r.ok ? '' : r.problems.join('\n');
  assert.match(text, /attachments\[0\]\.contentBytes: expected the content in base64/);
  assert.match(text, /attachments\[0\]\.size: expected an integer from 0/);
  assert.match(text, /attachments\[0\]\.isInline: expected true or false/);
  assert.match(text, /attachments\[1\]/);
  const good = withInboxMessage(acceptanceFixtureF(), SALES, {
    internetMessageId: '<b@fabrikam.com>',
    attachments: [{ name: 'a.pdf', contentBytes: 'JVBERi0=', isInline: false, contentId: 'x' }],
  });
  assert.equal(validateTenant(good).ok, true);
});
