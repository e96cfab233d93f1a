// Mail as Exchange stores it: messages delivered from outside carry the internet headers Exchange Online
// keeps (Received chain, Authentication-Results, Return-Path, From, To, Subject, Date, Message-ID, …) when
// read with $select=internetMessageHeaders, in the demo tenant and in generated tenants; the copy in Sent
// Items has none, and answers In-Reply-To and References as extended properties. Read with Microsoft's
// Kiota-based @microsoft/msgraph-sdk, an independent client.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScaledClock } from '../../local/clock';
import { startGraphSimulator, type GraphSimulator } from '../../local/sim/graph';
import { demoTenant } from '../../local/tenant/demo';
import type { TenantFixture } from '../../local/tenant/fixture';

type Header = { name?: string | null; value?: string | null };
type Message = {
  internetMessageId?: string | null;
  subject?: string | null;
  sentDateTime?: Date | null;
  from?: { emailAddress?: { address?: string | null } | null } | null;
  toRecipients?: { emailAddress?: { address?: string | null } | null }[] | null;
  internetMessageHeaders?: Header[] | null;
  singleValueExtendedProperties?: { id?: string | null; value?: string | null }[] | null;
};

const SELECT = ['internetMessageId', 'subject', 'sentDateTime', 'from', 'toRecipients', 'internetMessageHeaders'];
const RFC5322_DATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/;

async function withSim(tenant: TenantFixture, fn: (sim: GraphSimulator) => Promise<void>) {
  const sim = await startGraphSimulator({
    tenant,
    clock: new ScaledClock(new Date(tenant.now ?? '2025-01-10T10:00:00Z')),
  });
  try {
    await fn(sim);
  } finally {
    await sim.close();
  }
}

async function sdk(baseUrl: string) {
  const { GraphRequestAdapter, createGraphServiceClient } = await import('@microsoft/msgraph-sdk');
  await import('@microsoft/msgraph-sdk-users');
  const adapter = new GraphRequestAdapter({
    authenticateRequest: async (req: { headers: { add: (k: string, v: string) => void } }) =>
      req.headers.add('Authorization', 'Bearer conformance-sdk'),
  } as never);
  adapter.baseUrl = baseUrl;
  return createGraphServiceClient(adapter);
}

async function inbox(sim: GraphSimulator, mailbox: string, top: number): Promise<Message[]> {
  const client = await sdk(sim.baseUrl);
  const page = await client.users
    .byUserId(mailbox)
    .mailFolders.byMailFolderId('inbox')
    .messages.get({ queryParameters: { select: SELECT, top } });
  return (page?.value ?? []) as Message[];
}

const all = (m: Message, name: string) =>
  (m.internetMessageHeaders ?? [])
    .filter((h) => h.name?.toLowerCase() === name.toLowerCase())
    .map((h) => h.value ?? '');
const one = (m: Message, name: string) => all(m, name)[0];
const domainOf = (a: string | null | undefined) => (a ?? '').slice((a ?? '').lastIndexOf('@') + 1).toLowerCase();

/** Every message from outside the tenant carries the delivery headers, and they agree with the message. */
function assertDeliveredFromOutside(messages: Message[], tenantDomain: string): number {
  let outside = 0;
  for (const m of messages) {
    const from = m.from?.emailAddress?.address;
    if (!from?.includes('@') || domainOf(from) === tenantDomain) continue;
    outside++;
    const what = `${m.internetMessageId}`;
    assert.ok(all(m, 'Received').length >= 3, `${what}: Received chain from the sending host`);
    assert.match(
      all(m, 'Received').at(-1)!,
      new RegExp(`^from mail\\.${domainOf(from).replace(/\./g, '\\.')} \\(`),
      `${what}: the last hop is the sender's host`,
    );
    assert.match(
      one(m, 'Authentication-Results')!,
      new RegExp(`header\\.from=${domainOf(from).replace(/\./g, '\\.')}`),
      what,
    );
    assert.equal(one(m, 'Return-Path'), from);
    assert.equal(one(m, 'X-MS-Exchange-Organization-AuthAs'), 'Anonymous');
    assert.ok(one(m, 'From')!.includes(`<${from}>`) || one(m, 'From') === from, `${what}: From`);
    for (const r of m.toRecipients ?? [])
      assert.ok(one(m, 'To')!.includes(r.emailAddress!.address!), `${what}: To names ${r.emailAddress!.address}`);
    assert.match(one(m, 'Date')!, RFC5322_DATE, `${what}: Date in RFC 5322 form`);
    assert.equal(Date.parse(one(m, 'Date')!), m.sentDateTime!.getTime(), `${what}: Date is sentDateTime`);
    if (/^[\x20-\x7e]*$/.test(m.subject ?? '')) assert.equal(one(m, 'Subject'), m.subject, `${what}: Subject`);
    assert.equal(one(m, 'MIME-Version'), '1.0');
    assert.match(one(m, 'Content-Type')!, /^text\/(html|plain); charset="utf-8"$/);
    // The demo's items without an internetMessageId (bad input on purpose) have no Message-ID header either.
    if (m.internetMessageId) assert.equal(one(m, 'Message-ID'), m.internetMessageId, `${what}: Message-ID`);
    else assert.equal(one(m, 'Message-ID'), undefined);
  }
  return outside;
}

