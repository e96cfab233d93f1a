// The Service Bus adapter: pure mapping, and a send over the real SDK to a minimal AMQP peer (rhea) on
// loopback. The peer answers the CBS token request and accepts links and transfers; it is not a Service Bus,
// so scheduling and dead-letter paths (management link) are not exercised here.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
// rhea exports a Container instance whose methods live on its prototype: a namespace import would lose them.
import rhea = require('rhea');
import { createServiceBusQueue, toReplayMessage, toServiceBusMessage, fromDeadLetter } from '../../shared/adapters/servicebus';
import type { ServiceBusReceivedMessage } from '@azure/service-bus';

describe('service bus mapping', () => {
  it('maps an outgoing message to a JSON ServiceBusMessage', () => {
    const at = new Date('2025-01-01T00:05:00Z');
    assert.deepEqual(
      toServiceBusMessage({ messageId: 'mbx:email:1', sessionId: 'mbx', body: { job: 1 }, applicationProperties: { kind: 'sync' }, scheduledEnqueueTimeUtc: at }),
      { body: { job: 1 }, messageId: 'mbx:email:1', sessionId: 'mbx', contentType: 'application/json', applicationProperties: { kind: 'sync' }, scheduledEnqueueTimeUtc: at },
    );
    assert.deepEqual(toServiceBusMessage({ messageId: 'w', body: [1] }), { body: [1], messageId: 'w', contentType: 'application/json' });
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
});

describe('service bus send over AMQP (rhea peer)', () => {
  interface Wire {
    address: string;
    messageId: unknown;
    sessionId: unknown;
    contentType: unknown;
    applicationProperties: unknown;
    body: unknown;
  }
  const received: Wire[] = [];
  let server: ReturnType<rhea.Container['listen']>;
  let port = 0;

  before(async () => {
    const container = rhea.create_container({ id: 'fake-servicebus' });
    container.sasl_server_mechanisms.enable_anonymous();
    const cbsReply = new Map<unknown, rhea.Sender>();
    container.on('sender_open', (ctx: rhea.EventContext) => {
      if (ctx.sender?.source?.address === '$cbs') cbsReply.set(ctx.connection, ctx.sender);
    });
    container.on('receiver_open', (ctx: rhea.EventContext) => {
      const r = ctx.receiver! as rhea.Receiver & { local: { attach: { max_message_size?: number } }; remote: { attach: { target: { address: string } } } };
      r.set_target({ address: r.remote.attach.target.address });
      r.local.attach.max_message_size = 256 * 1024; // the SDK sizes its batches from this
    });
    container.on('message', (ctx: rhea.EventContext) => {
      const address = ctx.receiver!.target.address!;
      if (address === '$cbs') {
        // Accept every token: the SDK waits for a 200 before it attaches to the queue.
        cbsReply.get(ctx.connection)!.send({ correlation_id: ctx.message!.message_id, application_properties: { 'status-code': 200, 'status-description': 'OK' } } as unknown as rhea.Message);
        return;
      }
      // The SDK sends a batch as one transfer in the batch format (0x80013700), which rhea hands over undecoded:
      // an envelope whose data sections (one or many) are the encoded messages.
      const raw = ctx.message as unknown;
      type Decoded = ReturnType<typeof rhea.message.decode>;
      let messages: Decoded[] = [raw as Decoded];
      if (Buffer.isBuffer(raw)) {
        const body = rhea.message.decode(raw).body as { multiple?: boolean; content: Buffer | Buffer[] };
        const sections = body.multiple ? (body.content as Buffer[]) : [body.content as Buffer];
        messages = sections.map((section) => rhea.message.decode(section));
      }
      for (const m of messages) {
        received.push({
          address,
          messageId: m.message_id,
          sessionId: m.group_id,
          contentType: m.content_type,
          applicationProperties: m.application_properties,
          body: JSON.parse((m.body as { content: Buffer }).content.toString('utf8')),
        });
      }
    });
    server = container.listen({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((res) => server.once('listening', () => res()));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.close();
  });

  it('sends a batch with ids, session, properties and a JSON body', async () => {
    const q = createServiceBusQueue({
      connectionString: `Endpoint=sb://127.0.0.1:${port};SharedAccessKeyName=test;SharedAccessKey=test;UseDevelopmentEmulator=true;`,
    });
    try {
      await q.send('sync-jobs', [
        { messageId: 'mbx-1:email:1', sessionId: 'mbx-1', body: { kind: 'sync', mailboxId: 'mbx-1' }, applicationProperties: { workload: 'email' } },
        { messageId: 'mbx-2:email:1', sessionId: 'mbx-2', body: { kind: 'sync', mailboxId: 'mbx-2' } },
      ]);
      await q.send('activity-writes', [{ messageId: 'w1', body: { writes: [] } }]);
    } finally {
      await q.close();
    }
    assert.deepEqual(received, [
      { address: 'sync-jobs', messageId: 'mbx-1:email:1', sessionId: 'mbx-1', contentType: 'application/json', applicationProperties: { workload: 'email' }, body: { kind: 'sync', mailboxId: 'mbx-1' } },
      { address: 'sync-jobs', messageId: 'mbx-2:email:1', sessionId: 'mbx-2', contentType: 'application/json', applicationProperties: undefined, body: { kind: 'sync', mailboxId: 'mbx-2' } },
      { address: 'activity-writes', messageId: 'w1', sessionId: undefined, contentType: 'application/json', applicationProperties: undefined, body: { writes: [] } },
    ]);
  });
});
