// Issue point "Tracked to Dynamics 365 in Outlook": once an email's row exists, its Exchange item carries the
// organization's tracking category, as SSS shows tracked mail; a skipped item does not, and marking the item
// (an update delta reports) never decides it again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  acceptanceFixtureF,
  withInboxMessage,
  withUserFilter,
  ALICE,
  ALICE_ID,
  BOB,
  SALES,
} from '../../local/tenant/acceptance';
import { cleanup, decisionFor, exsync, runTenant, type Dump } from '../support/cli';
import { msg } from './scenarios';

const TRACKED = 'Tracked to Dynamics 365';

/** The Exchange item's categories in the dump, by mailbox and Message-ID. */
function categoriesOf(dump: Dump, mailbox: string, internetMessageId: string): unknown[] | undefined {
  const folders = (dump.exchange[mailbox] as { mailFolders: { messages: Record<string, unknown>[] }[] }).mailFolders;
  const m = folders.flatMap((f) => f.messages).find((x) => x.internetMessageId === internetMessageId);
  return m ? ((m.categories as unknown[] | undefined) ?? []) : undefined;
}

test('Tracked to Dynamics 365 in Outlook: a promoted email carries the category in Exchange, a skipped one does not, and a second run adds nothing and decides nothing new', () => {
  // Filter 4 ("no email messages") skips Alice's mail unless it carries the category.
  let f = withUserFilter(acceptanceFixtureF(), ALICE_ID, 4);
  f = withInboxMessage(f, ALICE, msg('<skip@fabrikam.com>', BOB, [ALICE], 'Not tracked'));
  f = withInboxMessage(
    f,
    ALICE,
    msg('<cat@fabrikam.com>', BOB, [ALICE], 'Tracked by hand', {}, { categories: ['Red', TRACKED] }),
  );
  f = withInboxMessage(f, SALES, msg('<order@fabrikam.com>', BOB, [SALES], 'Order', {}, { categories: ['Blue'] }));
  const first = runTenant(f);
  try {
    assert.equal(decisionFor(first.dump, ALICE, '<skip@fabrikam.com>')!.outcome, 'skipped');
    assert.deepEqual(categoriesOf(first.dump, ALICE, '<skip@fabrikam.com>'), []);
    assert.equal(decisionFor(first.dump, ALICE, '<cat@fabrikam.com>')!.outcome, 'promoted');
    assert.deepEqual(
      categoriesOf(first.dump, ALICE, '<cat@fabrikam.com>'),
      ['Red', TRACKED],
      'already there: not twice',
    );
    assert.equal(decisionFor(first.dump, SALES, '<order@fabrikam.com>')!.outcome, 'promoted');
    assert.deepEqual(
      categoriesOf(first.dump, SALES, '<order@fabrikam.com>'),
      ['Blue', TRACKED],
      'added to what was there',
    );
    const promoted = first.dump.decisions.filter((d) => d.outcome === 'promoted');
    assert.ok(promoted.length > 1);
    for (const d of promoted) {
      const cats = categoriesOf(first.dump, String(d.mailbox), String(d.internetMessageId));
      assert.ok(cats?.includes(TRACKED), `${String(d.internetMessageId)} carries the category`);
      assert.equal(cats!.filter((c) => c === TRACKED).length, 1);
    }

    // The category write is an update delta reports: the next run looks at it and decides nothing new.
    const dumpFile = join(first.dir, 'two.json');
    const second = exsync(['run', '--once', '--data', join(first.dir, 'data'), '--dump', dumpFile], { dir: first.dir });
    assert.equal(second.code, 0, second.stderr);
    const two = JSON.parse(readFileSync(dumpFile, 'utf8')) as Dump;
    assert.deepEqual(two.decisions, first.dump.decisions);
    assert.deepEqual(two.dataverse, first.dump.dataverse);
    assert.deepEqual(two.exchange, first.dump.exchange);
  } finally {
    cleanup(first);
  }
});

test('Tracked to Dynamics 365 in Outlook: the demo tenant still gives 395 decisions and 240 promoted, each promoted item marked once', () => {
  const dir = mkdtempSync(join(tmpdir(), 'exsync-demo-'));
  try {
    const r = exsync(['run', '--once', '--data', join(dir, 'data'), '--dump', join(dir, 'one.json')], { dir });
    assert.equal(r.code, 0, r.stderr);
    const dump = JSON.parse(readFileSync(join(dir, 'one.json'), 'utf8')) as Dump;
    assert.equal(dump.decisions.length, 395);
    const promoted = dump.decisions.filter((d) => d.outcome === 'promoted');
    assert.equal(promoted.length, 240);
    for (const d of promoted)
      assert.deepEqual(
        categoriesOf(dump, String(d.mailbox), String(d.internetMessageId))?.filter((c) => c === TRACKED),
        [TRACKED],
      );
  } finally {
    cleanup({ dir });
  }
});
