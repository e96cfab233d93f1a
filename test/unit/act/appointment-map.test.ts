// Field mapping appointment ↔ Graph event, one test per mapped field and direction.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  fromEvent,
  toEvent,
  type FromEventContext,
  type ToEventContext,
} from '../../../shared/domain/act/appointment-map';
import type { AppointmentRow, EventJson } from '../../../shared/domain/act/appointment-types';
import type { Candidate } from '../../../shared/domain/party';
import { DEFAULT_TRACKED_CATEGORY } from '../../../shared/domain/tracked-category';
import { hasAttendees, organizerUserId } from '../../../shared/domain/act/appointment-parties';

const NOW = new Date('2026-06-01T08:00:00Z');
const ALICE = { type: 'systemuser', id: 'u-alice' };
const BOB = { type: 'systemuser', id: 'u-bob' };
const row = (over: Partial<AppointmentRow> = {}): AppointmentRow => ({
  subject: 'Review',
  description: 'Agenda',
  location: 'Room 1',
  scheduledstart: '2026-06-02T08:00:00Z',
  scheduledend: '2026-06-02T09:00:00Z',
  isalldayevent: false,
  statecode: 3,
  statuscode: 5,
  prioritycode: 1,
  parties: [
    { mask: 7, party: ALICE, addressused: 'alice@contoso.com' },
    { mask: 5, party: BOB, addressused: 'bob@contoso.com' },
    { mask: 6, addressused: 'ext@fabrikam.com' },
  ],
  ...over,
});
const toCtx = (over: Partial<ToEventContext> = {}): ToEventContext => ({
  zone: 'W. Europe Standard Time',
  now: NOW,
  defaultReminderMinutes: 15,
  trackedCategory: DEFAULT_TRACKED_CATEGORY,
  withAttendees: true,
  ...over,
});
const dir: Record<string, Candidate[]> = {
  'alice@contoso.com': [{ ref: ALICE, active: true }],
  'bob@contoso.com': [{ ref: BOB, active: true }],
  'carol@fabrikam.com': [
    { ref: { type: 'contact', id: 'c1' }, active: true },
    { ref: { type: 'lead', id: 'l1' }, active: true },
  ],
};
const fromCtx = (over: Partial<FromEventContext> = {}): FromEventContext => ({
  resolver: {
    candidates: (a) => dir[a] ?? [],
    opts: {
      mailboxOwnerId: 'u-alice',
      unresolveSenderIfMultiple: false,
      unresolveRecipientIfMultiple: false,
      resolveInactive: false,
    },
  },
  syncingUser: { ref: ALICE, address: 'alice@contoso.com' },
  useCrmOrganizerForEmptyExchangeOrganizer: false,
  ...over,
});
const event = (over: Partial<EventJson> = {}): EventJson => ({
  subject: 'Review',
  body: { contentType: 'html', content: '<p>Agenda</p>' },
  location: { displayName: 'Room 1' },
  start: { dateTime: '2026-06-02T10:00:00.0000000', timeZone: 'W. Europe Standard Time' },
  end: { dateTime: '2026-06-02T11:00:00.0000000', timeZone: 'W. Europe Standard Time' },
  isAllDay: false,
  showAs: 'busy',
  importance: 'normal',
  sensitivity: 'normal',
  organizer: { emailAddress: { address: 'alice@contoso.com' } },
  attendees: [{ type: 'required', emailAddress: { address: 'bob@contoso.com' } }],
  ...over,
});
const fromOk = (e: EventJson, ctx = fromCtx()) => {
  const r = fromEvent(e, ctx);
  assert.ok(r.ok);
  return r.row;
};

