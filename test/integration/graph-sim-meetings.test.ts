// The Graph simulator's meetings: invitations and cancellations to attendees in the tenant, POST /cancel,
// recurring series with instances and exceptions, and Prefer: outlook.timezone (local/sim/graph/CONFORMANCE.md).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ScaledClock } from '../../local/clock';
import { startGraphSimulator, type GraphSimulator } from '../../local/sim/graph';
import type { TenantFixture } from '../../local/tenant/fixture';

const ALICE = 'alice@contoso.com';
const BOB = 'bob@contoso.com';
const CAROL = 'carol@contoso.com';
const fixture = (): TenantFixture => ({
  dataverse: {},
  exchange: Object.fromEntries([ALICE, BOB, CAROL].map((a) => [a, { mailFolders: [], events: [] }])),
});

let sim: GraphSimulator;
before(async () => {
  sim = await startGraphSimulator({ tenant: fixture(), clock: new ScaledClock(new Date('2026-06-01T08:00:00Z')) });
});
after(async () => sim.close());

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const r = await fetch(`${sim.baseUrl}/users/${path}`, {
    method,
    headers: { Authorization: 'Bearer t', 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : undefined) as Record<string, any> };
}
const inbox = async (who: string) =>
  (await call('GET', `${who}/mailFolders/inbox/messages?$top=100`)).body.value.filter(
    (m: any) => m['@odata.type'] === '#microsoft.graph.eventMessage',
  ) as Record<string, any>[];
const meeting = (subject: string, attendees: string[], extra: Record<string, unknown> = {}) => ({
  subject,
  start: { dateTime: '2026-06-02T10:00:00', timeZone: 'W. Europe Standard Time' },
  end: { dateTime: '2026-06-02T11:00:00', timeZone: 'W. Europe Standard Time' },
  attendees: attendees.map((a) => ({ type: 'required', emailAddress: { address: a } })),
  ...extra,
});

describe('Graph simulator — meetings', () => {
  test('creating an event with attendees delivers a meeting request to each attendee in the tenant', async () => {
    const before = (await inbox(BOB)).length;
    const r = await call('POST', `${ALICE}/events`, meeting('Plan', [BOB, 'ext@fabrikam.com']));
    assert.equal(r.status, 201);
    const requests = (await inbox(BOB)).slice(before);
    assert.deepEqual(
      requests.map((m) => [m.meetingMessageType, m.subject]),
      [['meetingRequest', 'Plan']],
    );
    const copy = (await call('GET', `${BOB}/events`)).body.value.find((e: any) => e.iCalUId === r.body.iCalUId);
    assert.equal(copy.isOrganizer, false);
    assert.deepEqual(requests[0].startDateTime, r.body.start);
  });

  test('an event without attendees sends nothing', async () => {
    const before = (await inbox(BOB)).length;
    assert.equal((await call('POST', `${ALICE}/events`, meeting('Solo', []))).status, 201);
    assert.equal((await inbox(BOB)).length, before);
  });

  test('POST /events/{id}/cancel: the organizer cancels, attendees get the cancellation with the comment', async () => {
    const ev = (await call('POST', `${ALICE}/events`, meeting('Sync', [BOB]))).body;
    const before = (await inbox(BOB)).length;
    const r = await call('POST', `${ALICE}/events/${ev.id}/cancel`, { Comment: 'No longer needed' });
    assert.equal(r.status, 202);
    const [msg] = (await inbox(BOB)).slice(before);
    assert.equal(msg.meetingMessageType, 'meetingCancelled');
    assert.equal(msg.body.content, 'No longer needed');
    const copy = (await call('GET', `${BOB}/events`)).body.value.find((e: any) => e.iCalUId === ev.iCalUId);
    assert.equal(copy.isCancelled, true);
    assert.equal(copy.subject, 'Canceled: Sync');
    assert.equal((await call('GET', `${ALICE}/events/${ev.id}`)).status, 404);
  });

  test('POST /cancel by an attendee is refused (400): only the organizer cancels', async () => {
    const ev = (await call('POST', `${ALICE}/events`, meeting('Attend', [BOB]))).body;
    const copy = (await call('GET', `${BOB}/events`)).body.value.find((e: any) => e.iCalUId === ev.iCalUId);
    const r = await call('POST', `${BOB}/events/${copy.id}/cancel`, {});
    assert.equal(r.status, 400);
    assert.match(r.body.error.message, /need to be an organizer/);
  });

  test("DELETE of an organizer's meeting with attendees sends cancellations; an attendee's delete sends none", async () => {
    const ev = (await call('POST', `${ALICE}/events`, meeting('Gone', [BOB, CAROL]))).body;
    const bobBefore = (await inbox(BOB)).length;
    const copy = (await call('GET', `${CAROL}/events`)).body.value.find((e: any) => e.iCalUId === ev.iCalUId);
    assert.equal((await call('DELETE', `${CAROL}/events/${copy.id}`)).status, 204);
    assert.equal((await inbox(BOB)).length, bobBefore, "an attendee's delete tells nobody");
    assert.equal((await call('DELETE', `${ALICE}/events/${ev.id}`)).status, 204);
    assert.deepEqual(
      (await inbox(BOB)).slice(bobBefore).map((m) => m.meetingMessageType),
      ['meetingCancelled'],
    );
  });

  test('an organizer update of a meeting field sends an update; categories alone send nothing; a removed attendee is canceled', async () => {
    const ev = (await call('POST', `${ALICE}/events`, meeting('Review', [BOB, CAROL]))).body;
    const b0 = (await inbox(BOB)).length;
    await call('PATCH', `${ALICE}/events/${ev.id}`, { categories: ['Tracked to Dynamics 365'] });
    assert.equal((await inbox(BOB)).length, b0);
    await call('PATCH', `${ALICE}/events/${ev.id}`, { subject: 'Review v2' });
    assert.deepEqual(
      (await inbox(BOB)).slice(b0).map((m) => [m.meetingMessageType, m.subject]),
      [['meetingRequest', 'Review v2']],
    );
    const c0 = (await inbox(CAROL)).length;
    await call('PATCH', `${ALICE}/events/${ev.id}`, {
      attendees: [{ type: 'required', emailAddress: { address: BOB } }],
    });
    assert.deepEqual(
      (await inbox(CAROL)).slice(c0).map((m) => m.meetingMessageType),
      ['meetingCancelled'],
    );
  });
});

