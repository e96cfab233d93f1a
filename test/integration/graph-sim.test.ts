// The Graph simulator over real HTTP with plain fetch: delta paging and changes, state tokens, ImmutableId,
// header gaps, auth, and a restart from snapshot that keeps stored links valid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScaledClock } from '../../local/clock';
import { startGraphSimulator, type GraphSimulator } from '../../local/sim/graph';
import type { FixtureMessage, TenantFixture } from '../../local/tenant/fixture';
import { fetchAcrossRestarts } from '../support/fetch';

type Item = Record<string, any>;
const ALICE = 'alice@contoso.com';

function msg(i: number, extra: Partial<FixtureMessage> = {}): FixtureMessage {
  return {
    internetMessageId: `<m${i}@fabrikam.com>`,
    subject: `Message ${i}`,
    from: { emailAddress: { address: 'bob@fabrikam.com', name: 'Bob' } },
    toRecipients: [{ emailAddress: { address: ALICE } }],
    receivedDateTime: new Date(Date.UTC(2025, 0, 9, 0, i)).toISOString().replace('.000', ''),
    internetMessageHeaders: [
      { name: 'Message-ID', value: `<m${i}@fabrikam.com>` },
      { name: 'In-Reply-To', value: '<e1@contoso.com>' },
    ],
    body: { contentType: 'html', content: `<p>Body ${i}</p>` },
    ...extra,
  };
}

function tenant(inboxCount: number): TenantFixture {
  return {
    dataverse: {},
    exchange: {
      [ALICE]: {
        mailFolders: [
          {
            displayName: 'Inbox',
            wellKnownName: 'inbox',
            messages: Array.from({ length: inboxCount }, (_, i) => msg(i)),
          },
          // Sent Items is omitted on purpose: the simulator must add it.
          { displayName: 'Projects', childFolders: [{ displayName: 'Contoso' }] },
        ],
      },
      'Carol@Contoso.com': { mailFolders: [] },
    },
  };
}

const clock = () => new ScaledClock(new Date('2025-01-10T10:00:00Z'));
const AUTH = { Authorization: 'Bearer test-token' };
const IMMUTABLE = 'IdType="ImmutableId"';

async function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Item; headers: Headers }> {
  const res = await fetchAcrossRestarts(url, { headers: { ...AUTH, ...headers } });
  const text = await res.text();
  return {
    status: res.status,
    body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : { text },
    headers: res.headers,
  };
}

/** Follows nextLinks to the end of a round. */
async function round(url: string, headers: Record<string, string> = {}) {
  const pages: Item[] = [];
  let next: string | undefined = url;
  while (next) {
    const r = await get(next, headers);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    pages.push(r.body);
    const hasNext = '@odata.nextLink' in r.body;
    assert.notEqual(hasNext, '@odata.deltaLink' in r.body, 'exactly one of nextLink and deltaLink');
    next = r.body['@odata.nextLink'];
  }
  return {
    pages,
    items: pages.flatMap((p) => p.value as Item[]),
    deltaLink: pages[pages.length - 1]['@odata.deltaLink'] as string,
  };
}

async function withSim(fixture: TenantFixture, fn: (sim: GraphSimulator) => Promise<void>) {
  const sim = await startGraphSimulator({ tenant: fixture, clock: clock() });
  try {
    await fn(sim);
  } finally {
    await sim.close();
  }
}

const deltaUrl = (sim: GraphSimulator, folder = 'inbox', q = '') =>
  `${sim.baseUrl}/users/${ALICE}/mailFolders/${folder}/messages/delta${q}`;

