// The run contract (docs/cli.md, docs/tenant-fixtures-and-dumps.md) end to end: the demo tenant through `exsync run`,
// twice; bad input answered clearly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup, exsync, runTenant, type Dump } from '../support/cli';
import { acceptanceFixtureF, withInboxMessage, ALICE, BOB } from '../../local/tenant/acceptance';

interface Folder {
  wellKnownName?: string;
  messages?: { id: string }[];
  childFolders?: Folder[];
}

/** Graph ids of the messages in the folders the email workload syncs, per mailbox. */
function syncedMessageIds(dump: Dump, folders: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [mailbox, box] of Object.entries(dump.exchange as Record<string, { mailFolders: Folder[] }>)) {
    const ids = box.mailFolders
      .filter((f) => folders.includes(f.wellKnownName ?? ''))
      .flatMap((f) => (f.messages ?? []).map((m) => m.id));
    out.set(mailbox, ids);
  }
  return out;
}

test('the demo tenant: every message in every synced folder has exactly one decision, and a second run adds nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'exsync-demo-'));
  const data = join(dir, 'data');
  const first = exsync(['run', '--once', '--data', data, '--dump', join(dir, 'one.json')], { dir });
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /Summary \(4 mailbox\(es\)/);
  const one = JSON.parse(readFileSync(join(dir, 'one.json'), 'utf8')) as Dump;
  const ids = syncedMessageIds(one, ['inbox', 'sentitems']);
  let total = 0;
  for (const [mailbox, messageIds] of ids) {
    const decided = one.decisions.filter((d) => d.mailbox === mailbox).map((d) => d.graphId as string);
    assert.deepEqual([...decided].sort(), [...messageIds].sort(), `decisions of ${mailbox}`);
    total += messageIds.length;
  }
  assert.ok(total > 300, `the demo has a few hundred synced messages (got ${total})`);
  const promoted = one.decisions.filter((d) => d.outcome === 'promoted');
  assert.ok(promoted.length > 100);
  // One row per Message-ID and direction, whatever the number of mailboxes that saw it.
  const rows = (one.dataverse.emails ?? []).map((e) => `${String(e.messageid).toLowerCase()}|${e.directioncode}`);
  assert.equal(new Set(rows).size, rows.length);
  // Every promoted decision points at a row that exists.
  const activityIds = new Set((one.dataverse.emails ?? []).map((e) => e.activityid));
  for (const d of promoted) assert.ok(activityIds.has(d.activityid), `row for ${String(d.internetMessageId)}`);

  const second = exsync(['run', '--once', '--data', data, '--dump', join(dir, 'two.json')], { dir });
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /Nothing new/);
  const two = JSON.parse(readFileSync(join(dir, 'two.json'), 'utf8')) as Dump;
  assert.deepEqual(two.dataverse, one.dataverse);
  assert.deepEqual(two.decisions, one.decisions);
  cleanup({ dir });
});

test('a Graph item with a missing or malformed field gets a failed or skipped decision and the rest of the mailbox syncs', () => {
  let f = acceptanceFixtureF();
  f = withInboxMessage(f, ALICE, { subject: 'no message id', from: { emailAddress: { address: BOB } } });
  f = withInboxMessage(f, ALICE, {
    internetMessageId: '<bad-sender@x>',
    subject: 'bad sender',
    from: { emailAddress: { address: 'not an address' } },
  });
  f = withInboxMessage(f, ALICE, { internetMessageId: '<no-sender@x>', subject: 'no sender at all' });
  f = withInboxMessage(f, ALICE, {
    internetMessageId: '<good@fabrikam.com>',
    subject: 'RE: Quote Q-100',
    from: { emailAddress: { address: BOB } },
    internetMessageHeaders: [{ name: 'In-Reply-To', value: '<e1@contoso.onmicrosoft.com>' }],
  });
  const run = runTenant(f);
  try {
    const byReason = (reason: string) => run.dump.decisions.filter((d) => d.reason === reason);
    assert.equal(byReason('InvalidItem').length, 1, 'missing Message-ID');
    assert.ok(byReason('InvalidItem').every((d) => d.outcome === 'failed' && typeof d.detail === 'string'));
    assert.equal(byReason('InvalidSender').length, 2, 'a sender that is not an address, and no sender');
    assert.ok(byReason('InvalidSender').every((d) => d.outcome === 'skipped'));
    const good = run.dump.decisions.find((d) => d.internetMessageId === '<good@fabrikam.com>')!;
    assert.equal(good.outcome, 'promoted');
    assert.equal(run.dump.decisions.filter((d) => d.mailbox === ALICE).length, 4);
  } finally {
    cleanup(run);
  }
});

test('an invalid fixture is refused with the path at fault, before anything runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'exsync-bad-'));
  const f = acceptanceFixtureF() as unknown as { now: string; dataverse: { mailboxes: Record<string, unknown>[] } };
  f.now = 'next tuesday';
  delete f.dataverse.mailboxes[0]!.emailaddress;
  writeFileSync(join(dir, 'bad.json'), JSON.stringify(f));
  const r = exsync(['run', '--once', '--tenant', join(dir, 'bad.json'), '--data', join(dir, 'data')], { dir });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /bad\.json/);
  assert.match(r.stderr, /now/);
  assert.match(r.stderr, /dataverse\.mailboxes\[0\]/);
  writeFileSync(join(dir, 'broken.json'), '{ "now": "2025-01-10T10:00:00Z", ');
  const r2 = exsync(['run', '--once', '--tenant', join(dir, 'broken.json'), '--data', join(dir, 'data')], { dir });
  assert.notEqual(r2.code, 0);
  assert.match(r2.stderr, /broken\.json/);
  cleanup({ dir });
});

test('bad settings stop the start with one message that names every problem', () => {
  const r = exsync(['run', '--once'], {
    env: { GRAPH_PAGE_SIZE: 'lots', SYNC_INTERVAL_SECONDS: '1', CREDENTIAL_MODE: 'password' },
  });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /GRAPH_PAGE_SIZE/);
  assert.match(r.stderr, /SYNC_INTERVAL_SECONDS/);
  assert.match(r.stderr, /CREDENTIAL_MODE/);
  cleanup(r);
});

test('unknown commands and options get the usage and a non-zero exit', () => {
  const r = exsync(['run', '--onse']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--onse is not an option of "run"/);
  assert.match(r.stderr, /Usage:/);
  cleanup(r);
});
