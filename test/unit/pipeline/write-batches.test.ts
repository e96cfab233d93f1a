// Packing a page's decisions into write-batch messages under the queue's byte limit.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { packWriteBatches } from '../../../shared/pipeline/write-batches';
import type { WriteEntry } from '../../../shared/domain/jobs';
import type { Decision } from '../../../shared/domain/activity';

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v), 'utf8');

function decision(i: number, over: Partial<Decision> = {}): Decision {
  return {
    mailboxId: 'mbx-alice',
    mailbox: 'alice@contoso.com',
    workload: 'email',
    folder: 'inbox',
    internetMessageId: `<m${i}@x.y>`,
    messageKey: `m${i}@x.y`,
    graphId: `g${i}`,
    outcome: 'skipped',
    reason: 'NoCorrelationMatch',
    correlationMethod: 'None',
    decidedAt: '2025-01-10T10:00:00.000Z',
    ...over,
  };
}
function promoted(i: number, description: string, subject = 'Hello'): WriteEntry {
  return {
    decision: decision(i, { outcome: 'promoted', reason: 'AcceptAll', activityid: `act-${i}` }),
    activity: {
      activityid: `act-${i}`,
      subject,
      description,
      directioncode: false,
      statuscode: 4,
      messageid: `<m${i}@x.y>`,
      actualend: '2025-01-10T09:00:00.000Z',
      receivingMailboxId: 'mbx-alice',
      parties: [{ mask: 1, addressused: 'bob@fabrikam.com' }],
    },
  };
}

describe('packWriteBatches: size limit', () => {
  it('every batch message, serialized, stays under the limit with many small entries', () => {
    const entries = Array.from({ length: 5000 }, (_, i) => ({ decision: decision(i) }));
    for (const max of [64 * 1024, 256 * 1024, 1024 * 1024]) {
      const batches = packWriteBatches('mbx-alice', entries, max);
      for (const b of batches) assert.ok(bytes(b) <= max, `${bytes(b)} > ${max}`);
    }
  });
  it('keeps every entry, in order, across batches', () => {
    const entries = Array.from({ length: 700 }, (_, i) => ({ decision: decision(i) }));
    const batches = packWriteBatches('mbx-alice', entries, 32 * 1024);
    assert.ok(batches.length > 1);
    assert.deepEqual(
      batches.flatMap((b) => b.entries.map((e) => e.decision.graphId)),
      entries.map((e) => e.decision.graphId),
    );
  });
  it('an empty page gives no batch', () => {
    assert.deepEqual(packWriteBatches('mbx-alice', [], 64 * 1024), []);
  });
});

describe('packWriteBatches: body truncation', () => {
  it('an entry too large on its own has its body cut, notifications 2 and the cut recorded', () => {
    const batches = packWriteBatches('mbx-alice', [promoted(1, 'a'.repeat(100_000))], 32 * 1024);
    assert.equal(batches.length, 1);
    const e = batches[0]!.entries[0]!;
    assert.ok(bytes(batches[0]) <= 32 * 1024);
    assert.ok(e.activity!.description.length > 20_000, 'cut no more than needed');
    assert.equal(e.activity!.notifications, 2);
    assert.match(e.decision.detail ?? '', /truncated: description/);
  });
  it('a multi-byte body is cut to fit in bytes, not characters', () => {
    const batches = packWriteBatches('mbx-alice', [promoted(1, '€'.repeat(40_000))], 32 * 1024);
    assert.ok(bytes(batches[0]) <= 32 * 1024, `${bytes(batches[0])}`);
    assert.equal(batches[0]!.entries[0]!.activity!.notifications, 2);
  });
  it('an entry that fits is left untouched', () => {
    const entry = promoted(1, 'short body');
    const e = packWriteBatches('mbx-alice', [entry], 32 * 1024)[0]!.entries[0]!;
    assert.deepEqual(e, entry);
  });
  it('an entry too large even with an empty body does not throw and goes alone', () => {
    const batches = packWriteBatches(
      'mbx-alice',
      [{ decision: decision(0) }, promoted(1, 'b'.repeat(50), 's'.repeat(5000)), { decision: decision(2) }],
      2048,
    );
    const alone = batches.find((b) => b.entries.some((e) => e.activity));
    assert.equal(alone?.entries.length, 1);
    assert.equal(alone?.entries[0]!.activity!.description, '');
  });
});

describe('packWriteBatches: batch ids', () => {
  const page = () => [promoted(1, 'x'), { decision: decision(2) }];
  it('the same page gives the same batch ids (a replay is dropped by duplicate detection)', () => {
    assert.deepEqual(
      packWriteBatches('mbx-alice', page(), 64 * 1024).map((b) => b.batchId),
      packWriteBatches('mbx-alice', page(), 64 * 1024).map((b) => b.batchId),
    );
  });
  it('a different decision for the same item gives a different batch id', () => {
    const changed = page();
    changed[1] = { decision: decision(2, { reason: 'NoRecipientMatch' }) };
    assert.notEqual(
      packWriteBatches('mbx-alice', changed, 64 * 1024)[0]!.batchId,
      packWriteBatches('mbx-alice', page(), 64 * 1024)[0]!.batchId,
    );
  });
  it('another mailbox gives another batch id, and the batch carries mailbox and workload', () => {
    const a = packWriteBatches('mbx-alice', page(), 64 * 1024)[0]!;
    const b = packWriteBatches('mbx-sales', page(), 64 * 1024)[0]!;
    assert.notEqual(a.batchId, b.batchId);
    assert.deepEqual([b.kind, b.mailboxId, b.workload], ['write', 'mbx-sales', 'email']);
  });
  it('batch ids fit a Service Bus message id (128 characters)', () => {
    const id = packWriteBatches('0f8fad5b-d9cb-469f-a165-70867728950e', page(), 64 * 1024)[0]!.batchId;
    assert.ok(id.length <= 128);
  });
});
