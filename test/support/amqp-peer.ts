// A minimal AMQP 1.0 peer (rhea, loopback) that speaks just enough Service Bus for the real
// @azure/service-bus v7 SDK: CBS put-token, sends to a queue, peek on `<entity>/$management`, and peekLock
// receives from `<queue>` or `<queue>/$DeadLetterQueue` with settlement on the receive link (or, when the SDK
// falls back to it, `com.microsoft:update-disposition` on the management link).
// It is not a Service Bus: no sessions, no lock expiry or renewal, no defer or dead-lettering by a client, no
// scheduling, no duplicate detection, no partitions.
// Tests read and seed its per-queue state (active messages and dead letters) and its event log.
//
// Wire details it relies on (SDK 7.9.5, node_modules/@azure/service-bus/dist/index.js):
// - management responses are read by `correlation_id` = request `message_id` (core-amqp requestResponseLink.js
//   onMessageReceived), and peek checks `application_properties.statusCode` (camelCase: 'status-code' would
//   pass core-amqp's check but make peek read `body.messages` on a 204) — ManagementClient.peekBySequenceNumber;
// - a peeked message is `{ message: <binary, AMQP-encoded message> }` in `body.messages`, decoded with
//   rhea's message.decode; its `x-opt-sequence-number` annotation moves the SDK's peek cursor;
// - a received message's lock token is its delivery tag read as a 16-byte UUID (fromRheaMessage: anything
//   else throws), byte-reordered .NET style for the batching receiver (reorderLockToken);
// - settlement on the receive link waits for the peer to settle the delivery (onMessageSettled), and a
//   receive that ends with credit left drains the link and waits for the drain to be answered
//   (BatchingReceiverLite.tryDrainReceiver: unanswered, it closes the link, and settlement then goes by lock
//   token over `com.microsoft:update-disposition` — settleMessageOperation).
import { randomBytes } from 'node:crypto';
import type { AddressInfo, Socket } from 'node:net';
// rhea exports a Container instance whose methods live on its prototype: a namespace import would lose them.
import rhea = require('rhea');

const DLQ_SUFFIX = '/$DeadLetterQueue';
const MGMT_SUFFIX = '/$management';
const LOCK_MS = 60_000;
const LOCK_LOST = { condition: 'com.microsoft:message-lock-lost', description: 'The lock supplied is invalid.' };
const NOT_IMPLEMENTED = { condition: 'amqp:not-implemented', description: 'not implemented by this test peer' };

export interface StoredMessage {
  sequenceNumber: number;
  enqueuedTime: Date;
  deliveryCount: number;
  /** As rhea decodes it: body is a data section for what the SDK sends (JSON bytes for a JS object). */
  message: rhea.Message;
  /** The 16-byte delivery tag of the delivery holding this message's lock. */
  lockedBy?: Buffer;
  lockedUntil?: Date;
}

export interface QueueState {
  active: StoredMessage[];
  deadLetters: StoredMessage[];
}

export type Outcome = 'completed' | 'abandoned';

export type PeerEvent =
  | { type: 'transfer'; address: string; messageId: unknown }
  | { type: 'deliver'; entity: string; messageId: unknown; sequenceNumber: number }
  | { type: 'settle'; entity: string; messageId: unknown; outcome: Outcome; via: 'link' | 'management' }
  | { type: 'drain'; entity: string; answered: boolean }
  | { type: 'management'; entity: string; operation: string; body: Record<string, unknown>; statusCode: number };

export interface DeadLetterSeed {
  messageId: string;
  body: unknown;
  reason: string;
  description: string;
  sessionId?: string;
  applicationProperties?: Record<string, string | number | boolean>;
  deliveryCount?: number;
  contentType?: string;
}

type AnyLink = rhea.Sender & {
  credit: number;
  local: { attach: Record<string, unknown> };
  remote: {
    attach: {
      source?: { address?: string };
      target?: { address?: string };
      snd_settle_mode?: number;
      rcv_settle_mode?: number;
    };
  };
};

/** The JSON a stored message carries in its data section, as the SDK would decode it. */
export function jsonBody(m: StoredMessage): unknown {
  return JSON.parse((m.message.body as { content: Buffer }).content.toString('utf8'));
}

function parseEntity(address: string): { queue: string; deadLetter: boolean } {
  return address.endsWith(DLQ_SUFFIX)
    ? { queue: address.slice(0, -DLQ_SUFFIX.length), deadLetter: true }
    : { queue: address, deadLetter: false };
}

// The SDK turns a batching receiver's delivery tag into a lock token with this byte swap (an involution),
// and sends that token's bytes back in update-disposition.
function reorder(b: Buffer): Buffer {
  return Buffer.from([b[3], b[2], b[1], b[0], b[5], b[4], b[7], b[6], ...b.subarray(8)]);
}

