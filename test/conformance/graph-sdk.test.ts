// Conformance of the Graph simulator, driven by an independent client: Microsoft's Kiota-based
// @microsoft/msgraph-sdk (preview) where it exposes the behaviour, raw fetch where the SDK hides it
// (429 retries, status codes of 202/410 bodies, Location headers, malformed batches).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ScaledClock } from '../../local/clock';
import { startGraphSimulator, type GraphSimulator, type GraphSimulatorOptions } from '../../local/sim/graph';
import type { TenantFixture } from '../../local/tenant/fixture';
import { gate, until } from '../support/until';

type Item = Record<string, any>;
const ALICE = 'alice@contoso.com';
const BOB = 'bob@contoso.com';
const AUTH = { Authorization: 'Bearer conformance-app' };
const JSONH = { ...AUTH, 'Content-Type': 'application/json' };

function tenant(): TenantFixture {
  return {
    dataverse: {},
    exchange: {
      [ALICE]: {
        mailFolders: [
          {
            displayName: 'Inbox',
            wellKnownName: 'inbox',
            messages: [1, 2, 3].map((i) => ({
              internetMessageId: `<m${i}@fabrikam.com>`,
              subject: `M${i}`,
              receivedDateTime: `2025-01-09T0${i}:00:00Z`,
            })),
          },
        ],
        events: [
          {
            subject: 'In window',
            start: { dateTime: '2025-01-10T09:00:00', timeZone: 'UTC' },
            end: { dateTime: '2025-01-10T10:00:00', timeZone: 'UTC' },
          },
          {
            subject: 'Outside',
            start: { dateTime: '2025-03-01T09:00:00', timeZone: 'UTC' },
            end: { dateTime: '2025-03-01T10:00:00', timeZone: 'UTC' },
          },
        ],
        contacts: [{ displayName: 'Bob Fabrikam', emailAddresses: [{ address: 'bob@fabrikam.com', name: 'Bob' }] }],
        todoLists: [{ displayName: 'Tasks', wellknownListName: 'defaultList', tasks: [{ title: 'Call Bob' }] }],
      },
      [BOB]: { mailFolders: [] },
    },
  };
}

async function withSim(
  extra: Partial<GraphSimulatorOptions>,
  fn: (sim: GraphSimulator, clock: ScaledClock) => Promise<void>,
) {
  const clock = new ScaledClock(new Date('2025-01-10T10:00:00Z'));
  const sim = await startGraphSimulator({ tenant: tenant(), clock, ...extra });
  try {
    await fn(sim, clock);
  } finally {
    await sim.close();
  }
}

/** The Kiota SDK pointed at the simulator. Its bearer-token provider insists on https, so auth is a plain provider. */
async function sdk(baseUrl: string) {
  const { GraphRequestAdapter, createGraphServiceClient } = await import('@microsoft/msgraph-sdk');
  await import('@microsoft/msgraph-sdk-users');
  await import('@microsoft/msgraph-sdk-subscriptions');
  const adapter = new GraphRequestAdapter({
    authenticateRequest: async (req: { headers: { add: (k: string, v: string) => void } }) =>
      req.headers.add('Authorization', 'Bearer conformance-sdk'),
  } as never);
  adapter.baseUrl = baseUrl;
  return { client: createGraphServiceClient(adapter), adapter };
}

async function call(url: string, init: RequestInit = {}) {
  const res = await fetch(url, { ...init, headers: { ...AUTH, ...(init.headers as Record<string, string>) } });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    body: (text && /json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : undefined) as Item,
  };
}

async function sdkError(p: Promise<unknown>): Promise<Item> {
  try {
    await p;
  } catch (e) {
    return e as Item;
  }
  assert.fail('expected the SDK call to fail');
}

// ---------------------------------------------------------------------- (1) throttling