describe('Appointment field mapping', () => {
  it('Appointment field — subject, both directions (Dataverse keeps 200 characters)', () => {
    assert.equal(toEvent(row(), toCtx()).subject, 'Review');
    const r = fromEvent(event({ subject: 'x'.repeat(250) }), fromCtx());
    assert.ok(r.ok);
    assert.equal(r.row.subject.length, 200);
    assert.deepEqual(r.truncated, ['subject']);
  });
  it('Appointment field — body: text stays text, HTML goes as HTML, and HTML comes back as is', () => {
    assert.deepEqual(toEvent(row(), toCtx()).body, { contentType: 'text', content: 'Agenda' });
    assert.deepEqual(toEvent(row({ description: '<p>Agenda</p>' }), toCtx()).body, {
      contentType: 'html',
      content: '<p>Agenda</p>',
    });
    assert.equal(fromOk(event()).description, '<p>Agenda</p>');
  });
  it('Appointment field — location ↔ location.displayName', () => {
    assert.deepEqual(toEvent(row(), toCtx()).location, { displayName: 'Room 1' });
    assert.equal(fromOk(event({ location: { displayName: 'Room 2' } })).location, 'Room 2');
  });
  it('Appointment field — scheduledstart/scheduledend: UTC ↔ wall clock in the user zone', () => {
    const e = toEvent(row(), toCtx());
    assert.deepEqual(e.start, { dateTime: '2026-06-02T10:00:00.0000000', timeZone: 'W. Europe Standard Time' });
    assert.deepEqual(e.end, { dateTime: '2026-06-02T11:00:00.0000000', timeZone: 'W. Europe Standard Time' });
    const r = fromOk(
      event({
        start: { dateTime: '2026-06-02T10:00:00', timeZone: 'Pacific Standard Time' },
        end: { dateTime: '2026-06-02T11:00:00', timeZone: 'Pacific Standard Time' },
      }),
    );
    assert.equal(r.scheduledstart, '2026-06-02T17:00:00Z');
    assert.equal(r.scheduledend, '2026-06-02T18:00:00Z');
    assert.deepEqual(fromEvent(event({ start: { dateTime: '2026-06-02T10:00:00', timeZone: 'Nowhere' } }), fromCtx()), {
      ok: false,
      problem: 'UnknownTimeZone',
    });
  });
  it('Appointment field — isalldayevent ↔ isAllDay, midnight to midnight in the event zone', () => {
    const e = toEvent(
      row({ isalldayevent: true, scheduledstart: '2026-06-01T22:00:00Z', scheduledend: '2026-06-02T22:00:00Z' }),
      toCtx(),
    );
    assert.equal(e.isAllDay, true);
    assert.equal(e.start!.dateTime, '2026-06-02T00:00:00.0000000');
    assert.equal(e.end!.dateTime, '2026-06-03T00:00:00.0000000');
    const r = fromOk(
      event({
        isAllDay: true,
        start: { dateTime: '2026-06-02T00:00:00.0000000', timeZone: 'W. Europe Standard Time' },
        end: { dateTime: '2026-06-03T00:00:00.0000000', timeZone: 'W. Europe Standard Time' },
      }),
    );
    assert.equal(r.isalldayevent, true);
    assert.equal(r.scheduledstart, '2026-06-01T22:00:00Z');
    assert.equal(r.scheduledend, '2026-06-02T22:00:00Z');
  });
  it('Appointment field — reminder: on with the default minutes for an open future appointment', () => {
    const e = toEvent(row(), toCtx());
    assert.equal(e.isReminderOn, true);
    assert.equal(e.reminderMinutesBeforeStart, 15);
  });
  it('Appointment field — status → showAs: Completed, Canceled and Free are sent as free; Busy, Tentative, OOF as themselves', () => {
    const showAs = (statecode: AppointmentRow['statecode'], statuscode: AppointmentRow['statuscode']) =>
      toEvent(row({ statecode, statuscode }), toCtx()).showAs;
    assert.equal(showAs(1, 3), 'free');
    assert.equal(showAs(2, 4), 'free');
    assert.equal(showAs(0, 1), 'free');
    assert.equal(showAs(0, 2), 'tentative');
    assert.equal(showAs(3, 5), 'busy');
    assert.equal(showAs(3, 6), 'oof');
  });
  it('Appointment field — showAs → status: free gives Completed to Completed/Canceled rows and Free to open ones; workingElsewhere is Open/Free', () => {
    const st = (showAs: EventJson['showAs'], current?: AppointmentRow) => {
      const r = fromOk(event({ showAs }), fromCtx({ current }));
      return [r.statecode, r.statuscode];
    };
    assert.deepEqual(st('free', row({ statecode: 1, statuscode: 3 })), [1, 3]);
    assert.deepEqual(st('free', row({ statecode: 2, statuscode: 4 })), [1, 3]);
    assert.deepEqual(st('free', row({ statecode: 3, statuscode: 5 })), [0, 1]);
    assert.deepEqual(st('free'), [0, 1]);
    assert.deepEqual(st('workingElsewhere', row()), [0, 1]);
    assert.deepEqual(st('tentative'), [0, 2]);
    assert.deepEqual(st('busy'), [3, 5]);
    assert.deepEqual(st('oof'), [3, 6]);
    assert.deepEqual(st('unknown', row({ statecode: 0, statuscode: 2 })), [0, 2]);
  });
  it('Appointment field — prioritycode ↔ importance', () => {
    assert.equal(toEvent(row({ prioritycode: 0 }), toCtx()).importance, 'low');
    assert.equal(toEvent(row({ prioritycode: 2 }), toCtx()).importance, 'high');
    assert.equal(fromOk(event({ importance: 'high' })).prioritycode, 2);
    assert.equal(fromOk(event({ importance: 'low' })).prioritycode, 0);
  });
  it('Appointment field — ismapiprivate ↔ sensitivity private', () => {
    assert.equal(toEvent(row({ ismapiprivate: true }), toCtx()).sensitivity, 'private');
    assert.equal(toEvent(row(), toCtx()).sensitivity, 'normal');
    assert.equal(fromOk(event({ sensitivity: 'private' })).ismapiprivate, true);
    assert.equal(fromOk(event({ sensitivity: 'confidential' })).ismapiprivate, false);
  });
  it('Appointment field — required/optional attendees → Graph attendees, never the organizer, once per address', () => {
    const e = toEvent(
      row({
        parties: [
          ...row().parties,
          { mask: 5, party: ALICE, addressused: 'Alice@contoso.com' },
          { mask: 6, party: BOB, addressused: 'bob@contoso.com' },
        ],
      }),
      toCtx(),
    );
    assert.deepEqual(e.attendees, [
      { type: 'required', emailAddress: { address: 'bob@contoso.com' } },
      { type: 'optional', emailAddress: { address: 'ext@fabrikam.com' } },
    ]);
    assert.equal('attendees' in toEvent(row(), toCtx({ withAttendees: false })), false);
  });
  it('Appointment field — a resolved party without addressused takes the row address', () => {
    const e = toEvent(
      row({ parties: [{ mask: 5, party: BOB, addressused: '' }] }),
      toCtx({ addressOf: () => 'bob@contoso.com' }),
    );
    assert.deepEqual(e.attendees, [{ type: 'required', emailAddress: { address: 'bob@contoso.com' } }]);
  });
  it('Appointment field — organizer and attendees → activity parties 7, 5, 6 by the email party rules', () => {
    const parties = fromOk(
      event({
        attendees: [
          { type: 'required', emailAddress: { address: 'Bob@contoso.com' } },
          { type: 'optional', emailAddress: { address: 'carol@fabrikam.com' } },
          { type: 'resource', emailAddress: { address: 'room@contoso.com' } },
        ],
      }),
    ).parties;
    assert.deepEqual(parties, [
      { mask: 7, party: ALICE, addressused: 'alice@contoso.com' },
      { mask: 5, party: BOB, addressused: 'bob@contoso.com' },
      { mask: 6, party: { type: 'contact', id: 'c1' }, addressused: 'carol@fabrikam.com' },
      { mask: 6, party: { type: 'lead', id: 'l1' }, addressused: 'carol@fabrikam.com' },
      { mask: 6, addressused: 'room@contoso.com' },
    ]);
  });
  it('Appointment field — an organizer that is not a user stays an unresolved address', () => {
    const parties = fromOk(
      event({ organizer: { emailAddress: { address: 'carol@fabrikam.com' } }, attendees: [] }),
    ).parties;
    assert.deepEqual(parties, [{ mask: 7, addressused: 'carol@fabrikam.com' }]);
  });
  it('Appointment field — categories: the tracking category is added beside the event own categories', () => {
    assert.deepEqual(toEvent(row(), toCtx()).categories, [DEFAULT_TRACKED_CATEGORY]);
    assert.deepEqual(
      toEvent(row(), toCtx({ existingCategories: ['Red', ` ${DEFAULT_TRACKED_CATEGORY}`] })).categories,
      ['Red', ` ${DEFAULT_TRACKED_CATEGORY}`],
    );
    assert.deepEqual(toEvent(row(), toCtx({ trackedCategory: undefined })).categories, []);
  });
  it('Appointment field — iCalUId → globalobjectid', () => {
    assert.equal(fromOk(event({ iCalUId: '040000008200E000' })).globalobjectid, '040000008200E000');
  });
});

