// Issue 10, point 9: the smart-matching index in Table Storage (Azurite): entries found by point reads per
// key, filed once, kept within a row's size, two writers at once, and the feed cursor under its ETag.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { createTableStore, type TableStore } from '../../shared/adapters/tables';
import { DEFAULT_SMART_MATCHING, entryKeys, smartEntryOf, type SmartEntry } from '../../shared/domain/smart-match';
import { useAzurite } from '../support/azurite';

const azurite = useAzurite();
const s = { ...DEFAULT_SMART_MATCHING, enabled: true };
const entry = (i: number, over: Partial<Parameters<typeof smartEntryOf>[0]> = {}): SmartEntry =>
  smartEntryOf(
    {
      activityid: `act-${i}`,
      messageKey: `m${i}@x.test`,
      outgoing: true,
      subject: `Pricing for Q${i % 4}`,
      addresses: ['alice@contoso.com', 'bob@fabrikam.com'],
      at: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString(),
      ...over,
    },
    s,
  );
const filed = (e: SmartEntry) => ({ entry: e, keys: entryKeys(e, s) });

describe('Dataverse queries that hold at scale: the smart-matching index (Azurite)', () => {
  let store: TableStore;
  before(async () => {
    store = createTableStore({ connectionString: azurite.connectionString, tablePrefix: 'smart' });
    await store.ensureTables();
  });

  it('finds an entry by any of its keys, with what correlation needs of it', async () => {
    const e = entry(1, {
      regarding: { type: 'opportunity', id: 'opp-1' },
      ownerId: 'alice',
      mailboxId: 'mbx-1',
      graphId: 'AAMk/1',
    });
    await store.correlation.smart.put([filed(e)]);
    for (const key of entryKeys(e, s)) {
      const [found] = await store.correlation.smart.get([key]);
      assert.equal(found?.activityid, 'act-1');
      assert.deepEqual(found?.regarding, { type: 'opportunity', id: 'opp-1' });
      assert.deepEqual(
        [found?.subject, found?.messageKey, found?.ownerId, found?.graphId, found?.mailboxId, found?.at],
        ['Pricing for Q1', 'm1@x.test', 'alice', 'AAMk/1', 'mbx-1', e.at],
      );
      assert.deepEqual(found?.words, e.words);
    }
    assert.deepEqual(await store.correlation.smart.get(['a000000000000.w000000000000']), []);
  });

  it("an entry filed before is kept as it is (the feed meeting this engine's own email changes nothing)", async () => {
    await store.correlation.smart.put([filed(entry(1, { subject: 'changed later' }))]);
    const [found] = await store.correlation.smart.get([entryKeys(entry(1), s)[0]!]);
    assert.equal(found?.subject, 'Pricing for Q1');
    assert.equal(found?.graphId, 'AAMk/1');
  });

  it('two writers filing under one key at once both land; a row keeps the newest that fit', async () => {
    const other = createTableStore({ connectionString: azurite.connectionString, tablePrefix: 'smart' });
    await Promise.all([
      store.correlation.smart.put([filed(entry(4)), filed(entry(8))]),
      other.correlation.smart.put([filed(entry(12))]),
    ]);
    const key = entryKeys(entry(4), s)[0]!;
    const ids = (await store.correlation.smart.get([key])).map((x) => x.activityid).sort();
    assert.ok(
      ['act-12', 'act-4', 'act-8'].every((id) => ids.includes(id)),
      ids.join(),
    );
    const many = Array.from({ length: 900 }, (_, i) =>
      filed(
        entry(1000 + i * 4, {
          subject: `Pricing for Q0 ${'x'.repeat(600)}`,
          at: new Date(Date.UTC(2025, 0, 2) + i * 60_000).toISOString(),
        }),
      ),
    );
    await store.correlation.smart.put(many);
    const kept = await store.correlation.smart.get([entryKeys(many[0]!.entry, s)[0]!]);
    assert.ok(kept.length < 900 && kept.length > 100, `${kept.length} kept`);
    assert.ok(
      kept.some((x) => x.activityid === `act-${1000 + 899 * 4}`),
      'the newest is kept',
    );
  });

  it('the feed cursor moves under its ETag: a second writer with an old ETag is told so', async () => {
    assert.deepEqual(await store.correlation.smart.feed(), {});
    assert.equal(await store.correlation.smart.saveFeed('2025-01-05T09:00:00Z', undefined), true);
    const a = await store.correlation.smart.feed();
    assert.equal(a.since, '2025-01-05T09:00:00Z');
    assert.equal(await store.correlation.smart.saveFeed('2025-01-06T09:00:00Z', a.etag), true);
    assert.equal(await store.correlation.smart.saveFeed('2025-01-07T09:00:00Z', a.etag), false);
    assert.equal(await store.correlation.smart.saveFeed('2025-01-07T09:00:00Z', undefined), false, 'created meanwhile');
    assert.equal((await store.correlation.smart.feed()).since, '2025-01-06T09:00:00Z');
  });
});