export class ServiceBusPeer {
  readonly events: PeerEvent[] = [];
  private readonly queues = new Map<string, QueueState>();
  private nextSequence = 1;
  private readonly locks = new Map<string, { queue: string; deadLetter: boolean; stored: StoredMessage }>();
  private readonly replyLinks = new Map<rhea.Connection, Map<string, rhea.Sender>>();
  private readonly consumers = new Set<AnyLink>();
  private readonly sockets = new Set<Socket>();
  private server!: ReturnType<rhea.Container['listen']>;
  port = 0;
  /**
   * False makes the peer ignore a receiver's drain, like a slow broker: the SDK then closes the receive link
   * (after the rest of its wait, at least 200 ms) and settles the messages it holds on the management link.
   */
  answerDrains = true;

  static async start(): Promise<ServiceBusPeer> {
    const peer = new ServiceBusPeer();
    await peer.listen();
    return peer;
  }

  /** A connection string the SDK accepts for plain AMQP on loopback (the emulator flag turns off TLS). */
  get connectionString(): string {
    return `Endpoint=sb://127.0.0.1:${this.port};SharedAccessKeyName=test;SharedAccessKey=test;UseDevelopmentEmulator=true;`;
  }

  queue(name: string): QueueState {
    let q = this.queues.get(name);
    if (!q) this.queues.set(name, (q = { active: [], deadLetters: [] }));
    return q;
  }

  /** Puts a message on a queue's dead-letter sub-queue the way Service Bus leaves it there. */
  seedDeadLetter(queue: string, seed: DeadLetterSeed): StoredMessage {
    const message = {
      message_id: seed.messageId,
      content_type: seed.contentType ?? 'application/json',
      ...(seed.sessionId !== undefined ? { group_id: seed.sessionId } : {}),
      application_properties: {
        ...(seed.applicationProperties ?? {}),
        DeadLetterReason: seed.reason,
        DeadLetterErrorDescription: seed.description,
      },
      body: rhea.message.data_section(Buffer.from(JSON.stringify(seed.body), 'utf8')),
    } as rhea.Message;
    const stored = this.store(message, seed.deliveryCount ?? 0);
    this.queue(queue).deadLetters.push(stored);
    return stored;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((res) => this.server.close(() => res()));
  }

  private store(message: rhea.Message, deliveryCount: number): StoredMessage {
    return { sequenceNumber: this.nextSequence++, enqueuedTime: new Date(), deliveryCount, message };
  }

  private list(queue: string, deadLetter: boolean): StoredMessage[] {
    const q = this.queue(queue);
    return deadLetter ? q.deadLetters : q.active;
  }

  /** The message as it goes on the wire to a receiver or into a peek response. */
  private wire(s: StoredMessage): rhea.Message {
    return {
      ...s.message,
      delivery_count: s.deliveryCount,
      message_annotations: {
        ...(s.message.message_annotations ?? {}),
        'x-opt-sequence-number': rhea.types.wrap_long(s.sequenceNumber), // int64, as Service Bus sends it
        'x-opt-enqueued-time': s.enqueuedTime,
        ...(s.lockedUntil ? { 'x-opt-locked-until': s.lockedUntil } : {}),
      },
    } as rhea.Message;
  }

