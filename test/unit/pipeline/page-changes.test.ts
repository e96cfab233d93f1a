// Issue point "Split the two long decision functions … replace the '@exsync.partial' marker smuggled into
// Graph JSON with a typed union": a page's changes are told apart by type, so no Graph payload can pass
// itself off as a partial update, and a partial update is read whole before it is evaluated. Fakes stand
// at the port boundary (ledger and Graph reads) only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { changesToEvaluate, readWhatDeltaLeftOut } from '../../../shared/pipeline/page-changes';
import type { PipelineDeps } from '../../../shared/pipeline/deps';
import type { BatchItemResult, GraphJson } from '../../../shared/ports';
import type { Decision } from '../../../shared/domain/activity';

const CATEGORY = 'Tracked to Dynamics 365';
const full = (id: string, extra: GraphJson = {}): GraphJson => ({
  id,
  internetMessageId: `<${id}@contoso.com>`,
  subject: 'Quote',
  receivedDateTime: '2025-01-10T10:00:00Z',
  from: { emailAddress: { address: 'ann@fabrikam.com' } },
  internetMessageHeaders: [],
  ...extra,
});

function fakeDeps(decided: Record<string, Decision['outcome']>, answers: Record<string, BatchItemResult>) {
  const reads: string[][] = [];
  const deps = {
    ledger: {
      getMany: async (_mailboxId: string, _workload: string, graphIds: string[]) =>
        new Map(
          graphIds.flatMap((id) => (decided[id] ? [[id, { graphId: id, outcome: decided[id] } as Decision]] : [])),
        ),
    },
    graph: {
      getMessages: async (_mailbox: string, ids: string[]) => {
        reads.push(ids);
        return new Map(ids.flatMap((id) => (answers[id] ? [[id, answers[id]!] as const] : [])));
      },
    },
    clock: { now: () => new Date('2025-01-10T12:00:00Z') },
  } as unknown as PipelineDeps;
  return { deps, reads };
}

test("A typed union instead of the '@exsync.partial' marker: a Graph item carrying '@exsync.partial' is the full item it is, not a partial update", async () => {
  const { deps, reads } = fakeDeps({}, {});
  const smuggled = full('g1', { '@exsync.partial': true });
  const { changes } = await changesToEvaluate([smuggled], { folder: 'inbox' }, 'mbx-1', CATEGORY, deps);
  assert.deepEqual(changes, [{ kind: 'full', raw: smuggled }]);
  assert.deepEqual(await readWhatDeltaLeftOut(changes, 'alice@contoso.com', deps), [{ kind: 'full', raw: smuggled }]);
  assert.deepEqual(reads, []);
});

test('evaluatePage split into named steps: a partial update of an item never decided is read whole; one gone since is said to be gone', async () => {
  const whole = full('g2');
  const { deps, reads } = fakeDeps({}, { g2: { status: 200, body: whole }, g3: { status: 404 } });
  const { changes, again } = await changesToEvaluate(
    [
      { id: 'g2', isRead: true },
      { id: 'g3', isRead: true },
      { id: 'g4', '@removed': { reason: 'deleted' } },
    ],
    { folder: 'inbox' },
    'mbx-1',
    CATEGORY,
    deps,
  );
  assert.deepEqual(changes, [
    { kind: 'partial', id: 'g2' },
    { kind: 'partial', id: 'g3' },
  ]);
  assert.equal(again.size, 0);
  assert.deepEqual(await readWhatDeltaLeftOut(changes, 'alice@contoso.com', deps), [
    { kind: 'full', raw: whole },
    { kind: 'gone', id: 'g3' },
  ]);
  assert.deepEqual(reads, [['g2', 'g3']]);
});

test('evaluatePage split into named steps: a partial update matters for a decided item only when it was skipped and now carries the category', async () => {
  const { deps } = fakeDeps({ g5: 'skipped', g6: 'skipped', g7: 'promoted' }, {});
  const { changes, again } = await changesToEvaluate(
    [
      { id: 'g5', categories: [CATEGORY] },
      { id: 'g6', isRead: true },
      { id: 'g7', categories: [CATEGORY] },
    ],
    { folder: 'inbox' },
    'mbx-1',
    CATEGORY,
    deps,
  );
  assert.deepEqual(changes, [{ kind: 'partial', id: 'g5' }]);
  assert.deepEqual([...again], ['g5']);
});

test('evaluatePage split into named steps: a resynced round passes over the items this folder already decided', async () => {
  const { deps } = fakeDeps({}, {});
  const { changes } = await changesToEvaluate(
    [full('g8'), full('g9')],
    { folder: 'inbox', decided: new Set(['g8']) },
    'mbx-1',
    CATEGORY,
    deps,
  );
  assert.deepEqual(
    changes.map((c) => (c.kind === 'full' ? c.raw.id : c.id)),
    ['g9'],
  );
});
