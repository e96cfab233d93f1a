// The Graph adapter's classification of a request that never got an answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { createGraphClient } from '../../shared/adapters/graph/client';
import { PermanentError, TransientError } from '../../shared/domain/errors';
import { ScaledClock } from '../../local/clock';

test('a Graph request that gets no answer (connection refused) is transient, not a permanent failure that disables the mailbox', async () => {
  // A port that was free a moment ago: nothing listens there any more.
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  const graph = createGraphClient({ baseUrl: `http://127.0.0.1:${port}/v1.0`, token: async () => 't', pageSize: 10, clock: new ScaledClock(new Date()) });
  await assert.rejects(graph.messagesDelta('a@contoso.com', 'inbox', undefined), (e) => e instanceof TransientError && !(e instanceof PermanentError) && e.system === 'graph');
});