test('4 concurrent requests per app and mailbox; the 5th gets ApplicationThrottled with a fractional Retry-After', async () => {
  // Requests wait at a gate, holding their slots, until the simulator has seen them all: the overlap is certain.
  let held = gate();
  await withSim({ limits: 'real', hold: () => held.wait() }, async (sim) => {
    const url = `${sim.baseUrl}/users/${ALICE}/mailFolders/inbox/messages`;
    const pending = Array.from({ length: 6 }, () => call(url));
    await until(() => sim.stats().requests === 6);
    assert.equal(sim.stats().throttled.concurrency, 2, 'four hold their slots, the other two are refused at once');
    held.open();
    const rs = await Promise.all(pending);
    const statuses = rs.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 200, 429, 429]);
    const t = rs.find((r) => r.status === 429)!;
    assert.equal(t.body.error.code, 'ApplicationThrottled');
    assert.equal(t.body.error.message, 'Application is over its MailboxConcurrency limit.');
    assert.match(t.headers.get('retry-after') ?? '', /^\d+\.\d+$/);
    // Another mailbox, or another app on the same mailbox, has its own budget: 12 requests held at once, 4 per budget.
    held = gate();
    const others = [
      ...Array.from({ length: 4 }, () => call(url)),
      ...Array.from({ length: 4 }, () => call(`${sim.baseUrl}/users/${BOB}/mailFolders/inbox/messages`)),
      ...Array.from({ length: 4 }, () =>
        fetch(url, { headers: { Authorization: 'Bearer other-app' } }).then((r) => ({ status: r.status })),
      ),
    ];
    await until(() => sim.stats().requests === 18);
    assert.equal(sim.stats().throttled.concurrency, 2, 'no budget is over its limit');
    held.open();
    assert.ok((await Promise.all(others)).every((r) => r.status === 200));
    assert.equal(sim.stats().throttled.concurrency, 2);
  });
});

test('10,000 requests per 10-minute window on the simulator clock, then TooManyRequests until the window ends', () =>
  withSim({ limits: { requestsPerWindow: 5 } }, async (sim, clock) => {
    const url = `${sim.baseUrl}/users/${ALICE}`;
    for (let i = 0; i < 5; i++) assert.equal((await call(url)).status, 200);
    clock.advance(4 * 60_000);
    const r = await call(url);
    assert.equal(r.status, 429);
    assert.equal(r.body.error.code, 'TooManyRequests');
    assert.equal(r.body.error.innerError.code, '429');
    const wait = Number(r.headers.get('retry-after'));
    assert.ok(wait > 350 && wait <= 360, `Retry-After ${wait}`);
    clock.advance(6 * 60_000);
    assert.equal((await call(url)).status, 200);
    // 'real' means Graph's numbers; the default is no limits at all.
    assert.equal(sim.stats().throttled.window, 1);
  }));

// ---------------------------------------------------------------------- (2) sync state expiry

test('expireDeltaTokens: the SDK replaying an old deltaLink or nextLink gets 410 SyncStateNotFound; variants by option', () =>
  withSim({}, async (sim) => {
    const { client } = await sdk(sim.baseUrl);
    const inbox = client.users.byUserId(ALICE).mailFolders.byMailFolderId('inbox').messages.delta;
    const first = await inbox.get({ headers: { Prefer: 'odata.maxpagesize=2' } });
    assert.equal(first?.value?.length, 2);
    const next = first!.odataNextLink!;
    const done = await inbox.withUrl(next).get();
    const deltaLink = done!.odataDeltaLink!;
    sim.expireDeltaTokens(ALICE);
    for (const link of [next, deltaLink]) {
      const e = await sdkError(inbox.withUrl(link).get());
      assert.equal(e.responseStatusCode, 410);
      assert.equal((e.errorEscaped ?? e.error)?.code, 'SyncStateNotFound');
    }
    // A fresh initial round works again; other mailboxes keep their tokens.
    assert.ok((await inbox.get())?.odataDeltaLink);
    const bobLink = (await call(`${sim.baseUrl}/users/${BOB}/mailFolders/inbox/messages/delta`)).body[
      '@odata.deltaLink'
    ];
    sim.expireDeltaTokens(ALICE, { code: 'resyncRequired', location: true });
    assert.equal((await call(bobLink)).status, 200);
    const fresh = (await call(`${sim.baseUrl}/users/${ALICE}/contacts/delta`)).body['@odata.deltaLink'];
    sim.expireDeltaTokens(undefined, { code: 'syncStateNotFound', location: true });
    const r = await call(fresh);
    assert.equal(r.status, 410);
    assert.equal(r.body.error.code, 'syncStateNotFound');
    assert.match(r.headers.get('location') ?? '', /\/contacts\/delta$/);
    assert.equal((await call(bobLink)).status, 410);
  }));

