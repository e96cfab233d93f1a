// Issue point "The schedule at 10,000 mailboxes": one tick enqueues every due mailbox, in pages (registry
// writes and queue sends a page at a time, not one mailbox after another), and a sync job reads only its own
// mailbox's registry row. Over the in-memory fakes; the tick's duration is a bench figure, not a test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStages } from '../../../shared/pipeline/stages';
import { SCHEDULE_PAGE } from '../../../shared/pipeline/schedule';
import { QUEUES, type MailboxRecord } from '../../../shared/ports';
import type { SyncJob } from '../../../shared/domain/jobs';
import { delivered, fakePipeline, healthyRecord, userMailbox } from '../../support/fakes';

const N = 10_000;
const mailboxes = Array.from({ length: N }, (_, i) => userMailbox(`mbx-${i}`, `user${i}@contoso.com`, `user-${i}`));

function setup(registry: MailboxRecord[] = []) {
  const p = fakePipeline({ mailboxes, registry });
  const sends: number[] = [];
  const send = p.queue.send.bind(p.queue);
  p.deps.queue = { send: (q, m) => (sends.push(m.length), send(q, m)) };
  const writes: { one: number; pages: number[] } = { one: 0, pages: [] };
  const inner = p.deps.mailboxes;
  p.deps.mailboxes = {
    ...inner,
    upsert: (r) => (writes.one++, inner.upsert(r)),
    upsertMany: (rs) => (writes.pages.push(rs.length), inner.upsertMany(rs)),
  };
  return { ...p, stages: createStages(p.deps), sends, writes };
}

test('The schedule at 10,000 mailboxes: one tick enqueues every due mailbox exactly once, a page at a time', async () => {
  const { stages, queue, sends, writes, clock } = setup();
  const first = await stages.schedule();
  assert.equal(first.enqueued.length, N);
  const jobs = queue.accepted(QUEUES.syncJobs);
  const ids = jobs.map((j) => (j.body as SyncJob).mailboxId);
  assert.equal(new Set(ids).size, N, 'each mailbox once');
  assert.deepEqual(new Set(ids), new Set(mailboxes.map((m) => m.mailboxid)), 'every mailbox');
  assert.equal(queue.duplicates.length, 0);
  assert.equal(sends.length, N / SCHEDULE_PAGE, 'one queue send per page');
  assert.ok(sends.every((n) => n === SCHEDULE_PAGE));
  assert.equal(writes.one, 0, 'no mailbox written on its own');
  assert.deepEqual(writes.pages, Array(N / SCHEDULE_PAGE).fill(SCHEDULE_PAGE), 'registry written a page at a time');

  // Within the interval nobody is due; once it has passed, every mailbox again, once.
  assert.equal((await stages.schedule()).enqueued.length, 0);
  clock.advance(60_000);
  const again = await stages.schedule();
  assert.equal(new Set(again.enqueued).size, N);
  assert.equal(queue.accepted(QUEUES.syncJobs).length, 2 * N);
});

test('The schedule at 10,000 mailboxes: a mailbox that may not sync is registered on first sight, alone', async () => {
  const { stages, deps, writes } = setup();
  const r = await stages.schedule();
  assert.equal(r.ineligible.length, 0);
  assert.equal(writes.one, 0);
  // A mailbox that is not approved yet: registered, not enqueued.
  const p = setup();
  p.dataverse.org.mailboxes = [{ ...mailboxes[0], approval: 0 }, ...mailboxes.slice(1)];
  const s = await p.stages.schedule();
  assert.equal(s.enqueued.length, N - 1);
  assert.ok(await p.deps.mailboxes.get(mailboxes[0].mailboxid), 'registered although not synced');
  assert.ok(await deps.mailboxes.get(mailboxes[N - 1].mailboxid), 'a due mailbox is registered with its page');
});

test('The schedule at 10,000 mailboxes: a sync job reads its own mailbox, never the whole registry', async () => {
  const { deps, stages } = setup(mailboxes.map(healthyRecord));
  let listed = 0;
  const read = new Set<string>();
  const registry = { ...deps.mailboxes };
  deps.mailboxes.list = () => (listed++, registry.list());
  deps.mailboxes.get = (id) => (read.add(id), registry.get(id));
  const id = mailboxes[42].mailboxid;
  await stages.sync(
    delivered({
      body: { kind: 'sync', mailboxId: id, workload: 'email', trigger: 'schedule', slot: '1' },
      messageId: `${id}:email:1`,
      sessionId: id,
    }),
  );
  assert.equal(listed, 0);
  assert.deepEqual([...read], [id]);
});
