// Sensitive properties (meeting updates) and the Graph fields an update carries, compared by meaning.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  bodyText,
  eventChanges,
  sensitiveChanges,
  SENSITIVE_PROPERTIES,
} from '../../../shared/domain/act/appointment-diff';
import { toEvent } from '../../../shared/domain/act/appointment-map';
import type { AppointmentRow, EventJson } from '../../../shared/domain/act/appointment-types';

const base: AppointmentRow = {
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
    { mask: 7, party: { type: 'systemuser', id: 'u1' }, addressused: 'alice@contoso.com' },
    { mask: 5, addressused: 'bob@contoso.com' },
  ],
};

describe('Appointment rule — on update, the sensitive properties are the ones listed', () => {
  const cases: [string, Partial<AppointmentRow>][] = [
    ['subject', { subject: 'Other' }],
    ['description', { description: 'New agenda' }],
    ['location', { location: 'Room 2' }],
    ['isalldayevent', { isalldayevent: true }],
    ['scheduledstart', { scheduledstart: '2026-06-02T08:30:00Z' }],
    ['scheduledend', { scheduledend: '2026-06-02T09:30:00Z' }],
    ['requiredattendees', { parties: [base.parties[0], { mask: 5, addressused: 'carol@contoso.com' }] }],
    ['optionalattendees', { parties: [...base.parties, { mask: 6, addressused: 'dan@contoso.com' }] }],
    [
      'organizer',
      {
        parties: [{ mask: 7, party: { type: 'systemuser', id: 'u2' }, addressused: 'x@contoso.com' }, base.parties[1]],
      },
    ],
    ['status', { statecode: 0, statuscode: 2 }],
    ['prioritycode', { prioritycode: 2 }],
  ];
  for (const [prop, change] of cases)
    it(`a change of ${prop} is sensitive`, () => {
      assert.deepEqual(sensitiveChanges(base, { ...base, ...change }), [prop]);
    });
  it('a change of the recurrence pattern is sensitive', () => {
    assert.deepEqual(sensitiveChanges(base, base, true), ['recurrencepattern']);
  });
  it('the same instant written differently, or a private flag, is not a sensitive change', () => {
    assert.deepEqual(
      sensitiveChanges(base, { ...base, scheduledstart: '2026-06-02T08:00:00.000Z', ismapiprivate: true }),
      [],
    );
    assert.equal(SENSITIVE_PROPERTIES.length, 12);
  });
});

describe('Appointment round trip — an update carries only what changed', () => {
  const ctx = {
    zone: 'W. Europe Standard Time',
    now: new Date('2026-06-01T00:00:00Z'),
    defaultReminderMinutes: 15,
    withAttendees: true,
  };
  const desired = toEvent(base, ctx);
  it('the event as Exchange returns it (HTML-wrapped body, UTC times) needs no update', () => {
    const current: EventJson = {
      ...desired,
      body: { contentType: 'html', content: '<html><head><style>p{}</style></head><body><p>Agenda</p></body></html>' },
      start: { dateTime: '2026-06-02T08:00:00.0000000', timeZone: 'UTC' },
      end: { dateTime: '2026-06-02T09:00:00.0000000', timeZone: 'UTC' },
      attendees: [{ type: 'required', emailAddress: { address: 'BOB@contoso.com', name: 'Bob' } }],
    };
    assert.deepEqual(eventChanges(desired, current), {});
  });
  it('a changed subject and a moved start are carried (start and end together)', () => {
    const moved = toEvent({ ...base, subject: 'New', scheduledstart: '2026-06-02T07:00:00Z' }, ctx);
    const patch = eventChanges(moved, desired);
    assert.deepEqual(Object.keys(patch).sort(), ['end', 'start', 'subject']);
  });
  it('body text ignores markup and entities', () => {
    assert.equal(bodyText('<div>A &amp; B&nbsp;</div>\n<p>C</p>'), 'A & B C');
  });
});