// ---------------------------------------------------------------------- (3) $batch

test('$batch: SDK batch content; per-item status, headers and body; dependsOn 424; limits and malformed batches', () =>
  withSim({}, async (sim) => {
    const { client, adapter } = await sdk(sim.baseUrl);
    const core = await import('@microsoft/msgraph-sdk-core');
    const { createODataErrorFromDiscriminatorValue } =
      await import('@microsoft/msgraph-sdk/models/oDataErrors/index.js');
    const batch = new core.BatchRequestContent(adapter, { XXX: createODataErrorFromDiscriminatorValue });
    const a = batch.addBatchRequest(
      client.users.byUserId(ALICE).mailFolders.byMailFolderId('inbox').messages.toGetRequestInformation(),
    );
    const b = batch.addBatchRequest(client.users.byUserId(ALICE).contacts.toGetRequestInformation());
    const res = await batch.postAsync();
    // The preview SDK reads item bodies as base64 bytes only, so it sees the statuses; bodies are checked raw below.
    assert.equal(res!.getResponseById(a.id)!.status, 200);
    assert.equal(res!.getResponseById(b.id)!.status, 200);

    const post = (body: unknown) =>
      call(`${sim.baseUrl}/$batch`, { method: 'POST', headers: JSONH, body: JSON.stringify(body) });
    const r = await post({
      requests: [
        { id: '1', method: 'GET', url: `/users/${ALICE}/messages/nope` },
        { id: '2', method: 'GET', url: `/users/${ALICE}`, dependsOn: ['1'] },
        { id: '3', method: 'GET', url: `users/${ALICE}/mailFolders/inbox/messages?$top=1&$select=subject` },
        {
          id: '4',
          method: 'POST',
          url: `/users/${ALICE}/todo/lists`,
          headers: { 'Content-Type': 'application/json' },
          body: { displayName: 'From batch' },
        },
        { id: '5', method: 'GET', url: `/users/${ALICE}/messages/${'x'}/$value`, dependsOn: ['4'] },
      ],
    });
    assert.equal(r.status, 200);
    const by = new Map((r.body.responses as Item[]).map((x) => [x.id, x]));
    assert.equal(by.get('1')!.status, 404);
    assert.equal(by.get('1')!.body.error.code, 'ErrorItemNotFound');
    assert.equal(by.get('2')!.status, 424);
    assert.equal(by.get('3')!.status, 200);
    assert.deepEqual(Object.keys(by.get('3')!.body.value[0]).sort(), ['@odata.etag', '@odata.type', 'id', 'subject']);
    assert.equal(by.get('4')!.status, 201);
    assert.equal(by.get('5')!.status, 404);
    // Malformed batches fail whole.
    assert.equal(
      (
        await post({
          requests: Array.from({ length: 21 }, (_, i) => ({ id: String(i), method: 'GET', url: '/users' })),
        })
      ).status,
      400,
    );
    assert.equal(
      (
        await post({
          requests: [
            { id: '1', method: 'GET', url: '/users' },
            { id: '1', method: 'GET', url: '/users' },
          ],
        })
      ).status,
      400,
    );
    assert.equal((await post({ requests: [{ id: '1', method: 'GET', url: '/users', dependsOn: ['9'] }] })).status, 400);
    assert.equal((await post({ requests: [{ id: '1', method: 'GET', url: `${sim.baseUrl}/users` }] })).status, 400);
    assert.equal(
      (await post({ requests: [{ id: '1', method: 'POST', url: '/users/x/sendMail', body: {} }] })).status,
      400,
    );
  }));

test('$batch items are throttled one by one: per-item 429 with Retry-After in the item headers', () =>
  withSim({ limits: { requestsPerWindow: 3 } }, async (sim) => {
    const requests = Array.from({ length: 5 }, (_, i) => ({ id: `r${i}`, method: 'GET', url: `/users/${ALICE}` }));
    const r = await call(`${sim.baseUrl}/$batch`, {
      method: 'POST',
      headers: JSONH,
      body: JSON.stringify({ requests }),
    });
    assert.equal(r.status, 200);
    const statuses = (r.body.responses as Item[]).map((x) => x.status).sort();
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    const t = (r.body.responses as Item[]).find((x) => x.status === 429)!;
    assert.match(t.headers['Retry-After'], /^\d+(\.\d+)?$/);
    assert.equal(t.body.error.code, 'TooManyRequests');
  }));

