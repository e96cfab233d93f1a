// The functions as the Functions host sees them at start: every module package.json "main" names is loaded the
// way the Node worker loads it, and what @azure/functions registers is checked against the host's own rules for
// HTTP routes. The local host does not apply these rules, so without this a route can pass every other test and
// still never load on Azure. Nothing here imports @azure/functions before registeredFunctions() runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  registeredFunctions,
  reservedRouteProblem,
  triggerOf,
  type RegisteredFunction,
} from '../support/functions-host';

const root = join(__dirname, '..', '..', '..');
const loaded = registeredFunctions(root);
const http = (fns: RegisteredFunction[]) => fns.filter((f) => triggerOf(f)?.type === 'httpTrigger');

test('the host rule for HTTP routes: "admin" and "runtime" prefixes are refused, whatever the case, slashes or rest', () => {
  for (const route of ['admin/explain', '/Admin/explain/', 'administration/x', 'runtime/webhooks/x', 'RUNTIMEX'])
    assert.ok(reservedRouteProblem('f', route), route);
  assert.ok(reservedRouteProblem('adminStuff', undefined), 'no route: the function name is the route');
  assert.ok(reservedRouteProblem('adminStuff', '  '), 'a blank route is no route');
  for (const route of ['ops/explain', 'api/admin', 'explain', 'x/runtime'])
    assert.equal(reservedRouteProblem('f', route), undefined, route);
});

test('the registrations are found the way the worker finds them (package.json main), every module of functions/', () => {
  assert.ok(loaded.files.includes('dist/index.js'));
  assert.ok(loaded.files.filter((f) => f.startsWith('dist/functions/')).length >= 4, loaded.files.join(', '));
  assert.deepEqual(loaded.functions.map((f) => f.name).sort(), [
    'explain',
    'notify',
    'schedule',
    'status',
    'statusSignedIn',
    'subscriptions',
    'sync',
    'write',
  ]);
});

test('A status page: on Azure a function key by default, or an Entra ID sign-in on its own route, and read-only methods', () => {
  const byName = new Map(loaded.functions.map((f) => [f.name, triggerOf(f)]));
  assert.equal(byName.get('status')!.authLevel, 'function');
  assert.equal(byName.get('status')!.route, 'ops/status/{*path}');
  // Anonymous for the host: App Service Authentication signs the user in; the handler refuses without it.
  assert.equal(byName.get('statusSignedIn')!.authLevel, 'anonymous');
  assert.equal(byName.get('statusSignedIn')!.route, 'ops/status-signed-in/{*path}');
  for (const name of ['status', 'statusSignedIn'])
    assert.deepEqual([...((byName.get(name)!.methods as string[]) ?? [])].sort(), ['GET', 'HEAD', 'POST'], name);
});

test('explain must register on Azure: every registered HTTP route is one the Functions host accepts', () => {
  const routes = http(loaded.functions);
  assert.ok(routes.length >= 1, 'at least the explain function is an HTTP function');
  assert.deepEqual(routes.map((f) => reservedRouteProblem(f.name, triggerOf(f).route)).filter(Boolean), []);
  assert.equal(triggerOf(routes.find((f) => f.name === 'explain')!).route, 'ops/explain');
});

test('no two HTTP functions share a route with a common method (the host refuses the second one)', () => {
  const routes = http(loaded.functions).map((f) => ({
    name: f.name,
    route: (triggerOf(f).route || f.name).replace(/^\/+|\/+$/g, '').toLowerCase(),
    methods: triggerOf(f).methods ?? [],
  }));
  for (const [i, a] of routes.entries()) {
    for (const b of routes.slice(i + 1)) {
      const overlap = a.methods.length === 0 || b.methods.length === 0 || a.methods.some((m) => b.methods.includes(m));
      assert.ok(!(a.route === b.route && overlap), `${a.name} and ${b.name} share ${a.route}`);
    }
  }
});
