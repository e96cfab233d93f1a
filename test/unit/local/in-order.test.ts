// `--once` releases the schedule's sync jobs one mailbox at a time (local/in-order.ts): the next mailbox
// starts only after the previous one drained, its 5-minute retries after a transient failure included.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { holdSyncJobs, syncInOrder } from '../../../local/in-order';
import { ScaledClock } from '../../../local/clock';
import { QUEUES, type MailboxRecord, type OutgoingMessage, type QueueName } from '../../../shared/ports';
import type { PipelineDeps } from '../../../shared/pipeline/deps';

const START = new Date('2025-01-10T10:00:00Z');
const job = (mailboxId: string): OutgoingMessage => ({
  body: { kind: 'sync', mailboxId, workload: 'email', trigger: 'schedule', slot: '1' },
  messageId: `${mailboxId}:email:1`,
  sessionId: mailboxId,
});
const quiet = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
} as unknown as PipelineDeps['log'];

/** A registry whose records the "drain" changes, as the sync stage would. */
function registry(records: Record<string, MailboxRecord>): PipelineDeps['mailboxes'] {
  return { get: async (id: string) => records[id] } as unknown as PipelineDeps['mailboxes'];
}
const record = (mailboxId: string, health: MailboxRecord['health']): MailboxRecord => ({
  mailboxId,
  address: `${mailboxId}@x.test`,
  owner: { type: 'systemuser', id: 'u' },
  enabledForIncoming: true,
  health,
});

describe('holdSyncJobs', () => {
  it('keeps sync jobs back and lets writes through', async () => {
    const sent: QueueName[] = [];
    const hold = holdSyncJobs({ send: async (q) => void sent.push(q) });
    await hold.port.send(QUEUES.syncJobs, [job('a'), job('b')]);
    await hold.port.send(QUEUES.activityWrites, [{ body: {}, messageId: 'w' }]);
    assert.deepEqual(
      hold.held.map((m) => m.sessionId),
      ['a', 'b'],
    );
    assert.deepEqual(sent, [QUEUES.activityWrites]);
  });
});

describe('syncInOrder', () => {
  it('retries a failing mailbox when due, before the next mailbox starts', async () => {
    const clock = new ScaledClock(START, 1);
    const records: Record<string, MailboxRecord> = {};
    const order: string[] = [];
    let failuresLeft = 2;
    const drain = async () => {
      const m = order[order.length - 1]!;
      const now = clock.now().toISOString();
      if (m.startsWith('a') && failuresLeft-- > 0) {
        records.a = record('a', {
          state: 'failing',
          consecutiveFailures: 2 - failuresLeft,
          nextDueAt: new Date(clock.now().getTime() + 300_000).toISOString(),
        });
      } else {
        const id = m.split(':')[0]!;
        records[id] = record(id, {
          state: 'healthy',
          consecutiveFailures: 0,
          lastSyncCompletedAt: now,
          nextDueAt: new Date(clock.now().getTime() + 60_000).toISOString(),
        });
      }
    };
    const port = {
      send: async (_q: QueueName, msgs: OutgoingMessage[]) =>
        void order.push(...msgs.map((x) => `${x.sessionId}:${(x.body as { slot: string }).slot}`)),
    };
    await syncInOrder([job('a'), job('b')], { port, deps: { mailboxes: registry(records), log: quiet }, clock, drain });
    assert.deepEqual(
      order.map((o) => o.split(':')[0]),
      ['a', 'a', 'a', 'b'],
      'a twice retried, then b',
    );
    assert.ok(order[1]!.includes('retry-'), order[1]);
    assert.ok(clock.now().getTime() - START.getTime() >= 600_000, 'the clock moved over both 5-minute waits');
  });

  it('moves on from a disabled mailbox and from one that synced', async () => {
    const clock = new ScaledClock(START, 1);
    const records: Record<string, MailboxRecord> = {};
    const order: string[] = [];
    const drain = async () => {
      const id = order[order.length - 1]!;
      records[id] =
        id === 'a'
          ? record('a', {
              state: 'disabled',
              consecutiveFailures: 1,
              disabledAt: clock.now().toISOString(),
              nextDueAt: clock.now().toISOString(),
            })
          : record(id, { state: 'healthy', consecutiveFailures: 0, lastSyncCompletedAt: clock.now().toISOString() });
    };
    const port = {
      send: async (_q: QueueName, msgs: OutgoingMessage[]) => void order.push(...msgs.map((x) => x.sessionId!)),
    };
    await syncInOrder([job('a'), job('b'), job('c')], {
      port,
      deps: { mailboxes: registry(records), log: quiet },
      clock,
      drain,
    });
    assert.deepEqual(order, ['a', 'b', 'c']);
  });
});
