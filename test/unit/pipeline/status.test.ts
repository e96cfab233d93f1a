// Issue point "A status page": the read model behind it (shared/pipeline/status.ts) over fakes of the stores.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decisionsByHour, explainForPage, readStatus, DECISION_WINDOW_HOURS } from '../../../shared/pipeline/status';
import { decision, statusSources, HOSTILE, NOW } from '../../support/status-fixture';

test('A status page: mailboxes with health, last and next sync, their decisions and last alert', async () => {
  const v = await readStatus(await statusSources({ showPersonal: true }));
  assert.deepEqual(
    v.mailboxes.map((m) => [
      m.name,
      m.health,
      m.lastSyncCompletedAt,
      m.nextDueAt,
      m.seen,
      m.promoted,
      m.lastAlert?.code,
    ]),
    [
      [`${HOSTILE}@contoso.com`, 'failing', undefined, undefined, 2, 2, 'TransientFailure'],
      ['alice@contoso.com', 'healthy', '2025-01-10T10:00:00Z', '2025-01-10T10:05:00Z', 2, 1, undefined],
    ],
  );
  assert.equal(v.generatedAt, new Date(NOW).toISOString());
  assert.equal(v.dueMailboxes, 1, 'alice was due at 10:05 (it is 10:30); the other has no next sync yet');
});

test('A status page: no email addresses unless LOG_PERSONAL_DATA allows them (mailbox ids, masked errors and dead letters)', async () => {
  const v = await readStatus(await statusSources({ showPersonal: false }));
  assert.deepEqual(v.mailboxes.map((m) => m.name).sort(), ['mbx-a', 'mbx-b']);
  const text = JSON.stringify(v);
  assert.doesNotMatch(text, /@contoso\.com/);
  assert.match(v.mailboxes.find((m) => m.mailboxId === 'mbx-b')!.lastError!, /Graph 503 for \[address\]/);
  assert.match(v.deadLetters[0].description, /refused for \[address\]/);
});

test('A status page: decisions by reason over time, one count per hour for the last 24 hours', () => {
  const now = new Date('2025-01-10T10:30:00Z');
  const d = decisionsByHour(
    [
      decision('a', '1', 'AcceptAll', '2025-01-10T10:01:00Z'),
      decision('a', '2', 'AcceptAll', '2025-01-10T10:59:59Z'),
      decision('a', '3', 'Duplicate', '2025-01-09T11:00:00Z'),
      decision('a', '4', 'Duplicate', '2025-01-09T10:59:59Z'), // 24 hours and more ago: outside the window
    ],
    now,
  );
  assert.equal(d.hours.length, DECISION_WINDOW_HOURS);
  assert.equal(d.hours[0], '2025-01-09T11:00:00.000Z');
  assert.equal(d.hours.at(-1), '2025-01-10T10:00:00.000Z');
  assert.equal(d.total, 3);
  assert.deepEqual(
    d.series.map((s) => [s.reason, s.counts[0], s.counts.at(-1)]),
    [
      ['AcceptAll', 0, 2],
      ['Duplicate', 1, 0],
    ],
  );
});

test('A status page: the shadow section is one hook; without a shadow report it is absent ("not in use")', async () => {
  const src = await statusSources({ showPersonal: true });
  assert.equal((await readStatus(src)).shadow, undefined);
  const report = { mailboxes: 1, agreed: 3, disagreed: 1, byReason: [], disagreements: [] };
  assert.deepEqual((await readStatus({ ...src, shadow: async () => report })).shadow, report);
});

test('A status page: the explain search answers a Message-ID or an item id with the text exsync explain prints', async () => {
  const src = await statusSources({ showPersonal: true });
  const byId = await explainForPage(src, ' <m1@fabrikam.com> ');
  assert.match(byId.text!, /^<m1@fabrikam\.com>: seen by 1 mailbox\(es\)/);
  assert.match(byId.text!, /from bob@fabrikam\.com: unresolved/);
  const byItem = await explainForPage(src, 'm2');
  assert.match(byItem.text!, /^item m2: seen by 1 mailbox\(es\)/);
  assert.match(byItem.text!, /skipped, NoCorrelationMatch/);
  assert.match((await explainForPage(src, '<never@x.com>')).text!, /never seen/);
  assert.ok((await explainForPage(src, HOSTILE)).error);
  const masked = await explainForPage(await statusSources({ showPersonal: false }), '<m1@fabrikam.com>');
  assert.doesNotMatch(masked.text!, /bob@fabrikam\.com/);
});
