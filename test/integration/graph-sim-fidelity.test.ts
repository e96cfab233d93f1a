// The Graph simulator's own API for the additions: limits off by default, item changes from the test side,
// snapshots that keep calendar/contacts/To Do, expired tokens and subscriptions, and the state dump.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScaledClock } from '../../local/clock';
import { startGraphSimulator } from '../../local/sim/graph';
import type { TenantFixture } from '../../local/tenant/fixture';
import { fetchAcrossRestarts } from '../support/fetch';

const ALICE = 'alice@contoso.com';
const AUTH = { Authorization: 'Bearer t' };
const fixture = (): TenantFixture => ({
  dataverse: {},
  exchange: {
    [ALICE]: {
      mailFolders: [],
      events: [],
      todoLists: [{ displayName: 'Tasks', wellknownListName: 'defaultList', tasks: [] }],
    },
  },
});
const clock = () => new ScaledClock(new Date('2025-01-10T10:00:00Z'));
const get = async (url: string) => {
  const r = await fetchAcrossRestarts(url, { headers: AUTH });
  return { status: r.status, body: (await r.json()) as Record<string, any> };
};

test('limits are off unless asked for: many concurrent requests all succeed', async () => {
  const sim = await startGraphSimulator({ tenant: fixture(), clock: clock(), latencyMs: 30 });
  try {
    const rs = await Promise.all(
      Array.from({ length: 10 }, () => fetch(`${sim.baseUrl}/users/${ALICE}`, { headers: AUTH })),
    );
    assert.ok(rs.every((r) => r.status === 200));
    assert.deepEqual(sim.stats().throttled, { concurrency: 0, window: 0 });
  } finally {
    await sim.close();
  }
});

test('addItem/updateItem/deleteItem feed the deltas; snapshot keeps items, logs, token generation and subscriptions', async () => {
  const sim = await startGraphSimulator({ tenant: fixture(), clock: clock() });
  const ev = sim.addItem(ALICE, 'event', {
    subject: 'Kickoff',
    start: { dateTime: '2025-01-11T09:00:00', timeZone: 'UTC' },
    end: { dateTime: '2025-01-11T10:00:00', timeZone: 'UTC' },
  });
  const task = sim.addItem(ALICE, 'task', { title: 'Follow up' });
  const win = '?startDateTime=2025-01-01T00:00:00Z&endDateTime=2025-02-01T00:00:00Z';
  const first = await get(`${sim.baseUrl}/users/${ALICE}/calendarView/delta${win}`);
  assert.deepEqual(
    first.body.value.map((e: any) => e.subject),
    ['Kickoff'],
  );
  sim.updateItem(ALICE, 'event', ev.id as string, { subject: 'Kickoff v2' });
  sim.deleteItem(ALICE, 'task', task.id as string);
  const dump = sim.exchangeState()[ALICE];
  assert.equal(dump.events?.[0].subject, 'Kickoff v2');
  assert.deepEqual(dump.todoLists?.[0].tasks, []);
  assert.equal(dump.contacts, undefined, 'an untouched workload the fixture left out stays out of the dump');
  sim.expireDeltaTokens(ALICE, { code: 'resyncRequired' });
  const saved = JSON.parse(JSON.stringify(sim.snapshot()));
  const port = Number(new URL(sim.baseUrl).port);
  await sim.close();

  const sim2 = await startGraphSimulator({ snapshot: saved, clock: clock(), port });
  try {
    const replay = await get(first.body['@odata.deltaLink']);
    assert.equal(replay.status, 410);
    assert.equal(replay.body.error.code, 'resyncRequired');
    const again = await get(`${sim2.baseUrl}/users/${ALICE}/calendarView/delta${win}`);
    assert.deepEqual(
      again.body.value.map((e: any) => e.subject),
      ['Kickoff v2'],
    );
  } finally {
    await sim2.close();
  }
});

test('the intercept hook also sees the query string', async () => {
  const seen: string[] = [];
  const sim = await startGraphSimulator({
    tenant: fixture(),
    clock: clock(),
    intercept: (r) => void seen.push(r.search ?? ''),
  });
  try {
    await get(`${sim.baseUrl}/users/${ALICE}/mailFolders/inbox/messages/delta?$top=2`);
    assert.deepEqual(seen, ['?$top=2']);
  } finally {
    await sim.close();
  }
});
