// Issue point "The command line against a deployment": `exsync mailbox list` and `exsync explain` read a storage
// account that is not the local data directory's, through the real Table Storage API (Azurite, reached with a
// connection string in --settings: the credential path needs Azure and is not exercised here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useAzurite } from '../support/azurite';
import { exsync } from '../support/cli';
import { createTableStore } from '../../shared/adapters/tables';
import { decision, mailboxRecord } from '../support/status-fixture';

const azurite = useAzurite();
const dir = mkdtempSync(join(tmpdir(), 'exsync-remote-'));
const settingsFile = join(dir, 'deployment.settings.json');

/** The deployment's tables, seeded once (inside the first test: Azurite is up only then). */
let seeded: Promise<void> | undefined;
const seed = () => (seeded ??= seedTables());
async function seedTables(): Promise<void> {
  const tables = createTableStore({
    connectionString: azurite.connectionString,
    allowInsecure: true,
    tablePrefix: 'prod',
  });
  await tables.ensureTables();
  await tables.mailboxes.upsert(
    mailboxRecord('mbx-a', 'alice@contoso.com', {
      state: 'failing',
      consecutiveFailures: 3,
      lastSyncCompletedAt: '2025-01-10T10:00:00Z',
      nextDueAt: '2025-01-10T10:05:00Z',
    }),
  );
  await tables.ledger.record([decision('mbx-a', 'graph-1', 'NoCorrelationMatch', '2025-01-10T10:01:00Z')]);
  writeFileSync(
    settingsFile,
    JSON.stringify({ Values: { AzureWebJobsStorage: azurite.connectionString, TABLE_PREFIX: 'prod' } }),
  );
}

const run = (args: string[], env: Record<string, string> = {}) => {
  const r = exsync([...args, '--settings', settingsFile], { dir, env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '', 'no progress bar when stderr is not a terminal');
  return JSON.parse(r.stdout) as unknown;
};

test('The command line against a deployment: exsync mailbox list --json reads its registry, without addresses unless LOG_PERSONAL_DATA allows', async () => {
  await seed();
  assert.deepEqual(run(['mailbox', 'list', '--json']), [
    {
      mailboxId: 'mbx-a',
      health: 'failing',
      consecutiveFailures: 3,
      enabledForIncoming: true,
      lastSyncCompletedAt: '2025-01-10T10:00:00Z',
      nextDueAt: '2025-01-10T10:05:00Z',
    },
  ]);
  const [row] = run(['mailbox', 'list', '--json'], { LOG_PERSONAL_DATA: 'true' }) as { address?: string }[];
  assert.equal(row.address, 'alice@contoso.com');
});

test('The command line against a deployment: exsync explain --json reads its ledger, by Message-ID and by item id', async () => {
  await seed();
  const byId = run(['explain', '<graph-1@fabrikam.com>', '--json']) as {
    seen: boolean;
    mailboxes: { reason: string }[];
  };
  assert.equal(byId.seen, true);
  assert.deepEqual(
    byId.mailboxes.map((m) => m.reason),
    ['NoCorrelationMatch'],
  );
  const byItem = run(['explain', '--item', 'graph-1', '--json']) as { itemId: string; seen: boolean };
  assert.deepEqual([byItem.itemId, byItem.seen], ['graph-1', true]);
});
