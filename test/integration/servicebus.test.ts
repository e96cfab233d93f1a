// The Service Bus adapter: pure mapping, then send, dead-letter listing and dead-letter replay over the real
// SDK against a minimal AMQP peer (rhea) on loopback: test/support/amqp-peer.ts answers CBS, takes transfers,
// answers peek on the management link and serves peekLock receives with settlement. It is not a Service Bus:
// scheduling, sessions and lock expiry are not exercised here.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  createServiceBusQueue,
  toReplayMessage,
  toServiceBusMessage,
  fromDeadLetter,
} from '../../shared/adapters/servicebus';
import { ServiceBusPeer, jsonBody, type PeerEvent, type StoredMessage } from '../support/amqp-peer';
import type { ServiceBusReceivedMessage } from '@azure/service-bus';

describe('service bus mapping', () => {
  it('maps an outgoing message to a JSON ServiceBusMessage', () => {
    const at = new Date('2025-01-01T00:05:00Z');
    assert.deepEqual(
      toServiceBusMessage({
        messageId: 'mbx:email:1',
        sessionId: 'mbx',
        body: { job: 1 },
        applicationProperties: { kind: 'sync' },
        scheduledEnqueueTimeUtc: at,
      }),
      {
        body: { job: 1 },
        messageId: 'mbx:email:1',
        sessionId: 'mbx',
        contentType: 'application/json',
        applicationProperties: { kind: 'sync' },
        scheduledEnqueueTimeUtc: at,
      },
    );
    assert.deepEqual(toServiceBusMessage({ messageId: 'w', body: [1] }), {
      body: [1],
      messageId: 'w',
      contentType: 'application/json',
    });
  });

  it('reads a dead letter and builds its replay with a new id', () => {
    const dl = {
      body: { job: 1 },
      messageId: 'x'.repeat(128),
      sessionId: 'mbx',
      applicationProperties: { kind: 'sync', odd: new Date(0) },
      deliveryCount: 10,
      deadLetterReason: 'MaxDeliveryCountExceeded',
      deadLetterErrorDescription: 'too many',
      contentType: 'application/json',
    } as unknown as ServiceBusReceivedMessage;
    const info = fromDeadLetter(dl);
    assert.deepEqual(info, {
      body: { job: 1 },
      messageId: 'x'.repeat(128),
      sessionId: 'mbx',
      applicationProperties: { kind: 'sync' },
      deliveryCount: 10,
      reason: 'MaxDeliveryCountExceeded',
      description: 'too many',
    });
    const replay = toReplayMessage(dl);
    assert.equal(replay.messageId!.toString().length, 128);
    assert.match(String(replay.messageId), /:replay:[0-9a-f]{8}$/);
    assert.equal(replay.sessionId, 'mbx');
    assert.equal(replay.applicationProperties!.replayOf, 'x'.repeat(128));
  });

  it("drops the broker's dead-letter stamp from the replay, keeping the other properties", () => {
    const dl = {
      body: {},
      messageId: 'm',
      applicationProperties: { kind: 'write', DeadLetterReason: 'Poison', DeadLetterErrorDescription: 'bad' },
    } as unknown as ServiceBusReceivedMessage;
    assert.deepEqual(toReplayMessage(dl).applicationProperties, { kind: 'write', replayOf: 'm' });
  });
});

