// Size work of the long suite (`npm run test:long`): a folder of 50,000 messages, about 10 minutes on a
// 2-core machine. BIG_FOLDER_COUNT sets another size.
import { test } from 'node:test';
import { assertBigFolderSyncs } from '../faults/big-folder';

const COUNT = Number(process.env.BIG_FOLDER_COUNT ?? 50_000);
test(`a big folder (${COUNT.toLocaleString('en')} messages) syncs completely, one decision each, within the time budget by continuation jobs`, async () => {
  // Each delta page takes 1 s of clock time against a 5 s budget: a job ends after at most six pages.
  await assertBigFolderSyncs(COUNT, 1_000);
});