// ---------------------------------------------------------------------- (4) sendMail and drafts

test('sendMail through the SDK: 202 empty body, Sent Items copy with generated internetMessageId, tenant recipients get it', () =>
  withSim({}, async (sim) => {
    const { client } = await sdk(sim.baseUrl);
    const sent = await client.users.byUserId(ALICE).sendMail.post({
      message: {
        subject: 'Quote Q-100',
        body: { contentType: 'text' as never, content: 'Hello' },
        toRecipients: [{ emailAddress: { address: BOB } }, { emailAddress: { address: 'ext@fabrikam.com' } }],
        internetMessageHeaders: [{ name: 'x-exsync-id', value: 'A-1' }],
      },
      // The preview SDK writes SaveToSentItems=false unless told otherwise (Graph's own default is true).
      saveToSentItems: true,
    });
    assert.equal(sent, undefined);
    const raw = await call(`${sim.baseUrl}/users/${ALICE}/sendMail`, {
      method: 'POST',
      headers: JSONH,
      body: JSON.stringify({
        message: { subject: 's', toRecipients: [{ emailAddress: { address: BOB } }] },
        saveToSentItems: false,
      }),
    });
    assert.equal(raw.status, 202);
    assert.equal(raw.text, '');
    const copies = await client.users
      .byUserId(ALICE)
      .mailFolders.byMailFolderId('sentitems')
      .messages.get({
        queryParameters: { select: ['subject', 'internetMessageId', 'internetMessageHeaders', 'from', 'isDraft'] },
      });
    assert.equal(copies?.value?.length, 1);
    const copy = copies!.value![0];
    assert.match(copy.internetMessageId!, /^<.+@.+>$/);
    assert.equal(copy.from?.emailAddress?.address, ALICE);
    // Graph has no internet headers on the copy in Sent Items; the custom header travels with the delivered copy.
    assert.equal(copy.internetMessageHeaders, undefined);
    const inbox = await call(
      `${sim.baseUrl}/users/${BOB}/mailFolders/inbox/messages?$select=subject,internetMessageId,internetMessageHeaders`,
    );
    assert.deepEqual(inbox.body.value.map((m: Item) => m.subject).sort(), ['Quote Q-100', 's']);
    const delivered = inbox.body.value.find((m: Item) => m.subject === 'Quote Q-100');
    assert.equal(delivered.internetMessageId, copy.internetMessageId);
    assert.ok(delivered.internetMessageHeaders.some((h: Item) => h.name === 'x-exsync-id' && h.value === 'A-1'));
    // Invalid input is refused like Graph.
    const e = await sdkError(
      client.users.byUserId(ALICE).sendMail.post({
        message: {
          toRecipients: [{ emailAddress: { address: BOB } }],
          internetMessageHeaders: [{ name: 'Foo', value: '1' }],
        },
      }),
    );
    assert.equal(e.responseStatusCode, 400);
    assert.equal((e.errorEscaped ?? e.error)?.code, 'InvalidInternetMessageHeader');
    // MIME mode: base64 text/plain.
    const mime = Buffer.from(
      `To: ${BOB}\r\nSubject: MIME hello\r\nMessage-ID: <mime1@contoso.com>\r\n\r\nbody`,
    ).toString('base64');
    assert.equal(
      (
        await call(`${sim.baseUrl}/users/${ALICE}/sendMail`, {
          method: 'POST',
          headers: { 'Content-Type': 'text/plain' },
          body: mime,
        })
      ).status,
      202,
    );
    const bad = await call(`${sim.baseUrl}/users/${ALICE}/sendMail`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'not base64!',
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'ErrorMimeContentInvalidBase64String');
    const found = await call(
      `${sim.baseUrl}/users/${BOB}/messages?$filter=${encodeURIComponent("internetMessageId eq '<mime1@contoso.com>'")}`,
    );
    assert.equal(found.body.value.length, 1);
  }));