// Each test gets its own peer and SDK client, so the tests run concurrently: the replays spend most of their
// time in the SDK's own receive timers (1 s after a first message, 2 s for an empty page). The timeout is a
// hang guard for an SDK call that never returns, far above what a loaded machine needs.
describe('service bus over AMQP (rhea peer)', { concurrency: true, timeout: 5 * 60_000 }, () => {
  /** Runs fn against a fresh peer, closing it whatever happens. */
  async function withPeer(fn: (peer: ServiceBusPeer) => Promise<void>): Promise<void> {
    const peer = await ServiceBusPeer.start();
    try {
      await fn(peer);
    } finally {
      await peer.close();
    }
  }
  /** Runs fn with an adapter on the peer, closing the SDK client whatever happens. */
  async function withQueue<T>(
    peer: ServiceBusPeer,
    fn: (q: ReturnType<typeof createServiceBusQueue>) => Promise<T>,
  ): Promise<T> {
    const q = createServiceBusQueue({ connectionString: peer.connectionString });
    try {
      return await fn(q);
    } finally {
      await q.close();
    }
  }
  const wire = (m: StoredMessage) => ({
    messageId: m.message.message_id,
    sessionId: m.message.group_id,
    contentType: m.message.content_type,
    applicationProperties: m.message.application_properties,
    body: jsonBody(m),
  });
  const managementCalls = (peer: ServiceBusPeer, entity: string) =>
    peer.events
      .filter((e): e is Extract<PeerEvent, { type: 'management' }> => e.type === 'management' && e.entity === entity)
      .map((e) => ({
        operation: e.operation,
        from: e.body['from-sequence-number'],
        count: e.body['message-count'],
        status: e.statusCode,
      }));
  const settlements = (peer: ServiceBusPeer) =>
    peer.events.filter((e): e is Extract<PeerEvent, { type: 'settle' }> => e.type === 'settle');
  const DLQ = 'activity-writes/$DeadLetterQueue';

  // activity-writes is not session-enabled (infra/app/servicebus.bicep): its messages carry no session id.
  function seedThree(peer: ServiceBusPeer) {
    return [
      peer.seedDeadLetter('activity-writes', {
        messageId: 'mbx-1:write:1',
        body: { kind: 'write', mailboxId: 'mbx-1', entries: [{ id: 'e1' }] },
        applicationProperties: { workload: 'email' },
        reason: 'MaxDeliveryCountExceeded',
        description: 'Message could not be consumed after 10 delivery attempts.',
        deliveryCount: 10,
      }),
      peer.seedDeadLetter('activity-writes', {
        messageId: 'mbx-2:write:7',
        body: { kind: 'write', mailboxId: 'mbx-2', entries: [] },
        reason: 'Poison',
        description: 'schema mismatch',
        deliveryCount: 1,
      }),
      peer.seedDeadLetter('activity-writes', {
        messageId: 'mbx-3:write:2',
        body: { kind: 'write', mailboxId: 'mbx-3', entries: [{ id: 'e2' }, { id: 'e3' }] },
        reason: 'TTLExpiredException',
        description: 'The message expired and was dead lettered.',
      }),
    ];
  }

  it('sends a batch with ids, session, properties and a JSON body', () =>
    withPeer(async (peer) => {
      await withQueue(peer, async (q) => {
        await q.send('sync-jobs', [
          {
            messageId: 'mbx-1:email:1',
            sessionId: 'mbx-1',
            body: { kind: 'sync', mailboxId: 'mbx-1' },
            applicationProperties: { workload: 'email' },
          },
          { messageId: 'mbx-2:email:1', sessionId: 'mbx-2', body: { kind: 'sync', mailboxId: 'mbx-2' } },
        ]);
        await q.send('activity-writes', [{ messageId: 'w1', body: { writes: [] } }]);
      });
      assert.deepEqual(peer.queue('sync-jobs').active.map(wire), [
        {
          messageId: 'mbx-1:email:1',
          sessionId: 'mbx-1',
          contentType: 'application/json',
          applicationProperties: { workload: 'email' },
          body: { kind: 'sync', mailboxId: 'mbx-1' },
        },
        {
          messageId: 'mbx-2:email:1',
          sessionId: 'mbx-2',
          contentType: 'application/json',
          applicationProperties: undefined,
          body: { kind: 'sync', mailboxId: 'mbx-2' },
        },
      ]);
      assert.deepEqual(peer.queue('activity-writes').active.map(wire), [
        {
          messageId: 'w1',
          sessionId: undefined,
          contentType: 'application/json',
          applicationProperties: undefined,
          body: { writes: [] },
        },
      ]);
      assert.deepEqual(peer.queue('sync-jobs').deadLetters, []);
    }));

  it('lists the dead letters of a queue with reason, description, body and ids (peek on $management)', () =>
    withPeer(async (peer) => {
      const seeded = seedThree(peer);
      peer.seedDeadLetter('sync-jobs', { messageId: 'other-queue', body: {}, reason: 'x', description: 'y' });
      await withQueue(peer, (q) => q.send('activity-writes', [{ messageId: 'live-1', body: { kind: 'write' } }])); // active, not dead

      const list = await withQueue(peer, (q) => q.listDeadLetters('activity-writes'));

      assert.deepEqual(list, [
        {
          body: { kind: 'write', mailboxId: 'mbx-1', entries: [{ id: 'e1' }] },
          messageId: 'mbx-1:write:1',
          // fromDeadLetter keeps every scalar application property, Service Bus's two dead-letter ones included.
          applicationProperties: {
            workload: 'email',
            DeadLetterReason: 'MaxDeliveryCountExceeded',
            DeadLetterErrorDescription: 'Message could not be consumed after 10 delivery attempts.',
          },
          deliveryCount: 10,
          reason: 'MaxDeliveryCountExceeded',
          description: 'Message could not be consumed after 10 delivery attempts.',
          sequenceNumber: String(seeded[0]!.sequenceNumber),
          enqueuedTimeUtc: seeded[0]!.enqueuedTime,
        },
        {
          body: { kind: 'write', mailboxId: 'mbx-2', entries: [] },
          messageId: 'mbx-2:write:7',
          applicationProperties: { DeadLetterReason: 'Poison', DeadLetterErrorDescription: 'schema mismatch' },
          deliveryCount: 1,
          reason: 'Poison',
          description: 'schema mismatch',
          sequenceNumber: String(seeded[1]!.sequenceNumber),
          enqueuedTimeUtc: seeded[1]!.enqueuedTime,
        },
        {
          body: { kind: 'write', mailboxId: 'mbx-3', entries: [{ id: 'e2' }, { id: 'e3' }] },
          messageId: 'mbx-3:write:2',
          applicationProperties: {
            DeadLetterReason: 'TTLExpiredException',
            DeadLetterErrorDescription: 'The message expired and was dead lettered.',
          },
          deliveryCount: 0,
          reason: 'TTLExpiredException',
          description: 'The message expired and was dead lettered.',
          sequenceNumber: String(seeded[2]!.sequenceNumber),
          enqueuedTimeUtc: seeded[2]!.enqueuedTime,
        },
      ]);
      // One page, then the 204 that ends the listing; peeking neither locks nor removes anything.
      assert.deepEqual(managementCalls(peer, DLQ), [
        { operation: 'com.microsoft:peek-message', from: 1, count: 100, status: 200 },
        { operation: 'com.microsoft:peek-message', from: seeded[2]!.sequenceNumber + 1, count: 100, status: 204 },
      ]);
      assert.equal(peer.queue('activity-writes').deadLetters.length, 3);
      assert.ok(peer.queue('activity-writes').deadLetters.every((m) => !m.lockedBy));
    }));

  it('pages through more dead letters than one peek returns, and stops at max', () =>
    withPeer(async (peer) => {
      for (let i = 0; i < 250; i++) {
        peer.seedDeadLetter('sync-jobs', {
          messageId: `mbx-${i}:email:1`,
          sessionId: `mbx-${i}`,
          body: { kind: 'sync', mailboxId: `mbx-${i}` },
          reason: 'MaxDeliveryCountExceeded',
          description: 'd',
        });
      }
      const all = await withQueue(peer, (q) => q.listDeadLetters('sync-jobs'));
      assert.deepEqual(
        all.map((d) => d.messageId),
        Array.from({ length: 250 }, (_, i) => `mbx-${i}:email:1`),
      );
      assert.deepEqual(
        [all[249]!.body, all[249]!.sessionId, all[249]!.reason],
        [{ kind: 'sync', mailboxId: 'mbx-249' }, 'mbx-249', 'MaxDeliveryCountExceeded'],
      );
      assert.deepEqual(
        managementCalls(peer, 'sync-jobs/$DeadLetterQueue').map((p) => [p.from, p.count, p.status]),
        [
          [1, 100, 200],
          [101, 100, 200],
          [201, 100, 200],
          [251, 100, 204],
        ],
      );

      peer.events.length = 0;
      const some = await withQueue(peer, (q) => q.listDeadLetters('sync-jobs', 150));
      assert.deepEqual(
        some.map((d) => d.messageId),
        Array.from({ length: 150 }, (_, i) => `mbx-${i}:email:1`),
      );
      assert.deepEqual(
        managementCalls(peer, 'sync-jobs/$DeadLetterQueue').map((p) => [p.from, p.count, p.status]),
        [
          [1, 100, 200],
          [101, 50, 200],
        ],
      );
    }));

  it('replays the accepted dead letters to the queue, completes them, and abandons the filtered-out one', () =>
    withPeer(async (peer) => {
      const [first, poison, third] = seedThree(peer);
      const replayed = await withQueue(peer, (q) =>
        q.replayDeadLetters('activity-writes', { filter: (d) => d.reason !== 'Poison' }),
      );
      assert.equal(replayed, 2);

      // The queue got the two replays: new ids, the original id as replayOf, same body, session and content type.
      const active = peer.queue('activity-writes').active.map(wire);
      assert.equal(active.length, 2);
      for (const [got, original] of [
        [active[0]!, first!],
        [active[1]!, third!],
      ] as const) {
        const originalId = String(original.message.message_id);
        assert.match(String(got.messageId), new RegExp(`^${originalId}:replay:[0-9a-f]{8}$`));
        assert.equal(got.sessionId, original.message.group_id);
        assert.equal(got.contentType, 'application/json');
        assert.deepEqual(got.body, jsonBody(original));
        assert.equal((got.applicationProperties as Record<string, unknown>).replayOf, originalId);
      }
      assert.equal((active[0]!.applicationProperties as Record<string, unknown>).workload, 'email');

      // Completed ones left the dead-letter queue; the skipped one is back, unlocked, its delivery counted.
      const left = peer.queue('activity-writes').deadLetters;
      assert.deepEqual(
        left.map((m) => m.message.message_id),
        ['mbx-2:write:7'],
      );
      assert.equal(left[0], poison);
      assert.equal(left[0]!.lockedBy, undefined);
      assert.equal(left[0]!.deliveryCount, 2);

      // Settled on the receive link: accepted (complete) twice, modified (abandon) once.
      assert.deepEqual(
        settlements(peer).map((s) => [s.entity, s.messageId, s.outcome, s.via]),
        [
          [DLQ, 'mbx-1:write:1', 'completed', 'link'],
          [DLQ, 'mbx-3:write:2', 'completed', 'link'],
          [DLQ, 'mbx-2:write:7', 'abandoned', 'link'],
        ],
      );
      // Resend before complete, for each replayed message.
      for (const id of ['mbx-1:write:1', 'mbx-3:write:2']) {
        const sent = peer.events.findIndex(
          (e) =>
            e.type === 'transfer' && e.address === 'activity-writes' && String(e.messageId).startsWith(`${id}:replay:`),
        );
        const completed = peer.events.findIndex(
          (e) => e.type === 'settle' && e.messageId === id && e.outcome === 'completed',
        );
        assert.ok(sent >= 0 && completed > sent, `${id}: resent at ${sent}, completed at ${completed}`);
      }
      // Each dead letter was delivered once: the locked, skipped one was not handed out again.
      assert.deepEqual(
        peer.events.filter((e) => e.type === 'deliver').map((e) => (e as { messageId: unknown }).messageId),
        ['mbx-1:write:1', 'mbx-2:write:7', 'mbx-3:write:2'],
      );
    }));

  it('replays no more than max dead letters, keeping the session of a sync job', () =>
    withPeer(async (peer) => {
      // sync-jobs is session-enabled; its dead-letter sub-queue is not, so a plain receiver reads it.
      for (const n of [1, 2, 3]) {
        peer.seedDeadLetter('sync-jobs', {
          messageId: `mbx-${n}:email:1`,
          sessionId: `mbx-${n}`,
          body: { kind: 'sync', mailboxId: `mbx-${n}` },
          reason: 'MaxDeliveryCountExceeded',
          description: 'd',
          deliveryCount: 10,
        });
      }
      const replayed = await withQueue(peer, (q) => q.replayDeadLetters('sync-jobs', { max: 1 }));
      assert.equal(replayed, 1);
      const [resent, ...more] = peer.queue('sync-jobs').active;
      assert.equal(more.length, 0);
      assert.match(String(resent!.message.message_id), /^mbx-1:email:1:replay:[0-9a-f]{8}$/);
      assert.equal(resent!.message.group_id, 'mbx-1');
      assert.deepEqual(jsonBody(resent!), { kind: 'sync', mailboxId: 'mbx-1' });
      assert.deepEqual(
        peer.queue('sync-jobs').deadLetters.map((m) => m.message.message_id),
        ['mbx-2:email:1', 'mbx-3:email:1'],
      );
      assert.ok(peer.queue('sync-jobs').deadLetters.every((m) => !m.lockedBy));
      assert.deepEqual(
        settlements(peer).map((s) => [s.entity, s.messageId, s.outcome, s.via]),
        [['sync-jobs/$DeadLetterQueue', 'mbx-1:email:1', 'completed', 'link']],
      );
    }));

  it('still completes and abandons when the SDK gave up its receive link (settles on $management)', () =>
    withPeer(async (peer) => {
      // A broker slow to answer a drain makes the SDK close the receive link (BatchingReceiverLite.tryDrainReceiver);
      // the messages it holds are then settled by lock token with com.microsoft:update-disposition on $management.
      // (The SDK refuses this for a message with a session id: SessionLockLost. activity-writes has none.)
      seedThree(peer);
      peer.answerDrains = false;
      const replayed = await withQueue(peer, (q) =>
        q.replayDeadLetters('activity-writes', { filter: (d) => d.reason !== 'Poison' }),
      );
      assert.equal(replayed, 2);
      assert.ok(peer.events.some((e) => e.type === 'drain' && !e.answered));
      assert.deepEqual(
        settlements(peer).map((s) => [s.messageId, s.outcome, s.via]),
        [
          ['mbx-1:write:1', 'completed', 'management'],
          ['mbx-3:write:2', 'completed', 'management'],
          ['mbx-2:write:7', 'abandoned', 'management'],
        ],
      );
      assert.deepEqual(
        managementCalls(peer, DLQ).map((p) => [p.operation, p.status]),
        [
          ['com.microsoft:update-disposition', 200],
          ['com.microsoft:update-disposition', 200],
          ['com.microsoft:update-disposition', 200],
        ],
      );
      assert.equal(peer.queue('activity-writes').active.length, 2);
      assert.deepEqual(
        peer.queue('activity-writes').deadLetters.map((m) => [m.message.message_id, m.lockedBy]),
        [['mbx-2:write:7', undefined]],
      );
    }));

  // The SDK keeps its peek position on the management client it caches per connection and entity, not on the
  // receiver: listDeadLetters passes fromSequenceNumber itself, so a second listing sees the same letters.
  it('lists the same dead letters again on the same client', () =>
    withPeer(async (peer) => {
      seedThree(peer);
      await withQueue(peer, async (q) => {
        assert.equal((await q.listDeadLetters('activity-writes')).length, 3);
        assert.equal((await q.listDeadLetters('activity-writes')).length, 3);
      });
    }));
});
