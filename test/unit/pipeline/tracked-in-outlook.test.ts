// Issue point "Tracked to Dynamics 365 in Outlook", the write stage over in-memory ports: which items get the
// tracking category, and a refusal from Exchange that never fails the write.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStages } from '../../../shared/pipeline/stages';
import { transient } from '../../../shared/domain/errors';
import type { WriteEntry } from '../../../shared/domain/jobs';
import type { CategoryUpdate, MessageCategoriesPort } from '../../../shared/ports-categories';
import { delivered, fakePipeline, promotedEntry, skippedEntry, userMailbox, writeBatchOf } from '../../support/fakes';

const ALICE = userMailbox('mbx-alice', 'alice@contoso.com', 'user-alice');
const TRACKED = 'Tracked to Dynamics 365';

const entry = (n: number, outcome: 'promoted' | 'skipped') =>
  outcome === 'promoted' ? promotedEntry(ALICE, n) : skippedEntry(ALICE, n);
const batch = (entries: WriteEntry[]) => writeBatchOf(ALICE, entries);

/** A categories port that records each PATCH and answers `status` to each. */
function recordingPort(status = 200) {
  const calls: CategoryUpdate[][] = [];
  const port: MessageCategoriesPort = {
    async setCategories(_mailbox, updates) {
      calls.push(updates);
      return new Map(updates.map((u) => [u.graphId, { status }]));
    },
  };
  return { calls, port };
}

function setup(port: MessageCategoriesPort) {
  const p = fakePipeline({ mailboxes: [ALICE] });
  p.deps.categories = port;
  for (const [id, categories] of [
    ['g1', ['Red']],
    ['g2', [` ${TRACKED} `]],
    ['g3', []],
  ] as const)
    p.graph.deliver(ALICE.address, 'inbox', { id, categories: [...categories] });
  return { ...p, stages: createStages(p.deps) };
}

test('Tracked to Dynamics 365 in Outlook: the write adds the category to promoted items that lack it, keeps their own, and leaves skipped items alone', async () => {
  const { calls, port } = recordingPort();
  const { stages, log } = setup(port);
  await stages.write(
    delivered({ body: batch([entry(1, 'promoted'), entry(2, 'promoted'), entry(3, 'skipped')]), messageId: 'b1' }),
  );
  assert.deepEqual(calls, [[{ graphId: 'g1', categories: ['Red', TRACKED] }]]);
  assert.deepEqual(log.names('warn'), []);
});

test('Tracked to Dynamics 365 in Outlook: nothing is marked when the organization turned category tracking off', async () => {
  const { calls, port } = recordingPort();
  const { stages, dataverse } = setup(port);
  dataverse.org.org.orgDb.trackCategorizedItems = false;
  await stages.write(delivered({ body: batch([entry(1, 'promoted')]), messageId: 'b1' }));
  assert.deepEqual(calls, []);
});

test('Tracked to Dynamics 365 in Outlook: Exchange refusing the category fails nothing: the row is written, the decision recorded, the failure logged and counted', async () => {
  for (const port of [
    recordingPort(403).port,
    { setCategories: () => Promise.reject(transient('graph', 'network down')) } satisfies MessageCategoriesPort,
  ]) {
    const { stages, deps, dataverse, log } = setup(port);
    await stages.write(delivered({ body: batch([entry(1, 'promoted'), entry(3, 'promoted')]), messageId: 'b1' }));
    assert.deepEqual([...dataverse.emails.keys()], ['act-1', 'act-3']);
    assert.deepEqual(
      (await deps.ledger.all()).map((d) => d.outcome),
      ['promoted', 'promoted'],
    );
    const warned = log.events.filter((e) => e.event === 'write.category-failed');
    assert.equal(warned.length, 1);
    assert.equal(warned[0].props?.failed, 2);
  }
});
