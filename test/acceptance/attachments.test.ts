// Issue point "Attachments both ways", incoming half, end to end: `exsync run --once --tenant … --dump …`
// with attachments in the fixture; the dump shows the attachment rows Dataverse holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptanceFixtureF, withInboxMessage, withOrgSettings, BOB, SALES } from '../../local/tenant/acceptance';
import { emailActivityId, normalizeMessageId } from '../../shared/domain/message-id';
import { cleanup, decisionFor, runTenant } from '../support/cli';
import { msg } from './scenarios';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const bytes = (n: number) => Buffer.alloc(n, 1).toString('base64');
const file = (name: string, size: number, over: Record<string, unknown> = {}) => ({
  '@odata.type': '#microsoft.graph.fileAttachment',
  name,
  contentType: 'application/octet-stream',
  contentBytes: bytes(size),
  ...over,
});

test('Attachments both ways: exsync run stores incoming attachments within the organization limits, inline images inline, and marks the email when one is left out', () => {
  let f = withOrgSettings(acceptanceFixtureF(), { maxuploadfilesize: 2048, blockedattachments: 'exe;js' });
  f = withInboxMessage(
    f,
    SALES,
    msg(
      '<att@fabrikam.com>',
      BOB,
      [SALES],
      'Spec sheet',
      {},
      {
        body: { contentType: 'html', content: '<p>See <img src="cid:logo@fabrikam.com"></p>' },
        attachments: [
          file('spec.pdf', 2048, { contentType: 'application/pdf' }),
          file('huge.pdf', 2049),
          file('setup.Exe', 10),
          file('logo.png', 30, { contentType: 'image/png', isInline: true, contentId: 'logo@fabrikam.com' }),
          { '@odata.type': '#microsoft.graph.itemAttachment', name: 'Forwarded mail', size: 500 },
        ],
      },
    ),
  );
  f = withInboxMessage(
    f,
    SALES,
    msg(
      '<inline-only@fabrikam.com>',
      BOB,
      [SALES],
      'Logo',
      {},
      {
        body: { contentType: 'html', content: '<img src="cid:only@fabrikam.com">' },
        attachments: [
          file('only.png', 40, { contentType: 'image/png', isInline: true, contentId: 'only@fabrikam.com' }),
        ],
      },
    ),
  );
  const run = runTenant(f);
  try {
    const id = emailActivityId(normalizeMessageId('<att@fabrikam.com>'), false);
    const email = (run.dump.dataverse.emails ?? []).find((e) => e.activityid === id);
    assert.ok(email, 'the email is tracked');
    assert.equal(email.notifications, 1, 'attachments not all saved');
    const rows = (run.dump.dataverse.activitymimeattachments ?? []).filter((r) => r._objectid_value === id);
    assert.deepEqual(rows.map((r) => r.filename).sort(), ['logo.png', 'spec.pdf']);
    const spec = rows.find((r) => r.filename === 'spec.pdf')!;
    assert.equal(spec.mimetype, 'application/pdf');
    assert.equal(Buffer.from(String(spec.body), 'base64').length, 2048, 'a file exactly at the limit is kept whole');
    assert.equal(rows.find((r) => r.filename === 'logo.png')!.attachmentcontentid, 'logo@fabrikam.com');
    const d = decisionFor(run.dump, SALES, '<att@fabrikam.com>')!;
    assert.equal(d.outcome, 'promoted');
    assert.match(
      String(d.detail),
      /3 attachment\(s\) left out: 1 over the size limit, 1 blocked extension, 1 attached Outlook item/,
    );

    // Graph's hasAttachments leaves inline attachments out: the cid: reference in the body is what says to read them.
    const inlineId = emailActivityId(normalizeMessageId('<inline-only@fabrikam.com>'), false);
    const inline = (run.dump.dataverse.activitymimeattachments ?? []).filter((r) => r._objectid_value === inlineId);
    assert.deepEqual(
      inline.map((r) => r.attachmentcontentid),
      ['only@fabrikam.com'],
    );
    const plain = (run.dump.dataverse.emails ?? []).find((e) => e.activityid === inlineId)!;
    assert.equal(plain.notifications ?? 0, 0);
  } finally {
    cleanup(run);
  }
});

/** Six tracked emails, each with one file kept and one over the limit. */
function sixWithAttachments() {
  let f = withOrgSettings(acceptanceFixtureF(), { maxuploadfilesize: 2048 });
  for (let i = 0; i < 6; i++)
    f = withInboxMessage(
      f,
      SALES,
      msg(
        `<a${i}@fabrikam.com>`,
        BOB,
        [SALES],
        `Order ${i}`,
        {},
        { attachments: [file('a.pdf', 100), file('b.pdf', 3000)] },
      ),
    );
  return f;
}

test('Attachments both ways: a run with crashes amid attachment reads and writes, throttling and server errors ends with the same attachment rows as a clean run, none twice', () => {
  const clean = runTenant(sixWithAttachments());
  const faulty = runTenant(sixWithAttachments(), ['--faults', 'seed=2,crash=0.03,dataverse.5xx=0.05,graph.429=0.1']);
  try {
    const crashes = readFileSync(join(faulty.dir, 'data', 'exsync.log'), 'utf8')
      .split('\n')
      .filter(
        (l) => l.includes('"host.crashed"') && /"at":"(before|after) (graph|dataverse)\.\w*Attachments?"/.test(l),
      );
    assert.ok(crashes.length > 0, 'the host crashed while reading or writing attachments');
    const rows = (d: typeof clean.dump) =>
      (d.dataverse.activitymimeattachments ?? [])
        .map((r) => `${String(r._objectid_value)} ${String(r.filename)}`)
        .sort();
    assert.equal(rows(clean.dump).length, 6, 'one file kept per email');
    assert.deepEqual(rows(faulty.dump), rows(clean.dump));
    assert.deepEqual(faulty.dump.deadLetters, []);
  } finally {
    cleanup(clean);
    cleanup(faulty);
  }
});
