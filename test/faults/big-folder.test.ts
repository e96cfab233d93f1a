// A big folder in the default suite: enough pages that continuation jobs carry the sync across many budgets.
// The 50,000-message folder is the long suite's (test/long/big-folder.test.ts, `npm run test:long`).
import { test } from 'node:test';
import { assertBigFolderSyncs } from './big-folder';

const COUNT = 1_000;
test(`a big folder (${COUNT.toLocaleString('en')} messages) syncs completely, one decision each, within the time budget by continuation jobs`, async () => {
  // Each delta page takes 6 s of clock time against a 5 s budget: every job ends after one page.
  await assertBigFolderSyncs(COUNT, 6_000);
});
