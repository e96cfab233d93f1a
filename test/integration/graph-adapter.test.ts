// The Graph adapter: the classification of a request that never got an answer, and the reads of messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { createGraphClient, expandExtended } from '../../shared/adapters/graph/client';
import { THREADING_PROPERTIES } from '../../shared/domain/graph-message';
import { startGraphSimulator } from '../../local/sim/graph';
import { isKind } from '../../shared/domain/errors';
import { ScaledClock } from '../../local/clock';

test('a Graph request that gets no answer (connection refused) is transient, not a permanent failure that disables the mailbox', async () => {
  // A port that was free a moment ago: nothing listens there any more.
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  const graph = createGraphClient({
    baseUrl: `http://127.0.0.1:${port}/v1.0`,
    token: async () => 't',
    pageSize: 10,
    clock: new ScaledClock(new Date()),
  });
  await assert.rejects(
    graph.messagesDelta('a@contoso.com', 'inbox', undefined),
    (e) => isKind(e, 'transient') && e.system === 'graph',
  );
});

test('Mail as Exchange stores it: one $batch GET per Sent Items copy reads no headers and the threading properties, and the request says so', async () => {
  const alice = 'alice@contoso.com';
  const at = new Date('2025-01-10T10:00:00Z');
  const sent = (i: number, headers: { name: string; value: string }[]) => ({
    internetMessageId: `<s${i}@contoso.com>`,
    subject: 'RE: Quote',
    from: { emailAddress: { address: alice } },
    toRecipients: [{ emailAddress: { address: 'bob@fabrikam.com' } }],
    internetMessageHeaders: headers,
  });
  const seen: string[] = [];
  const sim = await startGraphSimulator({
    clock: new ScaledClock(at),
    intercept: (r) => void seen.push(`${r.method} ${decodeURIComponent(r.search ?? '')}`),
    tenant: {
      dataverse: {},
      exchange: {
        [alice]: {
          mailFolders: [
            {
              displayName: 'Sent Items',
              wellKnownName: 'sentitems',
              messages: [
                sent(1, [
                  { name: 'In-Reply-To', value: '<e1@contoso.com>' },
                  { name: 'References', value: '<e0@contoso.com> <e1@contoso.com>' },
                ]),
                sent(2, []),
              ],
            },
          ],
        },
      },
    },
  });
  const urls: string[] = [];
  try {
    const graph = createGraphClient({
      baseUrl: sim.baseUrl,
      token: async () => 't',
      pageSize: 10,
      clock: new ScaledClock(at),
      onRequest: (route) => urls.push(route),
    });
    const ids = (await graph.messagesDelta(alice, 'sentitems', undefined)).value.map((v) => String(v.id));
    urls.length = 0;
    seen.length = 0;
    const got = await graph.getMessages(alice, ids, ['internetMessageHeaders'], Object.values(THREADING_PROPERTIES));
    assert.deepEqual(urls, ['$batch'], 'one request for the page');
    const filter = "$expand=singleValueExtendedProperties($filter=id eq 'String 0x1042' or id eq 'String 0x1039')";
    assert.deepEqual(
      seen,
      ['POST ', `GET ?$select=internetMessageHeaders&${filter}`, `GET ?$select=internetMessageHeaders&${filter}`],
      'each batch item asks headers and properties at once',
    );
    const [one, two] = ids.map((id) => got.get(id)!);
    assert.equal(one.status, 200);
    assert.equal(one.body!.internetMessageHeaders, undefined);
    assert.deepEqual(one.body!.singleValueExtendedProperties, [
      { id: 'String 0x1042', value: '<e1@contoso.com>' },
      { id: 'String 0x1039', value: '<e0@contoso.com> <e1@contoso.com>' },
    ]);
    assert.equal(two.body!.singleValueExtendedProperties, undefined);
  } finally {
    await sim.close();
  }
});

test('the threading expansion is one $expand with an or filter, percent-encoded as the Graph docs write it', () => {
  assert.equal(expandExtended(undefined), '');
  assert.equal(
    expandExtended(['String 0x1042', 'String 0x1039']),
    "&$expand=singleValueExtendedProperties($filter=id%20eq%20'String%200x1042'%20or%20id%20eq%20'String%200x1039')",
  );
  assert.equal(
    expandExtended(["String {00020386-0000-0000-c000-000000000046} Name it's"]),
    "&$expand=singleValueExtendedProperties($filter=id%20eq%20'String%20%7B00020386-0000-0000-c000-000000000046%7D%20Name%20it''s')",
  );
});
