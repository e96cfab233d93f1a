// Dead letters carry their reason, outlive the run, and can be replayed once the cause is fixed:
// a misconfigured extra party table makes every Dataverse lookup fail, so the mailbox's sync job is
// dead-lettered after QUEUE_MAX_DELIVERY_COUNT deliveries with the last error in its description.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { acceptanceFixtureF, withInboxMessage, ALICE, BOB } from '../../local/tenant/acceptance';
import { cleanup, exsync } from '../support/cli';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

test('a dead-lettered sync job is listed with its reason and last error, and replayed after the fix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'exsync-dlq-'));
  const data = join(dir, 'data');
  const f = withInboxMessage(acceptanceFixtureF(), ALICE, {
    internetMessageId: '<dlq@fabrikam.com>',
    subject: 'RE: Quote Q-100',
    from: { emailAddress: { address: BOB } },
    internetMessageHeaders: [{ name: 'In-Reply-To', value: '<e1@contoso.onmicrosoft.com>' }],
  });
  writeFileSync(join(dir, 'tenant.json'), JSON.stringify(f));
  try {
    const broken = exsync(['run', '--once', '--tenant', join(dir, 'tenant.json'), '--data', data], {
      dir,
      env: { PARTY_EXTRA_TABLES: 'new_missing:emailaddress', QUEUE_MAX_DELIVERY_COUNT: '3' },
    });
    assert.equal(broken.code, 1, 'a run that dead-letters exits non-zero');
    assert.match(broken.stdout, /dead-lettered/);

    const list = exsync(['dlq', 'list', '--data', data, '--json'], { dir });
    assert.equal(list.code, 0, list.stderr);
    const letters = JSON.parse(list.stdout) as {
      queue: string;
      reason: string;
      description: string;
      body: { kind: string };
    }[];
    assert.ok(letters.length >= 1);
    for (const l of letters) {
      assert.equal(l.queue, 'sync-jobs');
      assert.equal(l.reason, 'MaxDeliveryCountExceeded');
      assert.match(l.description, /after 3 delivery attempts\. Last error: .*lookup failed/);
      assert.equal(l.body.kind, 'sync');
    }
    const text = exsync(['dlq', 'list', '--data', data], { dir });
    assert.match(text.stdout, /sync job for mailbox/);

    const replay = exsync(['dlq', 'replay', '--data', data], { dir });
    assert.equal(replay.code, 0, replay.stdout + replay.stderr);
    assert.match(replay.stdout, /Replaying \d+ dead letter/);
    const after = exsync(['dlq', 'list', '--data', data, '--json'], { dir });
    assert.deepEqual(JSON.parse(after.stdout), []);
    const explain = exsync(['explain', '<dlq@fabrikam.com>', '--data', data, '--json'], { dir });
    assert.equal(JSON.parse(explain.stdout).mailboxes[0].outcome, 'promoted');
  } finally {
    cleanup({ dir });
  }
});

test('dlq refuses an unknown action and a directory where nothing ran', () => {
  const bad = exsync(['dlq', 'purge']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /dlq takes list or replay, not "purge"/);
  const empty = exsync(['dlq', 'replay', '--data', 'nowhere']);
  assert.notEqual(empty.code, 0);
  assert.match(empty.stderr, /nothing has run in nowhere/);
  cleanup(bad);
  cleanup(empty);
});
