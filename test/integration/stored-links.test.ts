// Stored links stay on Graph: a delta link, nextLink or Dataverse nextLink that is not on the configured
// endpoint is refused before any request, so the bearer token never reaches another host. A second server
// ("evil") listens on every loopback address and records each connection and what it was sent.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { HTTPMessageHandler } from '@microsoft/microsoft-graph-client';
import type { Context } from '@microsoft/microsoft-graph-client';
import { BearerAuth, createGraphClient } from '../../shared/adapters/graph/client';
import { createWebApi } from '../../shared/adapters/dataverse/http';
import { serviceRoot } from '../../shared/adapters/service-link';
import { isUnsafeLink } from '../../shared/domain/errors';
import type { GraphPort } from '../../shared/ports';
import { ScaledClock } from '../../local/clock';
import { startGraphSimulator, type GraphSimulator, type InterceptResponse } from '../../local/sim/graph';
import { startDataverseSimulator, type DataverseSimulator } from '../../local/sim/dataverse';
import { acceptanceFixtureF, withInboxMessage, ALICE, BOB } from '../../local/tenant/acceptance';

const TOKEN = 'token-that-must-stay-home';

/** Records every connection and every byte; answers plain HTTP requests with 200 so a leak would succeed. */
class EvilServer {
  connections = 0;
  received = '';
  private server!: Server;
  private sockets = new Set<Socket>();
  port = 0;
  async start(): Promise<void> {
    this.server = createServer((socket) => {
      this.connections++;
      this.sockets.add(socket);
      socket.on('data', (d) => {
        this.received += d.toString('latin1');
        if (this.received.includes('\r\n\r\n'))
          socket.end('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}');
      });
      socket.on('error', () => undefined);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '0.0.0.0', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }
  reset(): void {
    this.connections = 0;
    this.received = '';
  }
  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

let evil: EvilServer;
let sim: GraphSimulator;
let dv: DataverseSimulator;
let graph: GraphPort;
let clock: ScaledClock;
/** What the Graph simulator should answer instead, while set. */
let graphAnswer: ((path: string) => InterceptResponse) | undefined;
let dataverseAnswer: ((path: string) => { status: number; body?: unknown } | undefined) | undefined;

before(async () => {
  evil = new EvilServer();
  await evil.start();
  const tenant = withInboxMessage(acceptanceFixtureF(), ALICE, {
    internetMessageId: '<links-1@fabrikam.com>',
    subject: 'Links',
    from: { emailAddress: { address: BOB } },
    toRecipients: [{ emailAddress: { address: ALICE } }],
  });
  clock = new ScaledClock(new Date(tenant.now!));
  sim = await startGraphSimulator({ tenant, clock, intercept: (r) => graphAnswer?.(r.path) });
  dv = await startDataverseSimulator({ tenant, clock, intercept: (r) => dataverseAnswer?.(r.path) });
  graph = createGraphClient({ baseUrl: sim.baseUrl, token: async () => TOKEN, pageSize: 10, clock });
});
after(async () => {
  await sim?.close();
  await dv?.close();
  await evil?.stop();
});

const E = () => `127.0.0.1:${evil.port}`;
const simOrigin = () => new URL(sim.baseUrl).origin;
const simHostPort = () => new URL(sim.baseUrl).host;

/** Every stored-link trick of the issue, aimed at the evil server wherever a host can be smuggled in. */
function hostileLinks(): Record<string, string> {
  const G = sim.baseUrl;
  return {
    'another host': `http://127.0.0.2:${evil.port}/v1.0/users/a/mailFolders/inbox/messages/delta?$deltatoken=x`,
    'another port': `http://127.0.0.1:${evil.port}/v1.0/users/a/mailFolders/inbox/messages/delta?$deltatoken=x`,
    'https:// in the path': `${G}/https://${E()}/v1.0/x`,
    'http:// in the path': `${G}/http://${E()}/v1.0/x`,
    'https:// in the query': `${G}/users/a/mailFolders/inbox/messages/delta?$deltatoken=x&next=https://${E()}/x`,
    'userinfo naming Graph before another host': `http://${simHostPort()}@${E()}/v1.0/users/a/messages/delta`,
    'userinfo on Graph': `http://user:pw@${simHostPort()}/v1.0/users/a/messages/delta`,
    '%2F%2F': `${G}/%2F%2F${E()}/x`,
    'https:%2F%2F': `${G}/https:%2F%2F${E()}/x`,
    '%68ttps://': `${G}/%68ttps://${E()}/x`,
    'double-encoded https://': `${G}/https%253A%252F%252F${E()}/x`,
    'backslashes to another host': `http:\\\\${E()}\\v1.0\\users\\a`,
    'backslash before @': `${simOrigin()}\\@${E()}/v1.0/users/a`,
    'https instead of http': `https://${E()}/v1.0/users/a/messages/delta`,
    'https on the Graph port': `https://${simHostPort()}/v1.0/users/a/messages/delta`,
    'another version': `${simOrigin()}/beta/users/a/mailFolders/inbox/messages/delta`,
    'dot segments to another version': `${G}/%2e%2e/beta/users/a`,
    'upper-case scheme': `HTTP://${simHostPort()}/v1.0/users/a/messages/delta`,
  };
}

const refused = (e: unknown) =>
  isUnsafeLink(e) &&
  e.kind === 'permanent' &&
  e.system === 'graph' &&
  !e.message.includes(evil.port.toString()) &&
  !e.message.includes('@');

function assertNothingReachedEvil(): void {
  assert.equal(evil.connections, 0, 'a connection reached the other host');
  assert.doesNotMatch(evil.received, /authorization/i);
  assert.doesNotMatch(evil.received, new RegExp(TOKEN));
}

test('Stored links stay on Graph: the evil server records a request and its token when one is sent to it', async () => {
  // The control for every test below: a client configured for the evil host does reach it with the token.
  evil.reset();
  const own = createGraphClient({ baseUrl: `http://${E()}/v1.0`, token: async () => TOKEN, pageSize: 10, clock });
  await own.getMessage(ALICE, 'x', ['id']).catch(() => undefined);
  assert.equal(evil.connections, 1);
  assert.match(evil.received, new RegExp(`Authorization: Bearer ${TOKEN}`, 'i'));
});

test('Stored links stay on Graph: a hostile stored delta link is refused with a permanent, address-free error and the token never leaves', async () => {
  for (const [name, link] of Object.entries(hostileLinks())) {
    evil.reset();
    const before = sim.stats().requests;
    await assert.rejects(graph.messagesDelta(ALICE, 'inbox', link), refused, name);
    assertNothingReachedEvil();
    assert.equal(sim.stats().requests, before, `${name}: a request went out`);
  }
});

test('Stored links stay on Graph: a hostile nextLink or deltaLink in a delta page is refused before it can be stored', async () => {
  for (const annotation of ['@odata.nextLink', '@odata.deltaLink']) {
    for (const [name, link] of Object.entries(hostileLinks())) {
      evil.reset();
      graphAnswer = (path) =>
        path.endsWith('/messages/delta') ? { status: 200, body: { value: [], [annotation]: link } } : undefined;
      try {
        await assert.rejects(graph.messagesDelta(ALICE, 'inbox', undefined), refused, `${annotation} ${name}`);
      } finally {
        graphAnswer = undefined;
      }
      assertNothingReachedEvil();
    }
  }
});

test('Stored links stay on Graph: a hostile childFolders nextLink is refused and not followed', async () => {
  for (const [name, link] of Object.entries(hostileLinks())) {
    evil.reset();
    graphAnswer = (path) =>
      path.endsWith('/childFolders')
        ? { status: 200, body: { value: [{ id: 'f1', displayName: 'Projects' }], '@odata.nextLink': link } }
        : undefined;
    try {
      await assert.rejects(graph.childFolders(ALICE, 'inbox'), refused, name);
    } finally {
      graphAnswer = undefined;
    }
    assertNothingReachedEvil();
  }
});

test('Stored links stay on Graph: the client never attaches the token to a request built for another host', async () => {
  evil.reset();
  const auth = new BearerAuth(async () => TOKEN, serviceRoot(sim.baseUrl));
  auth.setNext(new HTTPMessageHandler());
  for (const url of [`http://${E()}/v1.0/users/a`, `https://${E()}/v1.0/users/a`, `${simOrigin()}/beta/users/a`]) {
    const context: Context = { request: url, options: { method: 'GET' } };
    await assert.rejects(auth.execute(context), (e) => isUnsafeLink(e));
  }
  assertNothingReachedEvil();
});

test('Stored links stay on Graph: a Dataverse nextLink off the environment is refused and not followed', async () => {
  const api = createWebApi({ url: dv.baseUrl, token: async () => TOKEN, clock });
  const dvOrigin = new URL(dv.baseUrl).origin;
  const dvHost = new URL(dv.baseUrl).host;
  const links: Record<string, string> = {
    'another host': `http://127.0.0.2:${evil.port}/api/data/v9.2/systemusers?$skiptoken=x`,
    'another port': `http://127.0.0.1:${evil.port}/api/data/v9.2/systemusers?$skiptoken=x`,
    'userinfo naming Dataverse before another host': `http://${dvHost}@${E()}/api/data/v9.2/systemusers`,
    'userinfo on Dataverse': `http://u:p@${dvHost}/api/data/v9.2/systemusers`,
    'a URL in the skiptoken': `${dv.baseUrl}/systemusers?$skiptoken=%3Ccookie%20next=%22https://${E()}%22/%3E`,
    backslashes: `http:\\\\${E()}\\api\\data\\v9.2\\systemusers`,
    'another version': `${dvOrigin}/api/data/v9.20/systemusers`,
    'dot segments': `${dv.baseUrl}/../../../x`,
  };
  for (const [name, link] of Object.entries(links)) {
    evil.reset();
    let first = true;
    dataverseAnswer = (path) => {
      if (!path.startsWith('/api/data/v9.2/systemusers') || !first) return undefined;
      first = false;
      return { status: 200, body: { value: [{ systemuserid: '1' }], '@odata.nextLink': link } };
    };
    try {
      await assert.rejects(
        api.getAll('/systemusers?$select=systemuserid'),
        (e) => isUnsafeLink(e) && e.system === 'dataverse' && !e.message.includes('@'),
        name,
      );
    } finally {
      dataverseAnswer = undefined;
    }
    assertNothingReachedEvil();
  }
  // The simulator's own paging still works (its nextLinks are on the environment).
  const all = await api.getAll('/systemusers?$select=systemuserid');
  assert.ok(all.length > 0);
});
