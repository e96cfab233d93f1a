// Hostile input: every item gets a decision with a reason, oversize fields are cut with the cut
// recorded, nothing crashes and the rest of the mailbox syncs. (The big folder: big-folder.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALICE, SALES } from '../../local/tenant/acceptance';
import { cleanup, decisionFor, runTenant } from '../support/cli';
import { HOSTILE, hostileTenant } from './hostile-tenant';

test('hostile items: each gets a decision with a reason, nothing crashes, the normal mail still syncs', () => {
  const run = runTenant(hostileTenant());
  try {
    assert.equal(run.dump.deadLetters.length, 0);
    const sales = run.dump.decisions.filter((d) => d.mailbox === SALES);
    assert.equal(
      sales.length,
      Object.keys(HOSTILE).length,
      'one decision per item, the same Message-ID twice included',
    );
    for (const d of sales) assert.ok(typeof d.reason === 'string' && d.reason.length > 0);
    const by = (id: string) => sales.filter((d) => d.internetMessageId === id);
    assert.equal(by('<h-notaddr@x.io>')[0]!.reason, 'InvalidSender');
    assert.equal(by('<h-nosender@x.io>')[0]!.reason, 'InvalidSender');
    assert.match(String(by('<h-5mb@x.io>')[0]!.detail), /truncated: description/);
    assert.match(String(by('<h-subject@x.io>')[0]!.detail), /truncated: subject/);
    assert.match(String(by('<h-10k@x.io>')[0]!.detail), /truncated: recipients \(\d+ of 10001 kept\)/);
    assert.equal(by('<h-twice@x.io>').length, 2);
    assert.deepEqual(
      by('<h-twice@x.io>')
        .map((d) => d.outcome)
        .sort(),
      ['promoted', 'skipped'],
      'one item promoted, the other a Duplicate',
    );
    const emails = run.dump.dataverse.emails!;
    const row = (id: string) => emails.filter((e) => e.messageid === id);
    assert.equal(row('<h-twice@x.io>').length, 1, 'one row per Message-ID and direction');
    assert.equal(String(row('<h-subject@x.io>')[0]!.subject).length, 800);
    assert.equal(row('<h-5mb@x.io>')[0]!.notifications, 2);
    assert.ok(String(row('<h-5mb@x.io>')[0]!.description).length < 5 * 1024 * 1024);
    assert.equal(row('<h-rtl@x.io>')[0]!.subject, 'שלום עולם 👋🏽 مرحبا 🎉');
    assert.equal(row('<h-inject@x.io>').length, 1);
    assert.equal(
      row('<h-inject@x.io>')[0]!.subject,
      'Hello  Bcc: attacker@evil.example  X-Injected: 1',
      'CR and LF stored as spaces',
    );
    assert.equal(decisionFor(run.dump, ALICE, '<h-normal@fabrikam.com>')!.outcome, 'promoted');
  } finally {
    cleanup(run);
  }
});