  private async listen(): Promise<void> {
    const container = rhea.create_container({ id: 'fake-servicebus' });
    container.sasl_server_mechanisms.enable_anonymous();

    container.on('sender_open', (ctx: rhea.EventContext) => {
      const s = ctx.sender! as AnyLink;
      const source = s.remote.attach.source?.address ?? '';
      const target = s.remote.attach.target?.address ?? '';
      s.set_source({ address: source });
      s.set_target({ address: target });
      if (source === '$cbs' || source.endsWith(MGMT_SUFFIX)) {
        // Request/response: the reply link's target is the reply_to address of the requests.
        let byAddress = this.replyLinks.get(ctx.connection);
        if (!byAddress) this.replyLinks.set(ctx.connection, (byAddress = new Map()));
        byAddress.set(source === '$cbs' ? '$cbs' : target, s);
        return;
      }
      // A receiver on a queue or its dead-letter sub-queue: echo its settle modes (peekLock asks for
      // unsettled transfers and settles second).
      s.local.attach.snd_settle_mode = s.remote.attach.snd_settle_mode;
      s.local.attach.rcv_settle_mode = s.remote.attach.rcv_settle_mode;
      this.consumers.add(s);
    });
    container.on('sender_close', (ctx: rhea.EventContext) => {
      this.consumers.delete(ctx.sender as AnyLink);
    });
    container.on('sendable', (ctx: rhea.EventContext) => this.pump(ctx.sender as AnyLink));
    container.on('sender_draining', (ctx: rhea.EventContext) => {
      const s = ctx.sender as AnyLink;
      this.pump(s);
      this.events.push({ type: 'drain', entity: s.source.address!, answered: this.answerDrains });
      if (this.answerDrains) s.set_drained(true); // nothing more to send: give back the remaining credit
    });
    // completeMessage sends `accepted`, abandonMessage `modified` (undeliverable_here false); deferMessage
    // (`modified`, undeliverable_here true) and deadLetterMessage (`rejected`) are not supported here.
    container.on('accepted', (ctx: rhea.EventContext) => this.settleOnLink(ctx, 'completed'));
    container.on('modified', (ctx: rhea.EventContext) => {
      const state = ctx.delivery!.remote_state as { undeliverable_here?: boolean };
      this.settleOnLink(ctx, state?.undeliverable_here ? undefined : 'abandoned');
    });
    container.on('rejected', (ctx: rhea.EventContext) => this.settleOnLink(ctx, undefined));

    container.on('receiver_open', (ctx: rhea.EventContext) => {
      const r = ctx.receiver! as unknown as AnyLink;
      r.set_target({ address: r.remote.attach.target?.address ?? '' });
      r.local.attach.max_message_size = 256 * 1024; // the SDK sizes its batches from this
    });
    container.on('message', (ctx: rhea.EventContext) => {
      const address = ctx.receiver!.target.address!;
      if (address === '$cbs') {
        // Accept every token: the SDK waits for a 200 before it attaches a link. CBS uses 'status-code'.
        this.reply(ctx.connection, '$cbs', {
          correlation_id: ctx.message!.message_id,
          application_properties: { 'status-code': 200, 'status-description': 'OK' },
        });
        return;
      }
      if (address.endsWith(MGMT_SUFFIX)) {
        this.management(ctx.connection, address.slice(0, -MGMT_SUFFIX.length), ctx.message!);
        return;
      }
      // The SDK sends a batch as one transfer in the batch format (0x80013700), which rhea hands over undecoded:
      // an envelope whose data sections (one or many) are the encoded messages.
      const raw = ctx.message as unknown;
      let messages = [raw as rhea.Message];
      if (Buffer.isBuffer(raw)) {
        const body = rhea.message.decode(raw).body as { multiple?: boolean; content: Buffer | Buffer[] };
        const sections = body.multiple ? (body.content as Buffer[]) : [body.content as Buffer];
        messages = sections.map((section) => rhea.message.decode(section) as unknown as rhea.Message);
      }
      const { queue, deadLetter } = parseEntity(address);
      for (const m of messages) {
        this.events.push({ type: 'transfer', address, messageId: m.message_id });
        this.list(queue, deadLetter).push(this.store(m, 0));
      }
      // Messages may now be waiting for a receiver with credit.
      for (const c of this.consumers) this.pump(c);
    });

    this.server = container.listen({ port: 0, host: '127.0.0.1' });
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((res) => this.server.once('listening', () => res()));
    this.port = (this.server.address() as AddressInfo).port;
  }

  private reply(connection: rhea.Connection, replyTo: string, response: Record<string, unknown>): void {
    const link = this.replyLinks.get(connection)?.get(replyTo);
    if (!link) throw new Error(`no reply link for ${replyTo}`);
    link.send(response as unknown as rhea.Message);
  }

  /** Transfers queued on the link that rhea has not written yet: they will use credit rhea still counts. */
  private unsent(s: AnyLink): number {
    const out = (
      s.session as unknown as {
        outgoing: {
          next_pending_delivery: number;
          next_delivery_id: number;
          deliveries: { by_id(id: number): { link: unknown } | undefined };
        };
      }
    ).outgoing;
    let n = 0;
    for (let id = out.next_pending_delivery; id < out.next_delivery_id; id++)
      if (out.deliveries.by_id(id)?.link === s) n++;
    return n;
  }

  /** Sends unlocked messages of the link's entity while it has credit, locking each to its delivery tag. */
  private pump(s: AnyLink): void {
    if (!this.consumers.has(s) || !s.is_open()) return;
    const address = s.source.address!;
    const { queue, deadLetter } = parseEntity(address);
    const list = this.list(queue, deadLetter);
    // rhea takes credit off only when it writes a transfer (next tick), so count what is already queued.
    let credit = s.credit - this.unsent(s);
    while (credit-- > 0) {
      const next = list.find((m) => !m.lockedBy);
      if (!next) return;
      next.lockedBy = randomBytes(16); // the SDK reads the tag as the lock token: it must be 16 bytes
      next.lockedUntil = new Date(Date.now() + LOCK_MS);
      this.locks.set(next.lockedBy.toString('hex'), { queue, deadLetter, stored: next });
      this.events.push({
        type: 'deliver',
        entity: address,
        messageId: next.message.message_id,
        sequenceNumber: next.sequenceNumber,
      });
      s.send(this.wire(next), next.lockedBy);
    }
  }

