// Issue point "Backoff instead of instant redelivery": the Table Storage fault point of local runs. A proxy
// in front of a real Azurite passes requests through, or answers what an overloaded Table service
// answers; the product's adapter (the real SDK) sees a real service failure and classifies it.
import { describe, it as test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createTableStore, type TableStore } from '../../shared/adapters/tables';
import { isExsyncError, retryableFailureOf } from '../../shared/domain/errors';
import { startTablesProxy, type TablesProxy } from '../../local/tables-proxy';
import type { Decision } from '../../shared/domain/activity';
import { useAzurite } from '../support/azurite';

const azurite = useAzurite();
let failing = false;
let requests = 0;
let proxy: TablesProxy;
let store: TableStore;
const decision: Decision = {
  mailboxId: 'mbx-1',
  mailbox: 'a@contoso.test',
  workload: 'email',
  folder: 'inbox',
  internetMessageId: '<m1@contoso.test>',
  messageKey: 'm1@contoso.test',
  graphId: 'AAMk-1',
  outcome: 'skipped',
  reason: 'NoRecipientMatch',
  correlationMethod: 'None',
  decidedAt: '2025-01-10T10:00:00.000Z',
};

describe('the Table Storage fault proxy', () => {
  before(async () => {
    proxy = await startTablesProxy(azurite.connectionString, () => (requests++, failing));
    // As `exsync run` builds it: no retries inside the SDK, so each call is one request.
    store = createTableStore({ connectionString: proxy.connectionString, tablePrefix: 'proxied', maxRetries: 0 });
    await store.ensureTables();
  });
  after(async () => proxy?.close());

  test('Backoff instead of instant redelivery: outside a fault the proxy passes Table Storage requests through unchanged', async () => {
    assert.match(
      proxy.connectionString,
      new RegExp(`TableEndpoint=http://127\\.0\\.0\\.1:${proxy.port}/devstoreaccount1`),
    );
    await store.ledger.record([decision]);
    assert.equal((await store.ledger.get('mbx-1', 'email', 'AAMk-1'))?.reason, 'NoRecipientMatch');
  });

  test('Backoff instead of instant redelivery: inside a fault every Table Storage call fails with 503 ServerBusy, which the adapter reports as a retryable failure', async () => {
    failing = true;
    try {
      const calls: [string, () => Promise<unknown>][] = [
        ['ledger get', () => store.ledger.get('mbx-1', 'email', 'AAMk-1')],
        ['ledger record', () => store.ledger.record([{ ...decision, reason: 'AcceptAll' }])],
        ['checkpoint save', () => store.checkpoints.save({ mailboxId: 'mbx-1', folder: 'inbox', rounds: 0 })],
        ['mailbox list', () => store.mailboxes.list()],
      ];
      for (const [what, call] of calls) {
        const before = requests;
        const e = await call().then(
          () => undefined,
          (x: unknown) => x,
        );
        assert.ok(isExsyncError(e) && e.system === 'tables', `${what}: ${String(e)}`);
        assert.equal(e.status, 503, what);
        assert.equal(e.code, 'ServerBusy', what);
        assert.deepEqual(
          retryableFailureOf(e),
          { kind: 'throttled', system: 'tables', status: 503, code: 'ServerBusy' },
          what,
        );
        assert.equal(requests - before, 1, `${what}: one request, no retry inside the SDK`);
      }
    } finally {
      failing = false;
    }
    // Nothing reached Azurite meanwhile; afterwards it answers again.
    assert.equal((await store.ledger.get('mbx-1', 'email', 'AAMk-1'))?.reason, 'NoRecipientMatch');
  });
});
