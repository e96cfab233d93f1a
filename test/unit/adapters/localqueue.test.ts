// The embedded queue's Service Bus semantics, driven by a hand-moved clock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  createLocalQueues,
  InvalidMessageError,
  LocalQueue,
  MessageLockLostError,
} from '../../../shared/adapters/localqueue';
import type { Clock } from '../../../shared/ports';
import { isKind } from '../../../shared/domain/errors';

class ManualClock implements Clock {
  constructor(private t = Date.UTC(2025, 0, 1)) {}
  now() {
    return new Date(this.t);
  }
  advance(ms: number) {
    this.t += ms;
  }
}

function queue(over: Partial<ConstructorParameters<typeof LocalQueue>[0]> = {}) {
  const clock = new ManualClock();
  const q = new LocalQueue({ name: 'q', clock, requiresSession: false, ...over });
  return { clock, q };
}

describe('LocalQueue', () => {
  it('delivers FIFO, with delivery count 1 and a lock', () => {
    const { q, clock } = queue();
    q.send([
      { messageId: 'a', body: { n: 1 }, applicationProperties: { kind: 'job' } },
      { messageId: 'b', body: { n: 2 } },
    ]);
    const a = q.receive()!;
    const b = q.receive()!;
    assert.equal(q.receive(), undefined);
    assert.deepEqual([a.messageId, b.messageId], ['a', 'b']);
    assert.ok(a.sequenceNumber < b.sequenceNumber);
    assert.equal(a.deliveryCount, 1);
    assert.deepEqual(a.applicationProperties, { kind: 'job' });
    assert.equal(a.lockedUntil.getTime(), clock.now().getTime() + 60_000);
    assert.deepEqual(q.stats(), { active: 0, scheduled: 0, locked: 2, deadLettered: 0 });
    q.complete(a.lockToken);
    q.complete(b.lockToken);
    assert.throws(() => q.complete(a.lockToken), MessageLockLostError);
    assert.ok(q.isIdle());
  });

  it('copies bodies: neither sender nor handler can change a queued message', () => {
    const { q } = queue();
    const body = { list: [1], when: new Date(0) };
    q.send([{ messageId: 'a', body }]);
    body.list.push(2);
    const r = q.receive()!;
    assert.deepEqual(r.body, { list: [1], when: '1970-01-01T00:00:00.000Z' }); // as JSON over the wire
    (r.body as { list: number[] }).list.push(3);
    q.abandon(r.lockToken);
    assert.deepEqual((q.receive()!.body as { list: number[] }).list, [1]);
  });

  describe('sessions', () => {
    it('rejects messages without a session id', () => {
      const { q } = queue({ requiresSession: true });
      assert.throws(() => q.send([{ messageId: 'x', body: 1 }]), InvalidMessageError);
      assert.throws(
        () =>
          q.send([
            { messageId: 'y', body: 1, sessionId: 's' },
            { messageId: 'z', body: 1 },
          ]),
        InvalidMessageError,
      );
      assert.equal(q.stats().active, 0, 'a rejected batch leaves nothing behind');
    });

    it('keeps one message in flight per session, FIFO within it', () => {
      const { q } = queue({ requiresSession: true });
      q.send(['a1', 'b1', 'a2', 'a3', 'b2'].map((id) => ({ messageId: id, sessionId: id[0], body: id })));
      const first = q.receive()!;
      const second = q.receive()!;
      assert.deepEqual([first.messageId, second.messageId], ['a1', 'b1']);
      assert.equal(q.receive(), undefined, 'both sessions are busy');
      q.complete(second.lockToken);
      assert.equal(q.receive()!.messageId, 'b2');
      q.abandon(first.lockToken);
      const again = q.receive()!;
      assert.equal(again.messageId, 'a1', 'an abandoned message keeps its place at the head');
      assert.equal(again.deliveryCount, 2);
      q.complete(again.lockToken);
      const a2 = q.receive()!;
      assert.equal(a2.messageId, 'a2');
      q.complete(a2.lockToken);
      assert.equal(q.receive()!.messageId, 'a3');
    });
  });

  describe('duplicate detection', () => {
    it('drops a repeated messageId within the window and accepts it after', () => {
      const { q, clock } = queue({ duplicateDetectionWindowMs: 600_000 });
      q.send([{ messageId: 'm', body: 1 }]);
      q.send([{ messageId: 'm', body: 2 }]);
      assert.equal(q.stats().active, 1);
      const r = q.receive()!;
      q.complete(r.lockToken);
      clock.advance(599_999);
      q.send([{ messageId: 'm', body: 3 }]);
      assert.equal(q.receive(), undefined, 'still within the window, even after completion');
      clock.advance(1);
      q.send([{ messageId: 'm', body: 4 }]);
      assert.equal(q.receive()!.body, 4);
    });

    it('counts scheduled messages too', () => {
      const { q, clock } = queue();
      q.send([{ messageId: 'm', body: 1, scheduledEnqueueTimeUtc: new Date(clock.now().getTime() + 60_000) }]);
      q.send([{ messageId: 'm', body: 2 }]);
      assert.deepEqual(q.stats(), { active: 0, scheduled: 1, locked: 0, deadLettered: 0 });
    });
  });

  it('holds scheduled messages until they are due, then gives them a new sequence number', () => {
    const { q, clock } = queue();
    const t0 = clock.now().getTime();
    q.send([
      { messageId: 'late', body: 1, scheduledEnqueueTimeUtc: new Date(t0 + 30_000) },
      { messageId: 'soon', body: 2, scheduledEnqueueTimeUtc: new Date(t0 + 10_000) },
      { messageId: 'past', body: 3, scheduledEnqueueTimeUtc: new Date(t0 - 1) },
    ]);
    assert.deepEqual(q.nextDueAt(), new Date(t0 + 10_000));
    assert.equal(q.isIdle(), false);
    const past = q.receive()!;
    assert.equal(past.messageId, 'past');
    q.complete(past.lockToken);
    assert.equal(q.receive(), undefined);
    clock.advance(10_000);
    const soon = q.receive()!;
    assert.equal(soon.messageId, 'soon');
    assert.ok(soon.sequenceNumber > past.sequenceNumber);
    assert.deepEqual(soon.enqueuedTimeUtc, new Date(t0 + 10_000));
    assert.deepEqual(q.nextDueAt(), new Date(t0 + 30_000));
    clock.advance(20_000);
    assert.equal(q.receive()!.messageId, 'late');
    assert.equal(q.nextDueAt(), undefined);
  });

  it('dead-letters after maxDeliveryCount abandons, and replays on request', () => {
    const { q } = queue({ maxDeliveryCount: 3 });
    q.send([{ messageId: 'p', body: { poison: true }, sessionId: 's1' }]);
    for (let n = 1; n <= 3; n++) {
      const r = q.receive()!;
      assert.equal(r.deliveryCount, n);
      q.abandon(r.lockToken);
    }
    assert.equal(q.receive(), undefined);
    const [dl] = q.deadLetters();
    assert.deepEqual(
      {
        body: dl!.body,
        messageId: dl!.messageId,
        sessionId: dl!.sessionId,
        reason: dl!.reason,
        deliveryCount: dl!.deliveryCount,
      },
      { body: { poison: true }, messageId: 'p', sessionId: 's1', reason: 'MaxDeliveryCountExceeded', deliveryCount: 3 },
    );
    assert.deepEqual(q.stats(), { active: 0, scheduled: 0, locked: 0, deadLettered: 1 });
    assert.equal(q.replayDeadLetters(), 1);
    const again = q.receive()!;
    assert.equal(again.messageId, 'p');
    assert.equal(again.deliveryCount, 1);
    q.deadLetter(again.lockToken, 'WriteFailed', 'dataverse said no');
    assert.deepEqual(
      q.deadLetters().map((d) => [d.reason, d.description]),
      [['WriteFailed', 'dataverse said no']],
    );
    assert.equal(q.removeDeadLetter('p'), true);
    assert.equal(q.removeDeadLetter('p'), false);
    assert.equal(q.stats().deadLettered, 0);
  });

  it('redelivers a message whose lock expired, unless it was renewed', () => {
    const { q, clock } = queue({ lockDurationMs: 1000, maxDeliveryCount: 2, requiresSession: true });
    q.send([{ messageId: 'x', body: 1, sessionId: 's' }]);
    const first = q.receive()!;
    clock.advance(900);
    assert.deepEqual(q.renewLock(first.lockToken), new Date(clock.now().getTime() + 1000));
    clock.advance(900);
    assert.equal(q.receive(), undefined, 'renewed: still locked, session still busy');
    assert.deepEqual(q.nextLockExpiryAt(), new Date(clock.now().getTime() + 100));
    clock.advance(100);
    assert.throws(() => q.complete(first.lockToken), MessageLockLostError);
    const second = q.receive()!;
    assert.equal(second.messageId, 'x');
    assert.equal(second.deliveryCount, 2);
    clock.advance(1000);
    assert.equal(q.receive(), undefined);
    assert.equal(q.deadLetters()[0]?.reason, 'MaxDeliveryCountExceeded');
  });

  it('enforces the 256 KB Standard tier limit and JSON bodies', () => {
    const { q } = queue();
    assert.throws(() => q.send([{ messageId: 'big', body: 'x'.repeat(256 * 1024) }]), /over the 262144-byte/);
    q.send([{ messageId: 'fits', body: 'x'.repeat(200 * 1024) }]);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    assert.throws(() => q.send([{ messageId: 'c', body: circular }]), InvalidMessageError);
    assert.throws(() => q.send([{ messageId: 'b', body: 1n }]), InvalidMessageError);
    assert.throws(() => q.send([{ messageId: 'u', body: undefined }]), /not JSON-serialisable/);
    assert.throws(() => q.send([{ messageId: 'i'.repeat(129), body: 1 }]), /messageId/);
    assert.equal(q.stats().active, 1);
  });

  it('tells listeners when work may be available', () => {
    const { q } = queue();
    let calls = 0;
    const off = q.onChange(() => calls++);
    q.send([{ messageId: 'a', body: 1 }]);
    q.send([{ messageId: 'a', body: 1 }]); // duplicate: nothing new
    q.abandon(q.receive()!.lockToken);
    off();
    q.send([{ messageId: 'b', body: 1 }]);
    assert.equal(calls, 2);
  });
});

describe('createLocalQueues', () => {
  it('makes a session queue for sync-jobs and a plain one for activity-writes behind a QueuePort', async () => {
    const { queues, port } = createLocalQueues(new ManualClock(), { maxDeliveryCount: 5 });
    assert.equal(queues['sync-jobs'].requiresSession, true);
    assert.equal(queues['activity-writes'].requiresSession, false);
    assert.equal(queues['sync-jobs'].maxDeliveryCount, 5);
    await assert.rejects(
      port.send('sync-jobs', [{ messageId: 'j', body: {} }]),
      (e) => isKind(e, 'permanent') && e.system === 'servicebus' && e.code === 'InvalidMessage',
    );
    await port.send('sync-jobs', [{ messageId: 'j', sessionId: 'mbx', body: { kind: 'sync' } }]);
    await port.send('activity-writes', [{ messageId: 'w', body: { kind: 'write' } }]);
    assert.equal(queues['sync-jobs'].receive()?.sessionId, 'mbx');
    assert.deepEqual(queues['activity-writes'].receive()?.body, { kind: 'write' });
  });
});
