import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stableGuid, stableGraphId } from '../../../local/tenant/ids';

test('stableGuid: same seed, same GUID; a version 5 layout; different seeds differ', () => {
  const a = stableGuid('alice@contoso.com');
  assert.equal(a, stableGuid('alice@contoso.com'));
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.notEqual(a, stableGuid('david@contoso.com'));
});

test('stableGraphId: opaque, url-safe, stable', () => {
  const id = stableGraphId('x');
  assert.equal(id, stableGraphId('x'));
  assert.match(id, /^AAMkA[A-Za-z0-9_-]+$/);
  assert.match(stableGraphId('x', 'AAQkA'), /^AAQkA/);
});