test('Mail as Exchange stores it: an independent Graph client reads 25 Inbox messages of the demo tenant and finds Received, Message-ID, From, To, Date on each from outside', () =>
  withSim(demoTenant(), async (sim) => {
    for (const mailbox of ['alice@contoso.com', 'sales@contoso.com']) {
      const messages = await inbox(sim, mailbox, 25);
      assert.equal(messages.length, 25);
      const outside = assertDeliveredFromOutside(messages, 'contoso.com');
      assert.ok(outside >= 10, `${mailbox}: ${outside} of 25 from outside`);
      for (const m of messages)
        assert.ok(
          one(m, 'Received') && one(m, 'From') && one(m, 'Date'),
          `${m.internetMessageId}: delivered copies all carry headers`,
        );
    }
  }));

test("Mail as Exchange stores it: a generated tenant's Inbox messages from outside carry the same headers", () =>
  withSim(demoTenant({ mailboxes: 12, messagesPerMailbox: 60, seed: 7 }), async (sim) => {
    const outside =
      assertDeliveredFromOutside(await inbox(sim, 'alice@contoso.com', 25), 'contoso.com') +
      assertDeliveredFromOutside(await inbox(sim, 'sales@contoso.com', 25), 'contoso.com');
    assert.ok(outside >= 20, `${outside} of 50 from outside`);
  }));

test("Mail as Exchange stores it: replies keep the sender's In-Reply-To and References among the delivered headers", () =>
  withSim(demoTenant(), async (sim) => {
    const client = await sdk(sim.baseUrl);
    const page = await client.users
      .byUserId('david@contoso.com')
      .mailFolders.byMailFolderId('inbox')
      .messages.get({ queryParameters: { select: SELECT, top: 200 } });
    const replies = ((page?.value ?? []) as Message[]).filter((m) => one(m, 'In-Reply-To'));
    assert.ok(replies.length >= 3);
    for (const m of replies) {
      assert.ok(one(m, 'Received'), "delivered headers around the sender's own");
      const refs = one(m, 'References')!.split(' ');
      assert.equal(refs.at(-1), one(m, 'In-Reply-To'));
      const names = m.internetMessageHeaders!.map((h) => h.name);
      assert.ok(names.indexOf('Message-ID') < names.indexOf('In-Reply-To'), 'in the place Exchange lists them');
    }
  }));

test("Mail as Exchange stores it: mail between the tenant's mailboxes carries the internal hops only", () =>
  withSim(demoTenant(), async (sim) => {
    const messages = await inbox(sim, 'david@contoso.com', 100);
    const internal = messages.filter((m) => domainOf(m.from?.emailAddress?.address) === 'contoso.com');
    assert.ok(internal.length >= 3);
    for (const m of internal) {
      assert.equal(one(m, 'X-MS-Exchange-Organization-AuthAs'), 'Internal');
      assert.equal(one(m, 'Authentication-Results'), undefined);
      assert.equal(one(m, 'Received-SPF'), undefined);
      assert.equal(all(m, 'Received').length, 2);
      assert.equal(one(m, 'Message-ID'), m.internetMessageId);
    }
  }));

test('Mail as Exchange stores it: the copy in Sent Items carries no internetMessageHeaders at all', () =>
  withSim(demoTenant(), async (sim) => {
    const client = await sdk(sim.baseUrl);
    const page = await client.users
      .byUserId('alice@contoso.com')
      .mailFolders.byMailFolderId('sentitems')
      .messages.get({ queryParameters: { select: SELECT, top: 100 } });
    const sent = (page?.value ?? []) as Message[];
    assert.ok(sent.length >= 10);
    // Graph has none there (microsoftgraph/microsoft-graph-docs#2716): not the delivery headers, not the sender's own.
    for (const m of sent) assert.equal(m.internetMessageHeaders ?? undefined, undefined, `${m.internetMessageId}`);
  }));

const THREADING_EXPAND = "singleValueExtendedProperties($filter=id eq 'String 0x1042' or id eq 'String 0x1039')";