test('first round pages over the folder with maxpagesize and ends with a deltaLink', () =>
  withSim(tenant(25), async (sim) => {
    const r = await round(deltaUrl(sim), { Prefer: 'odata.maxpagesize=10' });
    assert.deepEqual(
      r.pages.map((p) => p.value.length),
      [10, 10, 5],
    );
    assert.match(r.pages[0]['@odata.nextLink'], /^http:\/\/127\.0\.0\.1:\d+\/v1\.0\/.*\/messages\/delta\?\$skiptoken=/);
    assert.ok(r.deltaLink.startsWith(`${sim.baseUrl}/`) && r.deltaLink.includes('$deltatoken='));
    assert.equal(new Set(r.items.map((i) => i.id)).size, 25);
    for (const i of r.items) {
      assert.equal(i['@odata.type'], '#microsoft.graph.message');
      assert.match(i['@odata.etag'], /^W\/".+"$/);
      assert.equal(i.isDraft, false);
      assert.equal(i.internetMessageHeaders, undefined, 'headers only with $select');
    }
    // Without Prefer the page size defaults to 10; $top lowers it.
    assert.equal((await get(deltaUrl(sim))).body.value.length, 10);
    assert.equal((await get(deltaUrl(sim, 'inbox', '?$top=3'))).body.value.length, 3);
    // Several Prefer values, comma-separated and across headers.
    const h = new Headers({ ...AUTH });
    h.append('Prefer', 'odata.maxpagesize=4');
    h.append('Prefer', IMMUTABLE);
    const res = await fetch(deltaUrl(sim), { headers: h });
    const body = (await res.json()) as Item;
    assert.equal(body.value.length, 4);
    assert.match(res.headers.get('preference-applied') ?? '', /ImmutableId/);
    // $select returns the subset plus id.
    const sel = (await get(deltaUrl(sim, 'inbox', '?$select=subject,isRead'))).body.value[0];
    assert.deepEqual(Object.keys(sel).sort(), ['@odata.etag', '@odata.type', 'id', 'isRead', 'subject']);
  }));

test('later rounds carry created items in full, partial updates and @removed', () =>
  withSim(tenant(5), async (sim) => {
    const sel = '?$select=subject,categories,isRead,internetMessageId,internetMessageHeaders,parentFolderId';
    const first = await round(deltaUrl(sim, 'inbox', sel), { Prefer: IMMUTABLE });
    assert.equal(first.items.length, 5);
    const [a, b, c, d] = first.items.map((i) => i.id as string);
    const delivered = sim.deliver(ALICE, 'inbox', msg(99));
    sim.updateMessage(ALICE, a, { categories: ['Tracked'] });
    sim.moveMessage(ALICE, b, 'sentitems');
    sim.deleteMessage(ALICE, c);
    const patch = await fetch(`${sim.baseUrl}/users/${ALICE}/messages/${d}`, {
      method: 'PATCH',
      headers: { ...AUTH, 'Content-Type': 'application/json' },
      body: JSON.stringify({ isRead: true }),
    });
    assert.equal(patch.status, 200);

    const next = await round(first.deltaLink, { Prefer: IMMUTABLE });
    const byId = new Map(next.items.map((i) => [i.id, i]));
    assert.equal(next.items.length, 5);
    assert.equal(byId.get(delivered.id)?.subject, 'Message 99');
    assert.ok(byId.get(delivered.id)?.internetMessageHeaders, 'created items carry $selected headers');
    assert.deepEqual(Object.keys(byId.get(a)!).sort(), [
      '@odata.etag',
      '@odata.type',
      'categories',
      'id',
      'parentFolderId',
    ]);
    assert.deepEqual(byId.get(a)!.categories, ['Tracked']);
    assert.deepEqual(Object.keys(byId.get(d)!).sort(), [
      '@odata.etag',
      '@odata.type',
      'id',
      'isRead',
      'parentFolderId',
    ]);
    for (const gone of [b, c])
      assert.deepEqual(byId.get(gone), {
        '@odata.type': '#microsoft.graph.message',
        id: gone,
        '@removed': { reason: 'deleted' },
      });

    // A quiet round is empty and still ends with a deltaLink.
    const quiet = await round(next.deltaLink);
    assert.equal(quiet.items.length, 0);
  }));