describe('Appointment rule — UseCrmOrganizerForEmptyExchangeOrganizer', () => {
  const noOrganizer = event({ organizer: undefined, attendees: [] });
  const current = row({ parties: [{ mask: 7, party: BOB, addressused: 'bob@contoso.com' }] });
  it('off (default): an Exchange item with no organizer gets the syncing user as organizer', () => {
    assert.deepEqual(fromOk(noOrganizer, fromCtx({ current })).parties, [
      { mask: 7, party: ALICE, addressused: 'alice@contoso.com' },
    ]);
  });
  it('on: the row keeps its Dynamics 365 organizer', () => {
    const ctx = fromCtx({ current, useCrmOrganizerForEmptyExchangeOrganizer: true });
    assert.deepEqual(fromOk(noOrganizer, ctx).parties, [{ mask: 7, party: BOB, addressused: 'bob@contoso.com' }]);
  });
});

describe('Appointment facts the rules read from a row', () => {
  it('the organizer user and whether the row has attendees', () => {
    assert.equal(organizerUserId(row().parties), 'u-alice');
    assert.equal(organizerUserId([{ mask: 7, addressused: 'x@fabrikam.com' }]), undefined);
    assert.equal(hasAttendees(row().parties), true);
    assert.equal(hasAttendees([{ mask: 7, party: ALICE, addressused: 'alice@contoso.com' }]), false);
  });
});