test('drafts: create with ImmutableId, edit while isDraft, send moves the same id to Sent Items', () =>
  withSim({}, async (sim) => {
    const { client } = await sdk(sim.baseUrl);
    const prefer = { headers: { Prefer: 'IdType="ImmutableId"' } };
    const messages = client.users.byUserId(ALICE).messages;
    const draft = await messages.post({ subject: 'Draft', toRecipients: [{ emailAddress: { address: BOB } }] }, prefer);
    assert.equal(draft?.isDraft, true);
    const patched = await messages.byMessageId(draft!.id!).patch({ subject: 'Draft v2' }, prefer);
    assert.equal(patched?.subject, 'Draft v2');
    assert.equal(await messages.byMessageId(draft!.id!).send.post(prefer), undefined);
    const got = await messages.byMessageId(draft!.id!).get(prefer);
    assert.equal(got?.isDraft, false);
    const sentItems = await client.users.byUserId(ALICE).mailFolders.byMailFolderId('sentitems').get();
    assert.equal(got?.parentFolderId, sentItems?.id);
    const e = await sdkError(messages.byMessageId(draft!.id!).patch({ subject: 'too late' }, prefer));
    assert.equal(e.responseStatusCode, 400);
    const inbox = await call(`${sim.baseUrl}/users/${BOB}/mailFolders/inbox/messages`);
    assert.equal(inbox.body.value[0].subject, 'Draft v2');
  }));

// ---------------------------------------------------------------------- (5) calendar, contacts, To Do

test('calendarView delta: window required and baked into the token, no $select, events created/updated/deleted with attendees', () =>
  withSim({}, async (sim) => {
    const { client } = await sdk(sim.baseUrl);
    const noWindow = await call(`${sim.baseUrl}/users/${ALICE}/calendarView/delta`);
    assert.equal(noWindow.status, 400);
    const sel = await call(
      `${sim.baseUrl}/users/${ALICE}/calendarView/delta?startDateTime=2025-01-01T00:00:00&endDateTime=2025-02-01T00:00:00&$select=subject`,
    );
    assert.equal(sel.status, 400);
    const view = client.users.byUserId(ALICE).calendarView.delta;
    const first = await view.get({
      queryParameters: { startDateTime: '2025-01-01T00:00:00', endDateTime: '2025-02-01T00:00:00' },
    });
    assert.deepEqual(
      first?.value?.map((e) => e.subject),
      ['In window'],
    );
    assert.match(first!.odataDeltaLink!, /calendarView\/delta\?\$deltatoken=/);
    assert.doesNotMatch(first!.odataDeltaLink!, /startDateTime/);

    const events = client.users.byUserId(ALICE).events;
    const created = await events.post({
      subject: 'Review',
      start: { dateTime: '2025-01-15T09:00:00', timeZone: 'UTC' },
      end: { dateTime: '2025-01-15T09:30:00', timeZone: 'UTC' },
      attendees: [{ emailAddress: { address: BOB, name: 'Bob' }, type: 'required' as never }],
      transactionId: 'tx-1',
    });
    assert.match(created!.iCalUId!, /^040000008200E00074C5B7101A82E008/);
    assert.equal(created?.attendees?.[0]?.status?.response, 'none');
    const again = await events.post({
      subject: 'Review',
      start: created!.start,
      end: created!.end,
      transactionId: 'tx-1',
    });
    assert.equal(again?.id, created?.id, 'transactionId makes the POST idempotent');
    // Bob, a mailbox of the tenant, has a copy and a meeting request.
    const bobCal = await call(`${sim.baseUrl}/users/${BOB}/events`);
    assert.equal(bobCal.body.value[0].iCalUId, created!.iCalUId);
    assert.equal(bobCal.body.value[0].isOrganizer, false);
    const bobInbox = await call(`${sim.baseUrl}/users/${BOB}/mailFolders/inbox/messages`);
    assert.equal(bobInbox.body.value[0]['@odata.type'], '#microsoft.graph.eventMessage');

    const r2 = await view.withUrl(first!.odataDeltaLink!).get();
    assert.deepEqual(
      r2?.value?.map((e) => e.subject),
      ['Review'],
    );
    // Moving an event out of the window and deleting one both come back as @removed.
    const inWindowId = first!.value![0].id!;
    await events.byEventId(created!.id!).patch({
      start: { dateTime: '2025-05-01T09:00:00', timeZone: 'UTC' },
      end: { dateTime: '2025-05-01T10:00:00', timeZone: 'UTC' },
    });
    await events.byEventId(inWindowId).delete();
    const r3 = await call(r2!.odataDeltaLink!);
    assert.deepEqual(
      r3.body.value.map((e: Item) => [e.id, e['@removed']?.reason]).sort(),
      [
        [created!.id, 'deleted'],
        [inWindowId, 'deleted'],
      ].sort(),
    );
    // The attendee's copy followed the organizer's update.
    assert.equal(
      (await call(`${sim.baseUrl}/users/${BOB}/events`)).body.value[0].start.dateTime,
      '2025-05-01T09:00:00.0000000',
    );
  }));