describe('Graph simulator — time zones', () => {
  test('start and end given in a Windows zone are stored as the right UTC instant', async () => {
    const ev = (await call('POST', `${ALICE}/events`, meeting('Zone', []))).body;
    assert.deepEqual(ev.start, { dateTime: '2026-06-02T08:00:00.0000000', timeZone: 'UTC' });
    assert.equal(ev.originalStartTimeZone, 'W. Europe Standard Time');
  });
  test('Prefer: outlook.timezone returns start and end in that zone', async () => {
    const ev = (await call('POST', `${ALICE}/events`, meeting('Pref', []))).body;
    const r = await call('GET', `${ALICE}/events/${ev.id}`, undefined, {
      Prefer: 'outlook.timezone="Pacific Standard Time"',
    });
    assert.deepEqual(r.body.start, { dateTime: '2026-06-02T01:00:00.0000000', timeZone: 'Pacific Standard Time' });
    const list = await call(
      'GET',
      `${ALICE}/calendarView?startDateTime=2026-06-02T00:00:00&endDateTime=2026-06-03T00:00:00`,
      undefined,
      {
        Prefer: 'outlook.timezone="Europe/Berlin"',
      },
    );
    assert.ok(list.body.value.every((e: any) => e.start.timeZone === 'Europe/Berlin'));
  });
  test('a time zone Graph does not know is refused', async () => {
    const r = await call('POST', `${ALICE}/events`, {
      ...meeting('Bad', []),
      start: { dateTime: '2026-06-02T10:00:00', timeZone: 'Mars Standard Time' },
    });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'TimeZoneNotSupportedException');
  });
});

describe('Graph simulator — recurring series', () => {
  const weekly = {
    pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'], firstDayOfWeek: 'sunday' },
    range: { type: 'numbered', startDate: '2026-03-16', numberOfOccurrences: 4 },
  };
  const series = () =>
    call('POST', `${ALICE}/events`, {
      subject: 'Weekly',
      start: { dateTime: '2026-03-16T10:00:00', timeZone: 'W. Europe Standard Time' },
      end: { dateTime: '2026-03-16T10:30:00', timeZone: 'W. Europe Standard Time' },
      recurrence: weekly,
      attendees: [{ type: 'required', emailAddress: { address: BOB } }],
    });
  const window = '?startDateTime=2026-03-01T00:00:00&endDateTime=2026-05-01T00:00:00';

  test('a series master expands into occurrences (instances), keeping the wall-clock time across DST', async () => {
    const master = (await series()).body;
    assert.equal(master.type, 'seriesMaster');
    const r = await call('GET', `${ALICE}/events/${master.id}/instances${window}`);
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.value.map((o: any) => [o.type, o.seriesMasterId === master.id, o.start.dateTime]),
      [
        ['occurrence', true, '2026-03-16T09:00:00.0000000'],
        ['occurrence', true, '2026-03-23T09:00:00.0000000'],
        // Berlin moves to summer time on 2026-03-29: 10:00 local is 08:00Z from then on.
        ['occurrence', true, '2026-03-30T08:00:00.0000000'],
        ['occurrence', true, '2026-04-06T08:00:00.0000000'],
      ],
    );
    assert.equal((await call('GET', `${ALICE}/events/${master.id}/instances`)).status, 400);
  });

  test('an occurrence changed on its own becomes an exception; a deleted one is canceled and leaves the instances', async () => {
    const master = (await series()).body;
    const occ = (await call('GET', `${ALICE}/events/${master.id}/instances${window}`)).body.value;
    const patched = await call('PATCH', `${ALICE}/events/${occ[1].id}`, { subject: 'Weekly (moved)' });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.type, 'exception');
    const b0 = (await inbox(BOB)).length;
    assert.equal((await call('DELETE', `${ALICE}/events/${occ[2].id}`)).status, 204);
    assert.deepEqual(
      (await inbox(BOB)).slice(b0).map((m) => m.meetingMessageType),
      ['meetingCancelled'],
    );
    const after = (await call('GET', `${ALICE}/events/${master.id}/instances${window}`)).body.value;
    assert.deepEqual(
      after.map((o: any) => [o.type, o.subject]),
      [
        ['occurrence', 'Weekly'],
        ['exception', 'Weekly (moved)'],
        ['occurrence', 'Weekly'],
      ],
    );
    assert.deepEqual((await call('GET', `${ALICE}/events/${master.id}`)).body.cancelledOccurrences, [occ[2].id]);
    assert.equal((await call('GET', `${ALICE}/events/${occ[2].id}`)).status, 404);
    const events = (await call('GET', `${ALICE}/events`)).body.value;
    assert.ok(!events.some((e: any) => e.type === 'exception'), 'the events collection lists no exceptions');
    const view = (await call('GET', `${ALICE}/calendarView${window}`)).body.value.filter(
      (e: any) => e.seriesMasterId === master.id,
    );
    assert.equal(view.length, 3, 'calendarView lists the series as its occurrences');
  });
});
