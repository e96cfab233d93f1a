// The Table Storage adapter against a real Azurite (in memory, free port).
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { emailActivityId } from '../../shared/domain/message-id';
import { createTableStore, type TableStore } from '../../shared/adapters/tables';
import type { MailboxRecord } from '../../shared/ports';
import { isExsyncError, isKind } from '../../shared/domain/errors';
import type { Decision, IndexedEmail } from '../../shared/domain/activity';
import { useAzurite } from '../support/azurite';
import { ledgerPartition } from '../../shared/adapters/tables/ledger';

const azurite = useAzurite();

function decision(i: number, over: Partial<Decision> = {}): Decision {
  return {
    mailboxId: 'mbx-1',
    mailbox: 'sales@contoso.test',
    workload: 'email',
    folder: i % 2 ? 'inbox' : 'sentitems',
    internetMessageId: `<m${i}/a#b?@contoso.test>`,
    messageKey: `m${i}/a#b?@contoso.test`,
    graphId: `AAMkAD/${i}+x==`,
    outcome: 'skipped',
    reason: 'NoRecipientMatch',
    correlationMethod: 'None',
    decidedAt: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
    ...over,
  };
}

describe('table store (Azurite)', () => {
  let store: TableStore;
  before(async () => {
    store = createTableStore({ connectionString: azurite.connectionString, tablePrefix: 'test' });
    await store.ensureTables();
    await store.ensureTables(); // idempotent
  });

  describe('checkpoints', () => {
    it('inserts, reads back, and updates with the etag', async () => {
      assert.equal(await store.checkpoints.get('mbx-1', 'inbox'), undefined);
      const first = await store.checkpoints.save({
        mailboxId: 'mbx-1',
        folder: 'inbox',
        rounds: 0,
        cursor: 'https://graph/next?$skiptoken=a/b#c',
        cursorKind: 'next',
      });
      assert.ok(first.etag);
      const read = await store.checkpoints.get('mbx-1', 'inbox');
      assert.deepEqual(read, first);
      const longCursor = 'https://graph.microsoft.com/v1.0/delta?$deltatoken=' + 'x'.repeat(30_000);
      const second = await store.checkpoints.save({
        ...read!,
        cursor: longCursor,
        cursorKind: 'delta',
        rounds: 1,
        updatedAt: '2025-01-01T00:00:00.000Z',
      });
      assert.notEqual(second.etag, first.etag);
      const again = await store.checkpoints.get('mbx-1', 'inbox');
      assert.equal(again?.cursor, longCursor);
      assert.equal(again?.rounds, 1);
      assert.equal(again?.cursorKind, 'delta');
    });

    it('lets only one of two writers advance a cursor', async () => {
      const base = await store.checkpoints.save({ mailboxId: 'mbx-2', folder: 'sentitems', rounds: 0 });
      const a = await store.checkpoints.get('mbx-2', 'sentitems');
      const b = await store.checkpoints.get('mbx-2', 'sentitems');
      assert.equal(a!.etag, base.etag);
      await store.checkpoints.save({ ...a!, cursor: 'A', rounds: 1 });
      await assert.rejects(store.checkpoints.save({ ...b!, cursor: 'B', rounds: 1 }), (e) => isKind(e, 'conflict'));
      assert.equal((await store.checkpoints.get('mbx-2', 'sentitems'))?.cursor, 'A');
    });

    it('rejects a second insert of the same checkpoint', async () => {
      await store.checkpoints.save({ mailboxId: 'mbx-3', folder: 'inbox', rounds: 0 });
      await assert.rejects(store.checkpoints.save({ mailboxId: 'mbx-3', folder: 'inbox', rounds: 0 }), (e) =>
        isKind(e, 'conflict'),
      );
    });

    it('lists every checkpoint', async () => {
      const all = await store.checkpoints.list();
      const keys = all.map((c) => `${c.mailboxId}/${c.folder}`).sort();
      assert.deepEqual(keys, ['mbx-1/inbox', 'mbx-2/sentitems', 'mbx-3/inbox']);
      assert.ok(all.every((c) => c.etag));
    });
  });

  describe('ledger', () => {
    it('upserts over 100 decisions of one mailbox and lists them all', async () => {
      const decisions = Array.from({ length: 250 }, (_, i) => decision(i));
      decisions.push(decision(7, { outcome: 'promoted', activityid: 'act-7', reason: 'AcceptAll' })); // same row, later
      decisions.push(decision(1, { mailboxId: 'mbx-other' }));
      await store.ledger.record(decisions);
      const mine = await store.ledger.forMailbox('mbx-1');
      assert.equal(mine.length, 250);
      assert.equal((await store.ledger.all()).length, 251);
      const seven = mine.find((d) => d.graphId === decision(7).graphId)!;
      assert.equal(seven.outcome, 'promoted');
      assert.equal(seven.activityid, 'act-7');
    });

    it('spreads a mailbox over 16 partitions, and forMailbox keeps out a mailbox whose id extends this one', async () => {
      const longer = Array.from({ length: 20 }, (_, i) => decision(2000 + i, { mailboxId: 'mbx-1~9' }));
      await store.ledger.record(longer);
      const mine = await store.ledger.forMailbox('mbx-1');
      assert.ok(mine.every((d) => d.mailboxId === 'mbx-1'));
      assert.equal((await store.ledger.forMailbox('mbx-1~9')).length, 20);
      const partitions = new Set(mine.map((d) => ledgerPartition(d.mailboxId, d.graphId)));
      assert.equal(partitions.size, 16, 'every bucket used by 250 decisions');
      assert.ok([...partitions].every((p) => /^mbx-1~[0-9a-f]$/.test(p)));
    });

    it('round-trips every field and replaces optional ones', async () => {
      const full = decision(1000, {
        outcome: 'promoted',
        activityid: 'a1',
        correlatedActivityId: 'a0',
        acceptingEntity: { type: 'queue', id: 'q1' },
        detail: 'matched by tracking token',
      });
      await store.ledger.record([full]);
      assert.deepEqual(await store.ledger.get('mbx-1', 'email', full.graphId), full);
      const bare = decision(1000);
      await store.ledger.record([bare]);
      assert.deepEqual(await store.ledger.get('mbx-1', 'email', full.graphId), bare);
      assert.equal(await store.ledger.get('mbx-1', 'email', 'missing'), undefined);
    });

    it('getMany reads a page of items at once: each decided one by its id, the others absent', async () => {
      const ds = [2001, 2002, 2003].map((n) => decision(n));
      await store.ledger.record(ds);
      const ids = [...ds.map((d) => d.graphId), 'never-decided', ds[0]!.graphId];
      const got = await store.ledger.getMany('mbx-1', 'email', ids);
      assert.deepEqual([...got.keys()].sort(), ds.map((d) => d.graphId).sort());
      for (const d of ds) assert.deepEqual(got.get(d.graphId), d);
      assert.equal((await store.ledger.getMany('mbx-2', 'email', ids)).size, 0, 'another mailbox decided none');
    });
  });

  describe('correlation index', () => {
    // Index rows carry the deterministic email ids (emailActivityId), which is what lets get() use point reads.
    it('puts and gets by Message-ID, many at once', async () => {
      const entries: IndexedEmail[] = Array.from({ length: 120 }, (_, i) => ({
        messageKey: `k${i}/#?@x.test`,
        activityid: emailActivityId(`k${i}/#?@x.test`, i % 3 === 0),
        outgoing: i % 3 === 0,
        ...(i % 2 ? { regarding: { type: 'account', id: `acc-${i}` } } : {}),
        ...(i % 5 === 0 ? { trackingtoken: `CRM:${i}` } : {}),
      }));
      entries.push({
        messageKey: 'k1/#?@x.test',
        activityid: emailActivityId('k1/#?@x.test', true),
        outgoing: true,
        mailboxId: 'mbx-1',
      });
      await store.correlation.put(entries);
      const keys = [...entries.map((e) => e.messageKey), 'unknown@x.test'];
      const found = await store.correlation.get(keys);
      assert.equal(found.size, 120);
      assert.equal(found.has('unknown@x.test'), false);
      const k1 = found.get('k1/#?@x.test')!;
      const byDirection = (x: IndexedEmail[]) => [...x].sort((a, b) => Number(a.outgoing) - Number(b.outgoing));
      assert.deepEqual(byDirection(k1), [
        {
          messageKey: 'k1/#?@x.test',
          activityid: emailActivityId('k1/#?@x.test', false),
          outgoing: false,
          regarding: { type: 'account', id: 'acc-1' },
        },
        {
          messageKey: 'k1/#?@x.test',
          activityid: emailActivityId('k1/#?@x.test', true),
          outgoing: true,
          mailboxId: 'mbx-1',
        },
      ]);
      assert.deepEqual(found.get('k0/#?@x.test'), [
        {
          messageKey: 'k0/#?@x.test',
          activityid: emailActivityId('k0/#?@x.test', true),
          outgoing: true,
          trackingtoken: 'CRM:0',
        },
      ]);
    });
  });

  describe('conversation threads', () => {
    const root = 'ab'.repeat(22);
    const member = (i: number, over: Partial<IndexedEmail> = {}): IndexedEmail => ({
      messageKey: `t${i}@x.test`,
      activityid: emailActivityId(`t${i}@x.test`, false),
      outgoing: false,
      conversationRoot: root,
      mailboxId: 'mbx-1',
      ...over,
    });
    const ids = async (s: TableStore) =>
      ((await s.correlation.getConversations([root])).get(root) ?? []).map((x) => x.messageKey).sort();

    it('two writers adding to one thread at once both land (ETag, read again on 412/409)', async () => {
      const other = createTableStore({ connectionString: azurite.connectionString, tablePrefix: 'test' });
      await Promise.all([store.correlation.put([member(1), member(2)]), other.correlation.put([member(3)])]);
      assert.deepEqual(await ids(store), ['t1@x.test', 't2@x.test', 't3@x.test']);
      // `store` now remembers a thread `other` changes behind its back: its next write is refused once, then lands.
      await other.correlation.put([member(4)]);
      await store.correlation.put([member(5)]);
      assert.deepEqual(await ids(other), ['t1@x.test', 't2@x.test', 't3@x.test', 't4@x.test', 't5@x.test']);
    });

    it('an entry written again replaces its earlier version; a thread longer than one property is split', async () => {
      await store.correlation.put([member(1, { regarding: { type: 'account', id: 'acc-1' } })]);
      const one = (await store.correlation.getConversations([root]))
        .get(root)!
        .find((x) => x.messageKey === 't1@x.test');
      assert.deepEqual(one?.regarding, { type: 'account', id: 'acc-1' });
      const many = Array.from({ length: 300 }, (_, i) =>
        member(100 + i, { subject: `${'long subject '.repeat(20)}${i}` }),
      );
      await store.correlation.put(many);
      assert.equal((await ids(store)).length, 305);
    });

    it('finds nothing for an unknown root and keeps roots apart', async () => {
      const found = await store.correlation.getConversations(['cd'.repeat(22), root]);
      assert.equal(found.has('cd'.repeat(22)), false);
      assert.ok(found.get(root)!.every((x) => x.conversationRoot === root));
    });
  });

  describe('mailbox registry', () => {
    it('round-trips records with flattened health', async () => {
      const rec: MailboxRecord = {
        mailboxId: 'mbx-1',
        address: 'sales@contoso.test',
        owner: { type: 'queue', id: 'q1' },
        enabledForIncoming: true,
        health: {
          state: 'failing',
          consecutiveFailures: 2,
          lastError: 'graph 503',
          nextDueAt: '2025-01-01T00:05:00.000Z',
        },
      };
      await store.mailboxes.upsert(rec);
      await store.mailboxes.upsert({
        ...rec,
        mailboxId: 'mbx-2',
        enabledForIncoming: false,
        health: { state: 'healthy', consecutiveFailures: 0 },
      });
      const got = await store.mailboxes.get('mbx-1');
      assert.ok(got?.etag);
      const { etag: _etag, ...rest } = got!;
      assert.deepEqual(rest, rec);
      await store.mailboxes.upsert({ ...rec, health: { state: 'healthy', consecutiveFailures: 0 } });
      assert.deepEqual((await store.mailboxes.get('mbx-1'))?.health, { state: 'healthy', consecutiveFailures: 0 });
      assert.deepEqual((await store.mailboxes.list()).map((m) => m.mailboxId).sort(), ['mbx-1', 'mbx-2']);
      assert.equal(await store.mailboxes.get('nope'), undefined);
    });
  });

  it('deletes its tables', async () => {
    await store.deleteAll();
    await store.deleteAll(); // idempotent
    await assert.rejects(store.checkpoints.list(), (err) => isExsyncError(err) && err.system === 'tables');
  });
});