test('personal contacts delta per folder and for the default folder; create, update, delete', () =>
  withSim({}, async (sim) => {
    const { client } = await sdk(sim.baseUrl);
    const me = client.users.byUserId(ALICE);
    const first = await me.contacts.delta.get();
    assert.deepEqual(
      first?.value?.map((c) => c.displayName),
      ['Bob Fabrikam'],
    );
    const folders = await me.contactFolders.get();
    const folderId = folders!.value![0].id!;
    const perFolder = await me.contactFolders
      .byContactFolderId(folderId)
      .contacts.delta.get({ queryParameters: { select: ['displayName'] } });
    assert.deepEqual(
      Object.keys(perFolder!.value![0])
        .filter((k) => k !== 'additionalData' && k !== 'backingStoreEnabled')
        .sort(),
      ['displayName', 'id', 'odataType'],
    );
    const made = await me.contacts.post({
      givenName: 'Dana',
      surname: 'Lee',
      emailAddresses: [{ address: 'dana@fabrikam.com' }],
    });
    assert.equal(made?.displayName, 'Dana Lee');
    await me.contacts.byContactId(first!.value![0].id!).patch({ jobTitle: 'Buyer' });
    const r2 = await me.contacts.delta.withUrl(first!.odataDeltaLink!).get();
    assert.deepEqual(r2?.value?.map((c) => c.displayName).sort(), ['Bob Fabrikam', 'Dana Lee']);
    await me.contacts.byContactId(made!.id!).delete();
    const r3 = await call(r2!.odataDeltaLink!);
    assert.deepEqual(r3.body.value, [
      { '@odata.type': '#microsoft.graph.contact', id: made!.id, '@removed': { reason: 'deleted' } },
    ]);
  }));

test('To Do: lists, tasks delta with paging, create, update, delete', () =>
  withSim({}, async (sim) => {
    const { client } = await sdk(sim.baseUrl);
    const lists = await client.users.byUserId(ALICE).todo.lists.get();
    assert.equal(lists?.value?.[0]?.wellknownListName, 'defaultList');
    const tasks = client.users.byUserId(ALICE).todo.lists.byTodoTaskListId(lists!.value![0].id!).tasks;
    for (let i = 0; i < 3; i++) await tasks.post({ title: `Task ${i}` });
    let page = await tasks.delta.get({ headers: { Prefer: 'odata.maxpagesize=2' } });
    const titles: string[] = [];
    while (true) {
      titles.push(...page!.value!.map((t) => t.title!));
      if (!page?.odataNextLink) break;
      page = await tasks.delta.withUrl(page.odataNextLink).get();
    }
    assert.deepEqual(titles, ['Call Bob', 'Task 0', 'Task 1', 'Task 2']);
    const first = (await tasks.get())!.value!.find((t) => t.title === 'Call Bob')!;
    await tasks.byTodoTaskId(first.id!).patch({ status: 'completed' as never });
    const r2 = await tasks.delta.withUrl(page!.odataDeltaLink!).get();
    assert.equal(r2?.value?.[0]?.status, 'completed');
    await tasks.byTodoTaskId(first.id!).delete();
    const r3 = await call(r2!.odataDeltaLink!);
    assert.equal(r3.body.value[0]['@removed'].reason, 'deleted');
  }));

// ---------------------------------------------------------------------- (6) subscriptions

