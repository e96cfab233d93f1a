// Issue point "A status page": its routes over HTTP (the local server of `exsync run`, the same routes the Azure
// function serves): status codes, escaping of every value, and read-only (no route changes anything).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startStatusServer, type StatusServer } from '../../../local/status-server';
import type { StatusSources } from '../../../shared/pipeline/status';
import { statusSources, HOSTILE } from '../../support/status-fixture';

let server: StatusServer;
let src: StatusSources;
before(async () => {
  src = await statusSources({ showPersonal: true });
  server = await startStatusServer(src);
});
after(() => server.close());

const url = (path: string) => new URL(path, server.url).toString();
const snapshot = async () =>
  JSON.stringify([await src.mailboxes.list(), await src.ledger.all(), await src.alerts.all()]);
const form = (id: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ id }).toString(),
});

test('A status page: bound to 127.0.0.1 only', () => {
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
});

test('A status page: GET / is the page, with a strict Content-Security-Policy and no script', async () => {
  const r = await fetch(url('/'));
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type')!, /^text\/html/);
  const csp = r.headers.get('content-security-policy')!;
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /style-src 'sha256-[A-Za-z0-9+/=]+'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|script-src/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  const html = await r.text();
  for (const section of ['mailboxes', 'backlog', 'decisions', 'throttling', 'dead-letters', 'shadow', 'explain'])
    assert.match(html, new RegExp(`id="${section}"`), section);
  assert.doesNotMatch(html, /<script|src=|href=/i);
  assert.match(html, /Shadow mode not in use/);
});

test('A status page: HTML injection: every value read from the stores is escaped', async () => {
  const html = await (await fetch(url('/'))).text();
  assert.ok(!html.includes(HOSTILE), 'a hostile value reached the page unescaped');
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;@contoso.com'), 'the hostile address, escaped');
  assert.ok(html.includes('refused for carol@contoso.com &quot;&lt;script&gt;'), 'the dead letter, escaped');
});

test('A status page: HTML injection: the explain search escapes what was typed and what it answers', async () => {
  const r = await fetch(url('/explain'), form(`"><img src=x>${HOSTILE}`));
  assert.equal(r.status, 200);
  const html = await r.text();
  assert.ok(!html.includes(HOSTILE) && !html.includes('<img'));
  assert.match(html, /id="explain-result"/);
  assert.ok(html.includes('value="&quot;&gt;&lt;img src=x&gt;&lt;script&gt;'));
});

test('A status page: POST /explain answers with the explain text; a missing or oversized form is 400', async () => {
  const html = await (await fetch(url('/explain'), form('<m1@fabrikam.com>'))).text();
  assert.match(html, /<pre id="explain-result">&lt;m1@fabrikam\.com&gt;: seen by 1 mailbox\(es\)/);
  assert.equal((await fetch(url('/explain'), { method: 'POST', body: 'x=1' })).status, 400);
  assert.equal((await fetch(url('/explain'), form('a'.repeat(5000)))).status, 400);
});

test('A status page: GET /status.json is the same view as JSON', async () => {
  const r = await fetch(url('/status.json'));
  assert.equal(r.status, 200);
  const v = (await r.json()) as { mailboxes: { name: string }[]; deadLetters: unknown[] };
  assert.equal(v.mailboxes.length, 2);
  assert.equal(v.deadLetters.length, 1);
});

test('A status page: read-only: no route takes a mutating method, unknown paths are 404, the stores stay as they were', async () => {
  const before = await snapshot();
  for (const path of ['/', '/status.json', '/explain'])
    for (const method of ['PUT', 'PATCH', 'DELETE', ...(path === '/explain' ? ['GET'] : ['POST'])]) {
      const r = await fetch(url(path), { method, body: method === 'GET' ? undefined : 'id=x' });
      assert.equal(r.status, 405, `${method} ${path}`);
      assert.ok(r.headers.get('allow'), `${method} ${path} says what is allowed`);
    }
  for (const path of ['/mailboxes/mbx-a/enable', '/dlq/replay', '/../etc/passwd', '/status.json/x'])
    assert.equal((await fetch(url(path))).status, 404, path);
  await fetch(url('/explain'), form('<m1@fabrikam.com>'));
  assert.equal(await snapshot(), before);
});