test('$filter and changeType are kept in the token for later rounds', () =>
  withSim(tenant(10), async (sim) => {
    // msg(i) was received at 2025-01-09T00:0i:00Z.
    const filtered = await round(
      deltaUrl(sim, 'inbox', '?$filter=receivedDateTime ge 2025-01-09T00:05:00Z&changeType=created'),
    );
    assert.equal(filtered.items.length, 5);
    const old = sim.exchangeState()[ALICE].mailFolders[0].messages![0].id!;
    sim.updateMessage(ALICE, filtered.items[0].id, { isRead: true });
    sim.deliver(ALICE, 'inbox', msg(1)); // too old for the filter
    const fresh = sim.deliver(ALICE, 'inbox', msg(30));
    sim.deleteMessage(ALICE, old);
    const next = await round(filtered.deltaLink);
    assert.deepEqual(
      next.items.map((i) => i.subject),
      ['Message 30'],
      'only created items within the filter',
    );
    assert.ok(next.items[0].id && fresh.id);
    assert.equal((await get(deltaUrl(sim, 'inbox', "?$filter=subject eq 'x'"))).status, 400);
    const text = (await get(deltaUrl(sim), { Prefer: 'outlook.body-content-type="text"' })).body.value[0];
    assert.equal(text.body.contentType, 'text');
    assert.match(text.body.content, /^Body \d+$/);
  }));

test('changes while a round is paged land consistently in this or the next round', () =>
  withSim(tenant(25), async (sim) => {
    const p = { Prefer: `odata.maxpagesize=10, ${IMMUTABLE}` };
    const page1 = (await get(deltaUrl(sim), p)).body;
    const seen = new Set<string>(page1.value.map((i: Item) => i.id));
    const all = sim.exchangeState()[ALICE].mailFolders[0].messages!.map((m) => m.id!);
    const unseen = all.find((id) => !seen.has(id))!;
    sim.deleteMessage(ALICE, unseen);
    const added = sim.deliver(ALICE, 'inbox', msg(50));
    const rest = await round(page1['@odata.nextLink'], p);
    for (const i of rest.items) seen.add(i.id);
    assert.ok(!seen.has(unseen) && !seen.has(added.id!));
    const next = await round(rest.deltaLink, p);
    const present = new Set(seen);
    for (const i of next.items) i['@removed'] ? present.delete(i.id) : present.add(i.id);
    assert.deepEqual(
      [...present].sort(),
      sim
        .exchangeState()
        [ALICE].mailFolders[0].messages!.map((m) => m.id!)
        .sort(),
    );
  }));

test('query options appended to a nextLink or deltaLink are rejected', () =>
  withSim(tenant(3), async (sim) => {
    const page = (await get(deltaUrl(sim), { Prefer: 'odata.maxpagesize=2' })).body;
    const bad = await get(`${page['@odata.nextLink']}&$select=subject`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'BadRequest');
    assert.ok(bad.body.error.innerError['request-id']);
    assert.equal(bad.body.error.innerError.date.slice(0, 10), '2025-01-10');
    const done = await round(page['@odata.nextLink']);
    assert.equal((await get(`${done.deltaLink}&changeType=created`)).status, 400);
    assert.equal(
      (await get(done.deltaLink.replace(/.{4}$/, 'AAAA'))).status,
      410,
      'a tampered token is unknown sync state',
    );
  }));

test('ImmutableId is stable across a move only when the Prefer header is sent', () =>
  withSim(tenant(1), async (sim) => {
    const regular = (await get(deltaUrl(sim))).body.value[0].id as string;
    const immutable = (await get(deltaUrl(sim), { Prefer: IMMUTABLE })).body.value[0].id as string;
    assert.notEqual(regular, immutable);
    // Both forms address the message.
    assert.equal((await get(`${sim.baseUrl}/users/${ALICE}/messages/${regular}`)).body.id, regular);
    assert.equal(
      (await get(`${sim.baseUrl}/users/${ALICE}/messages/${regular}`, { Prefer: IMMUTABLE })).body.id,
      immutable,
    );

    sim.moveMessage(ALICE, immutable, 'sentitems');
    const inSentRegular = (await get(deltaUrl(sim, 'sentitems'))).body.value[0].id;
    const inSentImmutable = (await get(deltaUrl(sim, 'sentitems'), { Prefer: IMMUTABLE })).body.value[0].id;
    assert.notEqual(inSentRegular, regular, 'the regular id changes with the folder');
    assert.equal(inSentImmutable, immutable);
    assert.equal((await get(`${sim.baseUrl}/users/${ALICE}/messages/${regular}`)).status, 404);
    assert.equal(
      (await get(`${sim.baseUrl}/users/${ALICE}/messages/${immutable}`)).body.parentFolderId,
      (await get(`${sim.baseUrl}/users/${ALICE}/mailFolders/sentitems`)).body.id,
    );
  }));