interface Receiver {
  url: string;
  got: Item[];
  validations: string[];
  mode: 'ok' | 'encoded' | 'fail' | 'hang' | 'flaky';
  /** Notifications that reached the receiver in 'hang' mode and were never answered. */
  hung: number;
  server: Server;
}

async function receiver(): Promise<Receiver> {
  const r = { got: [], validations: [], mode: 'ok', hung: 0 } as unknown as Receiver;
  let flaky = 0;
  r.server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const token = u.searchParams.get('validationToken');
      if (token !== null) {
        r.validations.push(token);
        if (r.mode === 'hang') return;
        res.writeHead(r.mode === 'fail' ? 500 : 200, { 'Content-Type': 'text/plain' });
        return res.end(r.mode === 'encoded' ? encodeURIComponent(token) : token);
      }
      if (r.mode === 'hang') {
        r.hung++;
        return;
      }
      if (r.mode === 'flaky' && flaky++ === 0) {
        res.writeHead(503);
        return res.end();
      }
      r.got.push({ path: u.pathname + u.search, ...JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(202);
      res.end();
    });
  });
  await new Promise<void>((ok) => r.server.listen(0, '127.0.0.1', ok));
  r.url = `http://127.0.0.1:${(r.server.address() as AddressInfo).port}/hook`;
  return r;
}

async function stopReceiver(r: Receiver) {
  r.server.closeAllConnections();
  await new Promise((ok) => r.server.close(ok));
}

