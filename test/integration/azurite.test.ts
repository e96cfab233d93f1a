// The embedded Azurite launcher when several test runs share a machine: every run must get its own Azurite.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AzuriteStartError, startAzurite } from '../../local/azurite';

test('Tests that never flake beside a second copy: an Azurite start on a port another Azurite already serves fails as "address in use" instead of sharing it', async () => {
  // Two runs can probe the same free port at once; the later one must not take the other's server for its
  // own (their tables, ledgers and checkpoints would mix). Its own child exits EADDRINUSE, and a launcher
  // that picked the port itself (no `port` given) then tries another one.
  const first = await startAzurite({ inMemory: true });
  try {
    await assert.rejects(startAzurite({ inMemory: true, port: first.port }), (e: unknown) => {
      assert.ok(e instanceof AzuriteStartError, String(e));
      assert.equal(e.addressInUse, true, e.message);
      return true;
    });
    const second = await startAzurite({ inMemory: true });
    try {
      assert.notEqual(second.port, first.port);
      assert.notEqual(second.pid, first.pid);
    } finally {
      await second.stop();
    }
  } finally {
    await first.stop();
  }
});
