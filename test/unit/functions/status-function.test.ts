// Issue point "A status page" on Azure: the HTTP function's handler (functions/status.ts) over fakes of the stores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpRequest } from '@azure/functions';
import { statusHandler, STATUS_ROUTE, SIGNED_IN_STATUS_ROUTE } from '../../../functions/status';
import { statusSources } from '../../support/status-fixture';

const request = (init: {
  method?: string;
  route: string;
  path?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
}) =>
  new HttpRequest({
    method: init.method ?? 'GET',
    url: `https://app.example.net/api/${init.route}/${init.path ?? ''}`,
    params: init.path ? { path: init.path } : {},
    ...(init.query ? { query: init.query } : {}),
    ...(init.headers ? { headers: init.headers } : {}),
    ...(init.body !== undefined ? { body: { string: init.body } } : {}),
  });

test('A status page: the function-key route serves the page, and its explain form carries the key on', async () => {
  const src = await statusSources({ showPersonal: false });
  const handler = statusHandler(STATUS_ROUTE, async () => src, { signedIn: false });
  const r = await handler(request({ route: STATUS_ROUTE, query: { code: 'k&y' } }));
  assert.equal(r.status, 200);
  assert.match(String(r.body), /action="\/api\/ops\/status\/explain\?code=k%26y"/);
  assert.match(String((r.headers as Record<string, string>)['content-security-policy']), /default-src 'none'/);
  assert.doesNotMatch(String(r.body), /alice@contoso\.com/, 'no address without LOG_PERSONAL_DATA');
  const explained = await handler(
    request({ method: 'POST', route: STATUS_ROUTE, path: 'explain', body: 'id=%3Cm1%40fabrikam.com%3E' }),
  );
  assert.equal(explained.status, 200);
  assert.match(String(explained.body), /id="explain-result">.*seen by 1 mailbox/);
  assert.equal((await handler(request({ method: 'DELETE', route: STATUS_ROUTE }))).status, 405);
});

test('A status page: the signed-in route answers only requests App Service Authentication signed in', async () => {
  const src = await statusSources({ showPersonal: false });
  const handler = statusHandler(SIGNED_IN_STATUS_ROUTE, async () => src, { signedIn: true });
  const anonymous = await handler(request({ route: SIGNED_IN_STATUS_ROUTE }));
  assert.equal(anonymous.status, 302);
  assert.match(
    String((anonymous.headers as Record<string, string>).location),
    /^\/\.auth\/login\/aad\?post_login_redirect_uri=/,
  );
  assert.equal(anonymous.body, undefined);
  const signedIn = await handler(
    request({ route: SIGNED_IN_STATUS_ROUTE, headers: { 'x-ms-client-principal-id': 'user-1' } }),
  );
  assert.equal(signedIn.status, 200);
  assert.match(String(signedIn.body), /action="\/api\/ops\/status-signed-in\/explain"/);
});