test('subscriptions: validation handshake, clientState, max lifetime, renew, list, delete; change and lifecycle notifications', async () => {
  const rx = await receiver();
  try {
    // Every answer here is expected: timeouts long enough that a loaded machine cannot reach them.
    await withSim({ notifications: { timeoutMs: 60_000, validationTimeoutMs: 60_000 } }, async (sim, clock) => {
      const { client } = await sdk(sim.baseUrl);
      const now = clock.now().getTime();
      const body = {
        changeType: 'created,updated,deleted',
        notificationUrl: `${rx.url}?tenant=contoso`,
        lifecycleNotificationUrl: `${rx.url}/life`,
        resource: `users/${ALICE}/mailFolders('inbox')/messages`,
        expirationDateTime: new Date(now + 3 * 86_400_000),
        clientState: 'secret-1',
      };
      const sub = await client.subscriptions.post(body, { headers: { Prefer: 'IdType="ImmutableId"' } });
      assert.ok(sub?.id);
      assert.equal(sub?.clientState, 'secret-1');
      assert.equal(rx.validations.length, 2, 'notificationUrl and lifecycleNotificationUrl are both validated');
      assert.match(rx.validations[0], /^Validation: /, 'the receiver saw the decoded token');
      // Beyond 10,080 minutes is refused.
      const tooLong = await sdkError(
        client.subscriptions.post({ ...body, expirationDateTime: new Date(now + 10081 * 60_000) }),
      );
      assert.equal(tooLong.responseStatusCode, 400);

      const m = sim.deliver(ALICE, 'inbox', { internetMessageId: '<n1@fabrikam.com>', subject: 'Ping' });
      sim.updateMessage(ALICE, m.id!, { isRead: true });
      sim.deliver(ALICE, 'sentitems', { internetMessageId: '<n2@fabrikam.com>', subject: 'not subscribed' });
      await sim.flushNotifications();
      const notes = rx.got.flatMap((p) => p.value as Item[]);
      assert.deepEqual(
        notes.map((n) => n.changeType),
        ['created', 'updated'],
      );
      assert.equal(rx.got[0].path, '/hook?tenant=contoso', 'query string kept');
      const n = notes[0];
      assert.equal(n.subscriptionId, sub!.id);
      assert.equal(n.clientState, 'secret-1');
      assert.equal(n.resourceData.id, m.id, 'immutable id because the subscription asked for it');
      assert.match(n.resource, /^Users\/[0-9a-f-]+\/Messages\//);
      assert.equal(n.resourceData['@odata.type'], '#Microsoft.Graph.Message');
      assert.ok(n.tenantId && n.subscriptionExpirationDateTime);

      // Renew, list, lifecycle, delete.
      const renewed = await client.subscriptions
        .bySubscriptionId(sub!.id!)
        .patch({ expirationDateTime: new Date(now + 5 * 86_400_000) });
      assert.equal(new Date(renewed!.expirationDateTime!).getTime(), now + 5 * 86_400_000);
      assert.equal((await client.subscriptions.get())?.value?.length, 1);
      assert.equal(sim.lifecycleNotification(sub!.id!), 1);
      await sim.flushNotifications();
      const life = rx.got.find((p) => p.path === '/hook/life')!;
      assert.equal(life.value[0].lifecycleEvent, 'reauthorizationRequired');
      assert.equal(life.value[0].resource, undefined);
      await client.subscriptions.bySubscriptionId(sub!.id!).delete();
      assert.equal((await client.subscriptions.get())?.value?.length, 0);
      const gone = await call(`${sim.baseUrl}/subscriptions/${sub!.id}`);
      assert.equal(gone.status, 404);

      // A receiver that echoes the encoded token, or fails, makes the create fail with 400.
      for (const mode of ['encoded', 'fail'] as const) {
        rx.mode = mode;
        const r = await call(`${sim.baseUrl}/subscriptions`, {
          method: 'POST',
          headers: JSONH,
          body: JSON.stringify({ ...body, lifecycleNotificationUrl: undefined }),
        });
        assert.equal(r.status, 400, mode);
        assert.equal(r.body.error.code, 'ValidationError');
      }
    });
  } finally {
    await stopReceiver(rx);
  }
});

test('notification delivery: 5xx is retried with backoff, a silent receiver times out and is dropped, close() stops delivery', async () => {
  // Where an answer is expected the timeouts are long, so a slow machine cannot turn it into a timeout; only
  // a receiver that never answers meets a short one, and it times out however fast the machine is.
  const LONG = 60_000;
  const rx = await receiver();
  const subscribe = (sim: GraphSimulator, clock: ScaledClock) =>
    call(`${sim.baseUrl}/subscriptions`, {
      method: 'POST',
      headers: JSONH,
      body: JSON.stringify({
        changeType: 'created',
        notificationUrl: rx.url,
        resource: `users/${ALICE}/messages`,
        expirationDateTime: new Date(clock.now().getTime() + 3_600_000).toISOString(),
      }),
    });
  try {
    await withSim(
      { notifications: { timeoutMs: LONG, retries: 2, backoffMs: 20, validationTimeoutMs: LONG } },
      async (sim, clock) => {
        rx.mode = 'ok';
        assert.equal((await subscribe(sim, clock)).status, 201);
        rx.mode = 'flaky';
        sim.deliver(ALICE, 'inbox', { internetMessageId: '<f1@x>' });
        await sim.flushNotifications();
        assert.equal(rx.got.length, 1);
        assert.equal(sim.stats().notifications.failedAttempts, 1);
        assert.equal(sim.stats().notifications.delivered, 1);
      },
    );

    await withSim({ notifications: { validationTimeoutMs: 300 } }, async (sim, clock) => {
      rx.mode = 'hang';
      const slow = await subscribe(sim, clock);
      assert.equal(slow.status, 400, 'a validation without an answer ends at the timeout');
      assert.match(slow.body.error.message, /no answer in time/);
    });

    await withSim(
      { notifications: { timeoutMs: 1_000, retries: 2, backoffMs: 20, validationTimeoutMs: LONG } },
      async (sim, clock) => {
        rx.mode = 'ok';
        assert.equal((await subscribe(sim, clock)).status, 201);
        rx.mode = 'hang';
        sim.deliver(ALICE, 'inbox', { internetMessageId: '<f2@x>' });
        await sim.flushNotifications();
        // Counted by the sender: on a busy machine an attempt can time out before the receiver even sees it.
        assert.equal(sim.stats().notifications.failedAttempts, 3, 'the first attempt and 2 retries');
        assert.equal(sim.stats().notifications.dropped, 1);

        // Requests are answered while a delivery hangs, and close() does not wait for it.
        const hungBefore = rx.hung;
        sim.deliver(ALICE, 'inbox', { internetMessageId: '<f3@x>' });
        await until(() => rx.hung > hungBefore);
        assert.equal((await call(`${sim.baseUrl}/users/${ALICE}`)).status, 200);
      },
    );
  } finally {
    await stopReceiver(rx);
  }
});