const THREADING = `$expand=singleValueExtendedProperties(${encodeURIComponent("$filter=id eq 'String 0x1042' or id eq 'String 0x1039'")})`;

test('Mail as Exchange stores it: a Sent Items copy has no internetMessageHeaders in delta or by GET; In-Reply-To is its PidTagInReplyToId, the rest only in $value', () =>
  withSim(tenant(1), async (sim) => {
    const sent = sim.deliver(
      ALICE,
      'sentitems',
      msg(7, {
        subject: 'Quote Q-100 CRM:0001001',
        internetMessageHeaders: [
          { name: 'Message-ID', value: '<m7@fabrikam.com>' },
          { name: 'In-Reply-To', value: '<e1@contoso.com>' },
          { name: 'References', value: '<e0@contoso.com> <e1@contoso.com>' },
          { name: 'X-Mailer', value: 'Sim' },
        ],
      }),
    );
    const q = '?$select=subject,internetMessageHeaders';
    assert.ok((await get(deltaUrl(sim, 'inbox', q))).body.value[0].internetMessageHeaders);
    const item = (await get(deltaUrl(sim, 'sentitems', q), { Prefer: IMMUTABLE })).body.value[0];
    assert.equal(item.id, sent.id);
    assert.equal(item.internetMessageHeaders, undefined);
    const one = await get(
      `${sim.baseUrl}/users/${ALICE}/messages/${sent.id}?$select=internetMessageHeaders&${THREADING}`,
    );
    assert.equal(one.status, 200);
    assert.equal('internetMessageHeaders' in one.body, false, "the fixture's list is not served for a Sent Items copy");
    assert.deepEqual(one.body.singleValueExtendedProperties, [
      { id: 'String 0x1042', value: '<e1@contoso.com>' },
      { id: 'String 0x1039', value: '<e0@contoso.com> <e1@contoso.com>' },
    ]);
    const mime = await get(`${sim.baseUrl}/users/${ALICE}/messages/${sent.id}/$value`);
    assert.equal(mime.status, 200);
    assert.match(mime.body.text, /^Message-ID: <m7@fabrikam\.com>\r$/m);
    assert.match(mime.body.text, /^In-Reply-To: <e1@contoso\.com>\r$/m);
    assert.match(mime.body.text, /^X-Mailer: Sim\r$/m);
    assert.match(mime.body.text, /^Subject: Quote Q-100 CRM:0001001\r$/m);
    assert.match(mime.body.text, /\r\n\r\n<p>Body 7<\/p>/);
  }));

test("Mail as Exchange stores it: $expand=singleValueExtendedProperties answers the asked properties an item has, ids in Graph's spelling, none as no array", () =>
  withSim(tenant(2), async (sim) => {
    const [withReply] = (await get(`${sim.baseUrl}/users/${ALICE}/mailFolders/inbox/messages?$select=subject`)).body
      .value as Item[];
    // An Inbox message keeps its headers and answers the same values as properties.
    const inbox = await get(
      `${sim.baseUrl}/users/${ALICE}/messages/${withReply.id}?$select=internetMessageHeaders&${THREADING}`,
    );
    assert.ok(inbox.body.internetMessageHeaders.some((h: Item) => h.name === 'In-Reply-To'));
    assert.deepEqual(inbox.body.singleValueExtendedProperties, [{ id: 'String 0x1042', value: '<e1@contoso.com>' }]);
    // A proptag id is answered as Graph spells it: type as Graph names it, tag without leading zeros, lower case.
    const spelled = await get(
      `${sim.baseUrl}/users/${ALICE}/messages/${withReply.id}?$select=subject&$expand=${encodeURIComponent("singleValueExtendedProperties($filter=(Id eq 'string 0x01042'))")}`,
    );
    assert.deepEqual(spelled.body.singleValueExtendedProperties, [{ id: 'String 0x1042', value: '<e1@contoso.com>' }]);
    // An item without any of the asked properties has no singleValueExtendedProperties at all.
    sim.deliver(ALICE, 'inbox', msg(9, { internetMessageHeaders: [] }));
    const none = (
      await get(`${sim.baseUrl}/users/${ALICE}/mailFolders/inbox/messages?$select=internetMessageId&${THREADING}`)
    ).body.value.find((m: Item) => m.internetMessageId === '<m9@fabrikam.com>');
    assert.equal('singleValueExtendedProperties' in none, false);
    // An expansion without a filter, or with an id in no documented form, is refused.
    assert.equal(
      (await get(`${sim.baseUrl}/users/${ALICE}/messages/${withReply.id}?$expand=singleValueExtendedProperties`))
        .status,
      400,
    );
    assert.equal(
      (
        await get(
          `${sim.baseUrl}/users/${ALICE}/messages/${withReply.id}?$expand=${encodeURIComponent("singleValueExtendedProperties($filter=id eq 'Nonsense 0x1042')")}`,
        )
      ).status,
      400,
    );
  }));

