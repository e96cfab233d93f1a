// Issue point "Stages as a factory over their ports": the schedule stage over in-memory fakes of Dataverse,
// Table Storage and the queue (test/support/fakes), in milliseconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStages } from '../../../shared/pipeline/stages';
import { QUEUES } from '../../../shared/ports';
import type { SyncJob } from '../../../shared/domain/jobs';
import { fakePipeline, userMailbox } from '../../support/fakes';

const ALICE = userMailbox('mbx-alice', 'alice@contoso.com', 'user-alice');
const CAROL = userMailbox('mbx-carol', 'carol@contoso.com', 'user-carol');
const INTERVAL_S = 60;

function setup(mailboxes = [ALICE, CAROL]) {
  const p = fakePipeline({ mailboxes, settings: { syncIntervalSeconds: INTERVAL_S } });
  return { ...p, stages: createStages(p.deps) };
}

test('Stages over their ports: schedule enqueues one sync job per due mailbox, in its session, once per interval', async () => {
  const { stages, queue, clock } = setup();
  const first = await stages.schedule();
  assert.deepEqual(first.enqueued, [ALICE.mailboxid, CAROL.mailboxid]);
  const jobs = queue.accepted(QUEUES.syncJobs);
  assert.deepEqual(
    jobs.map((j) => [j.sessionId, (j.body as SyncJob).mailboxId, (j.body as SyncJob).trigger]),
    [
      [ALICE.mailboxid, ALICE.mailboxid, 'schedule'],
      [CAROL.mailboxid, CAROL.mailboxid, 'schedule'],
    ],
  );

  // The timer fires again within the interval: nobody is due.
  const again = await stages.schedule();
  assert.deepEqual(again.enqueued, []);
  assert.equal(again.notDue, 2);
  // Forced in the same time slot: the same ids, dropped by duplicate detection.
  await stages.schedule({ force: true });
  assert.equal(queue.duplicates.length, 2);
  assert.equal(queue.accepted(QUEUES.syncJobs).length, 2);

  clock.advance(INTERVAL_S * 1000);
  assert.deepEqual((await stages.schedule()).enqueued, [ALICE.mailboxid, CAROL.mailboxid]);
  assert.equal(queue.accepted(QUEUES.syncJobs).length, 4);
});

test('Stages over their ports: schedule leaves out a mailbox that is not approved, with one NotApproved alert', async () => {
  const { stages, queue, alerts, clock } = setup([ALICE, { ...CAROL, approval: 0 }]);
  const r = await stages.schedule();
  assert.deepEqual(r.enqueued, [ALICE.mailboxid]);
  assert.deepEqual(r.ineligible, [{ mailboxId: CAROL.mailboxid, reason: 'MailboxNotApproved' }]);
  clock.advance(INTERVAL_S * 1000);
  await stages.schedule();
  assert.deepEqual(
    alerts.alerts.map((a) => `${a.mailboxId} ${a.code}`),
    [`${CAROL.mailboxid} NotApproved`],
    'one alert, not one a minute',
  );
  assert.ok(queue.accepted(QUEUES.syncJobs).every((j) => j.sessionId === ALICE.mailboxid));
});

test('Stages over their ports: schedule skips a mailbox that is disabled until an administrator enables it again', async () => {
  const { stages, deps, dataverse, clock } = setup([ALICE]);
  await stages.schedule();
  const record = (await deps.mailboxes.get(ALICE.mailboxid))!;
  await deps.mailboxes.upsert({
    ...record,
    health: { ...record.health, state: 'disabled', disabledAt: '2025-01-10T10:00:00.000Z' },
  });
  clock.advance(INTERVAL_S * 1000);
  assert.deepEqual((await stages.schedule()).ineligible, [{ mailboxId: ALICE.mailboxid, reason: 'MailboxDisabled' }]);

  // Enabled again by an administrator: Dataverse's modifiedon is after we disabled it.
  dataverse.org.mailboxes = [{ ...ALICE, modifiedon: '2025-01-10T10:02:00.000Z' }];
  clock.advance(INTERVAL_S * 1000);
  assert.deepEqual((await stages.schedule()).enqueued, [ALICE.mailboxid]);
  assert.equal((await deps.mailboxes.get(ALICE.mailboxid))!.health.state, 'healthy');
});