test('Mail as Exchange stores it: a Sent Items message has no headers and answers PidTagInReplyToId and PidTagInternetReferences as extended properties', () => {
  const tenant = demoTenant();
  // What the demo's replies carry, read from the fixture itself: the independent expectation.
  const expected = new Map<string, { inReplyTo?: string; references?: string }>();
  for (const f of tenant.exchange['erin@contoso.com']!.mailFolders) {
    if (f.wellKnownName !== 'sentitems') continue;
    for (const m of f.messages ?? []) {
      const list = (m.internetMessageHeaders ?? []) as { name: string; value: string }[];
      const h = (n: string) => list.find((x) => x.name.toLowerCase() === n)?.value;
      expected.set(String(m.internetMessageId), { inReplyTo: h('in-reply-to'), references: h('references') });
    }
  }
  return withSim(tenant, async (sim) => {
    const client = await sdk(sim.baseUrl);
    const sentItems = client.users.byUserId('erin@contoso.com').mailFolders.byMailFolderId('sentitems').messages;
    const page = await sentItems.get({
      queryParameters: {
        select: ['id', 'internetMessageId', 'internetMessageHeaders'],
        expand: [THREADING_EXPAND],
        top: 100,
      },
    });
    const sent = (page?.value ?? []) as (Message & { id?: string | null })[];
    assert.equal(sent.length, expected.size);
    let replies = 0;
    for (const m of sent) {
      const want = expected.get(String(m.internetMessageId))!;
      assert.equal(m.internetMessageHeaders ?? undefined, undefined, `${m.internetMessageId}: no headers`);
      const props = new Map((m.singleValueExtendedProperties ?? []).map((p) => [p.id, p.value]));
      assert.equal(props.get('String 0x1042'), want.inReplyTo, `${m.internetMessageId}: In-Reply-To`);
      assert.equal(props.get('String 0x1039'), want.references, `${m.internetMessageId}: References`);
      if (!want.inReplyTo)
        assert.equal(m.singleValueExtendedProperties ?? undefined, undefined, 'no asked property, no array');
      else replies++;
    }
    assert.ok(replies >= 10, `${replies} replies among Erin's sent mail`);
    // The same through a single GET of one reply, as the pipeline's $batch items ask it.
    const reply = sent.find((m) => expected.get(String(m.internetMessageId))!.inReplyTo)!;
    const one = (await sentItems
      .byMessageId(reply.id!)
      .get({ queryParameters: { select: ['internetMessageHeaders'], expand: [THREADING_EXPAND] } })) as Message;
    assert.equal(one.internetMessageHeaders ?? undefined, undefined);
    assert.deepEqual(
      (one.singleValueExtendedProperties ?? []).map((p) => p.id),
      ['String 0x1042', 'String 0x1039'],
    );
  });
});

test("Mail as Exchange stores it: a fixture's explicit internetMessageHeaders are served exactly as given", () => {
  const crafted = [
    { name: 'Message-ID', value: '<crafted@fabrikam.com>' },
    { name: 'In-Reply-To', value: '<e1@contoso.com>' },
    { name: 'X-Odd', value: ' spaced ' },
  ];
  const tenant: TenantFixture = {
    dataverse: {},
    exchange: {
      'alice@contoso.com': {
        mailFolders: [
          {
            displayName: 'Inbox',
            wellKnownName: 'inbox',
            messages: [
              {
                internetMessageId: '<crafted@fabrikam.com>',
                subject: 'Crafted',
                from: { emailAddress: { address: 'bob@fabrikam.com' } },
                internetMessageHeaders: crafted,
              },
              {
                internetMessageId: '<none@fabrikam.com>',
                subject: 'None',
                from: { emailAddress: { address: 'bob@fabrikam.com' } },
                internetMessageHeaders: [],
              },
            ],
          },
        ],
      },
    },
  };
  return withSim(tenant, async (sim) => {
    const messages = await inbox(sim, 'alice@contoso.com', 10);
    const byId = new Map(messages.map((m) => [m.internetMessageId, m]));
    assert.deepEqual(
      byId.get('<crafted@fabrikam.com>')!.internetMessageHeaders!.map((h) => ({ name: h.name, value: h.value })),
      crafted,
    );
    assert.deepEqual(byId.get('<none@fabrikam.com>')!.internetMessageHeaders, []);
  });
});

test('Mail as Exchange stores it: $value of a delivered message starts with the same headers, then the body', () =>
  withSim(demoTenant(), async (sim) => {
    const [m] = await inbox(sim, 'alice@contoso.com', 1);
    const client = await sdk(sim.baseUrl);
    const list = await client.users
      .byUserId('alice@contoso.com')
      .mailFolders.byMailFolderId('inbox')
      .messages.get({ queryParameters: { select: ['id'], top: 1 } });
    const res = await fetch(
      `${sim.baseUrl}/users/alice@contoso.com/messages/${encodeURIComponent(list!.value![0]!.id!)}/$value`,
      { headers: { Authorization: 'Bearer conformance' } },
    );
    const head = (await res.text()).split('\r\n\r\n')[0]!.split('\r\n');
    const content = /^(MIME-Version|Content-Type|Content-Transfer-Encoding):/i;
    const json = m!.internetMessageHeaders!.map((h) => `${h.name}: ${h.value}`);
    assert.deepEqual(
      head.filter((l) => !content.test(l)),
      json.filter((l) => !content.test(l)),
    );
    assert.ok(head[0]!.startsWith('Received: '));
    assert.ok(head.includes(`Message-ID: ${m!.internetMessageId}`));
    assert.ok(head.includes('MIME-Version: 1.0'));
  }));