test('Mail as Exchange stores it: sendMail with PidTagInReplyToId set gives the recipients an In-Reply-To header and the Sent Items copy the property', () =>
  withSim(tenant(0), async (sim) => {
    const body = {
      message: {
        subject: 'RE: Quote',
        toRecipients: [{ emailAddress: { address: 'carol@contoso.com' } }],
        singleValueExtendedProperties: [{ id: 'String 0x1042', value: '<e1@contoso.com>' }],
      },
    };
    const res = await fetch(`${sim.baseUrl}/users/${ALICE}/sendMail`, {
      method: 'POST',
      headers: { ...AUTH, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 202);
    const [copy] = (
      await get(
        `${sim.baseUrl}/users/${ALICE}/mailFolders/sentitems/messages?$select=internetMessageHeaders&${THREADING}`,
      )
    ).body.value as Item[];
    assert.equal(copy.internetMessageHeaders, undefined);
    assert.deepEqual(copy.singleValueExtendedProperties, [{ id: 'String 0x1042', value: '<e1@contoso.com>' }]);
    const [delivered] = (
      await get(`${sim.baseUrl}/users/carol@contoso.com/mailFolders/inbox/messages?$select=internetMessageHeaders`)
    ).body.value as Item[];
    assert.ok(
      delivered.internetMessageHeaders.some((h: Item) => h.name === 'In-Reply-To' && h.value === '<e1@contoso.com>'),
    );
  }));

test('auth, users, folders and unknown routes behave like Graph', () =>
  withSim(tenant(1), async (sim) => {
    const noAuth = await fetch(`${sim.baseUrl}/users`);
    assert.equal(noAuth.status, 401);
    assert.equal(((await noAuth.json()) as Item).error.code, 'InvalidAuthenticationToken');
    assert.equal((await get(`${sim.baseUrl}/users`, { Authorization: 'Bearer ' })).status, 401);

    const users = (await get(`${sim.baseUrl}/users`)).body.value as Item[];
    assert.equal(users.length, 2);
    const alice = users.find((u) => u.mail === ALICE)!;
    assert.match(alice.id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal((await get(`${sim.baseUrl}/users/${alice.id}/mailFolders/inbox`)).status, 200);
    assert.equal((await get(`${sim.baseUrl}/users/ALICE@CONTOSO.COM/mailFolders('Inbox')`)).status, 200);
    const unknown = await get(`${sim.baseUrl}/users/nobody@contoso.com/mailFolders`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error.code, 'ErrorInvalidUser');

    // Carol's fixture has no folders: Inbox and Sent Items exist anyway.
    const carol = (await get(`${sim.baseUrl}/users/carol@contoso.com/mailFolders`)).body.value as Item[];
    assert.deepEqual(carol.map((f) => f.displayName).sort(), ['Inbox', 'Sent Items']);
    const top = (await get(`${sim.baseUrl}/users/${ALICE}/mailFolders`)).body.value as Item[];
    const projects = top.find((f) => f.displayName === 'Projects')!;
    assert.equal(projects.childFolderCount, 1);
    const children = (await get(`${sim.baseUrl}/users/${ALICE}/mailFolders/${projects.id}/childFolders`)).body
      .value as Item[];
    assert.deepEqual(
      children.map((f) => f.displayName),
      ['Contoso'],
    );
    assert.equal((await get(deltaUrl(sim, children[0].id))).body.value.length, 0);

    assert.equal((await get(`${sim.baseUrl}/users/${ALICE}/bogus`)).status, 400);
    assert.equal((await get(`${sim.baseUrl}/v2/users`.replace('/v1.0', ''))).status, 404);
    const id = (await get(deltaUrl(sim))).body.value[0].id;
    const del = await fetch(`${sim.baseUrl}/users/${ALICE}/messages/${id}`, { method: 'DELETE', headers: AUTH });
    assert.equal(del.status, 405);
    const badPatch = await fetch(`${sim.baseUrl}/users/${ALICE}/messages/${id}`, {
      method: 'PATCH',
      headers: { ...AUTH, 'Content-Type': 'application/json' },
      body: JSON.stringify({ subject: 'x' }),
    });
    assert.equal(badPatch.status, 400);
    assert.ok(sim.stats().byRoute['GET messages/delta'] >= 2);
  }));

test('a fixture message without internetMessageId stays without one; deliver defaults come from the clock', () =>
  withSim(tenant(0), async (sim) => {
    const m = sim.deliver(ALICE, 'inbox', { subject: 'No id' });
    assert.equal(m.internetMessageId, undefined);
    assert.match(String(m.receivedDateTime), /^2025-01-10T10:0\d:\d\dZ$/);
    const item = (await get(deltaUrl(sim))).body.value[0];
    assert.equal('internetMessageId' in item, false);
    assert.deepEqual(item.toRecipients, []);
  }));

test('the intercept hook answers instead of the simulator', async () => {
  const sim = await startGraphSimulator({
    tenant: tenant(1),
    clock: clock(),
    intercept: (r) =>
      r.mailbox === ALICE && r.path.endsWith('/delta')
        ? {
            status: 429,
            headers: { 'Retry-After': '1.5' },
            body: { error: { code: 'TooManyRequests', message: 'Please retry again later.' } },
          }
        : undefined,
  });
  try {
    const r = await get(`${sim.baseUrl}/users/ALICE@contoso.com/mailFolders/inbox/messages/delta`);
    assert.equal(r.status, 429);
    assert.equal(r.headers.get('retry-after'), '1.5');
    assert.equal((await get(`${sim.baseUrl}/users`)).status, 200);
  } finally {
    await sim.close();
  }
});

test('a restart from snapshot() keeps stored nextLinks and deltaLinks working', async () => {
  const sim1 = await startGraphSimulator({ tenant: tenant(4), clock: clock() });
  const port = Number(new URL(sim1.baseUrl).port);
  const p = { Prefer: `odata.maxpagesize=3, ${IMMUTABLE}` };
  const first = await round(deltaUrl(sim1), p);
  const midRound = (await get(deltaUrl(sim1), p)).body['@odata.nextLink'] as string;
  sim1.updateMessage(ALICE, first.items[0].id, { isRead: true });
  const saved = JSON.parse(JSON.stringify(sim1.snapshot()));
  await sim1.close();

  const sim2 = await startGraphSimulator({ snapshot: saved, clock: clock(), port });
  try {
    assert.equal(sim2.baseUrl, `http://127.0.0.1:${port}/v1.0`);
    const added = sim2.deliver(ALICE, 'inbox', msg(42));
    const next = await round(first.deltaLink, p);
    assert.deepEqual(
      next.items.map((i) => i.id),
      [first.items[0].id, added.id],
    );
    assert.equal(next.items[0].isRead, true);
    const rest = await round(midRound, p);
    assert.equal(rest.items.length, 1);
    assert.deepEqual(
      sim2.exchangeState()[ALICE].mailFolders.find((f) => f.wellKnownName === 'inbox')!.messages!.length,
      5,
    );
  } finally {
    await sim2.close();
  }
});