  private settleOnLink(ctx: rhea.EventContext, outcome: Outcome | undefined): void {
    const delivery = ctx.delivery!;
    if (!this.consumers.has(delivery.link as AnyLink)) return;
    const state = delivery.remote_state as { described(): unknown };
    const error =
      outcome === undefined
        ? NOT_IMPLEMENTED
        : this.settle(Buffer.from(delivery.tag as Buffer), outcome, 'link')
          ? undefined
          : LOCK_LOST;
    // The SDK's settle promise resolves only when the peer settles: echo the outcome, as Service Bus does;
    // an error state makes the SDK reject.
    delivery.update(
      true,
      error
        ? (rhea.message as unknown as { rejected(f: object): { described(): unknown } }).rejected({ error }).described()
        : state.described(),
    );
  }

  /** Completes or abandons the message locked by this delivery tag; false when no such lock is held. */
  private settle(tag: Buffer, outcome: Outcome, via: 'link' | 'management'): boolean {
    const lock = this.locks.get(tag.toString('hex'));
    if (!lock) return false;
    this.locks.delete(tag.toString('hex'));
    const { queue, deadLetter, stored } = lock;
    this.events.push({
      type: 'settle',
      entity: deadLetter ? queue + DLQ_SUFFIX : queue,
      messageId: stored.message.message_id,
      outcome,
      via,
    });
    delete stored.lockedBy;
    delete stored.lockedUntil;
    if (outcome === 'completed') {
      const list = this.list(queue, deadLetter);
      list.splice(list.indexOf(stored), 1);
    } else {
      stored.deliveryCount++; // Service Bus counts an abandoned delivery
    }
    return true;
  }

  private management(connection: rhea.Connection, entity: string, request: rhea.Message): void {
    const operation = String(request.application_properties?.operation ?? '');
    const body = (request.body ?? {}) as Record<string, unknown>;
    const { queue, deadLetter } = parseEntity(entity);
    let statusCode = 200;
    let responseBody: unknown;
    if (operation === 'com.microsoft:peek-message') {
      // from-sequence-number is an int64: rhea reads it as a number when it fits, else as its 8 bytes.
      const fromRaw = body['from-sequence-number'];
      const from = Buffer.isBuffer(fromRaw) ? Number(fromRaw.readBigInt64BE()) : Number(fromRaw);
      const count = Number(body['message-count']);
      const page = this.list(queue, deadLetter)
        .filter((m) => m.sequenceNumber >= from)
        .sort((a, b) => a.sequenceNumber - b.sequenceNumber)
        .slice(0, count);
      if (page.length === 0) statusCode = 204;
      else
        responseBody = {
          messages: page.map((m) => ({
            message: rhea.message.encode(this.wire({ ...m, lockedUntil: undefined } as StoredMessage)),
          })),
        };
    } else if (operation === 'com.microsoft:update-disposition') {
      // lock-tokens: an array of uuids; disposition-status: completed | abandoned (| defered | suspended).
      const outcome = ({ completed: 'completed', abandoned: 'abandoned' } as Record<string, Outcome | undefined>)[
        String(body['disposition-status'])
      ];
      const tokens = (body['lock-tokens'] as Buffer[] | undefined) ?? [];
      if (!outcome) statusCode = 501;
      else if (!tokens.every((t) => this.settle(reorder(Buffer.from(t)), outcome, 'management'))) statusCode = 410;
    } else {
      statusCode = 501;
    }
    this.events.push({ type: 'management', entity, operation, body, statusCode });
    const error = statusCode === 410 ? LOCK_LOST : statusCode === 501 ? NOT_IMPLEMENTED : undefined;
    const description = error?.description ?? (statusCode === 204 ? 'No Content' : 'OK');
    this.reply(connection, String(request.reply_to), {
      correlation_id: request.message_id,
      // Service Bus management responses use camelCase keys; the SDK's peek reads `statusCode` itself.
      application_properties: {
        statusCode: rhea.types.wrap_int(statusCode),
        statusDescription: description,
        ...(error ? { errorCondition: error.condition } : {}),
      },
      ...(responseBody !== undefined ? { body: responseBody } : {}),
    });
  }
}
