// Queue message bodies are validated where they enter.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSyncJob, parseWriteBatch } from '../../../shared/domain/jobs';

const job = { kind: 'sync', mailboxId: 'mbx-alice', workload: 'email', trigger: 'schedule', slot: '2025-01-10T10:00' };
const decision = { mailboxId: 'mbx-alice', outcome: 'skipped', reason: 'NoCorrelationMatch', graphId: 'g1' };

describe('parseSyncJob', () => {
  it('accepts a well-formed job', () => {
    assert.deepEqual(parseSyncJob(job), { ok: true, value: job });
  });
  for (const [name, bad] of [
    ['another kind', { ...job, kind: 'write' }],
    ['an unknown workload', { ...job, workload: 'fax' }],
    ['an unknown trigger', { ...job, trigger: 'cron' }],
    ['a missing slot', { ...job, slot: '' }],
    ['a mailbox id over 128 characters', { ...job, mailboxId: 'm'.repeat(129) }],
    ['a non-object', 'sync'],
  ] as const) {
    it(`rejects ${name}`, () => assert.equal(parseSyncJob(bad).ok, false));
  }
});

describe('parseWriteBatch', () => {
  const batch = { kind: 'write', mailboxId: 'mbx-alice', workload: 'email', batchId: 'b1', entries: [{ decision }] };
  it('accepts a well-formed batch', () => {
    assert.equal(parseWriteBatch(batch).ok, true);
  });
  it('rejects an entry whose decision lacks a reason', () => {
    assert.equal(parseWriteBatch({ ...batch, entries: [{ decision: { ...decision, reason: undefined } }] }).ok, false);
  });
  it('rejects an activity without parties', () => {
    assert.equal(parseWriteBatch({ ...batch, entries: [{ decision, activity: { activityid: 'a' } }] }).ok, false);
  });
  it('rejects entries that are not an array', () => {
    assert.equal(parseWriteBatch({ ...batch, entries: {} }).ok, false);
  });
});
