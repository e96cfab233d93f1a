// The appointment rules of server-side sync, one test per rule (docs/act-appointments.md).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  decideInvites,
  decidePush,
  serviceAppointmentTargets,
  SERVICE_APPOINTMENT_INBOUND,
} from '../../../shared/domain/act/appointment-outbound';
import {
  decideDataverseCancel,
  decideDataverseDelete,
  decideExchangeDelete,
} from '../../../shared/domain/act/appointment-deletes';
import { decideBooking, decideInbound, type BookedAppointment } from '../../../shared/domain/act/appointment-inbound';
import { reminderFor } from '../../../shared/domain/act/appointment-status';
import { decideSeriesTracking } from '../../../shared/domain/act/recurrence-series';
import type { AppointmentSwitches } from '../../../shared/domain/act/appointment-reasons';

const NOW = new Date('2026-06-01T08:00:00Z');
const FUTURE = '2026-06-02T08:00:00Z';
const PAST = '2026-05-31T08:00:00Z';
const SW: AppointmentSwitches = {
  trackAppointmentsFromNonOrganizer: false,
  sssUpdatePastMeetingsInNonDraftMode: false,
  allowSaveAsDraftAppointment: false,
  sssPropagateAppointmentCancellationsToExchange: false,
  distinctPhysicalAndLogicalDeletesForExchangeSync: false,
  useCrmOrganizerForEmptyExchangeOrganizer: false,
};
const sw = (over: Partial<AppointmentSwitches> = {}) => ({ ...SW, ...over });

describe('Appointment rules: reminders', () => {
  const end = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
  it('Appointment rule — no reminder when Completed, Canceled or Free', () => {
    for (const [statecode, statuscode] of [
      [1, 3],
      [2, 4],
      [0, 1],
    ] as const)
      assert.deepEqual(reminderFor({ statecode, statuscode, scheduledend: FUTURE }, NOW, 15), { isReminderOn: false });
  });
  it('Appointment rule — no reminder when the appointment is more than 7 days in the past', () => {
    const DAY = 86_400_000;
    assert.equal(
      reminderFor({ statecode: 3, statuscode: 5, scheduledend: end(-7 * DAY - 1000) }, NOW, 15).isReminderOn,
      false,
    );
    assert.deepEqual(reminderFor({ statecode: 3, statuscode: 5, scheduledend: end(-6 * DAY) }, NOW, 15), {
      isReminderOn: true,
      reminderMinutesBeforeStart: 15,
    });
  });
});

describe('Appointment rules: Dataverse → Exchange', () => {
  const facts = { linked: false, matchesFilters: true, isDraft: false, scheduledstart: FUTURE };
  it('Appointment rule — rows matching the sync filters are pushed to Exchange; others are not', () => {
    assert.deepEqual(decidePush(facts, SW, NOW), { action: 'create', reason: 'MatchesSyncFilter' });
    assert.deepEqual(decidePush({ ...facts, matchesFilters: false }, SW, NOW), {
      action: 'skip',
      reason: 'NotInSyncFilter',
    });
  });
  it('Appointment rule — a linked row that stops matching the sync filters is a logical delete', () => {
    assert.deepEqual(decidePush({ ...facts, linked: true, matchesFilters: false }, SW, NOW), {
      action: 'logicalDelete',
      reason: 'LogicalDelete',
    });
  });
  it('Appointment rule — once linked, a row syncs both ways: its edits are pushed', () => {
    assert.deepEqual(decidePush({ ...facts, linked: true }, SW, NOW), { action: 'update', reason: 'LinkedUpdate' });
  });
  it('Appointment rule — a draft does not sync while AllowSaveAsDraftAppointment is on', () => {
    assert.equal(decidePush({ ...facts, isDraft: true }, SW, NOW).action, 'create');
    assert.deepEqual(decidePush({ ...facts, isDraft: true }, sw({ allowSaveAsDraftAppointment: true }), NOW), {
      action: 'skip',
      reason: 'DraftAppointment',
    });
  });
  it('Appointment rule — edits to past meetings are pushed only with SSSUpdatePastMeetingsInNonDraftMode', () => {
    const past = { ...facts, linked: true, scheduledstart: PAST };
    assert.deepEqual(decidePush(past, SW, NOW), { action: 'skip', reason: 'PastMeetingNotUpdated' });
    assert.equal(decidePush(past, sw({ sssUpdatePastMeetingsInNonDraftMode: true }), NOW).action, 'update');
    assert.equal(decidePush({ ...past, linked: false }, SW, NOW).action, 'create');
  });
});

describe('Appointment rules: invitations', () => {
  const create = { op: 'create' as const, scheduledstart: FUTURE, hasAttendees: true, syncingUserIsOrganizer: true };
  it('Appointment rule — invites are sent for a future meeting with attendees', () => {
    assert.deepEqual(decideInvites(create, NOW), { action: 'send', reason: 'InvitesSent' });
  });
  it('Appointment rule — invites are not sent when the start is in the past', () => {
    assert.deepEqual(decideInvites({ ...create, scheduledstart: PAST }, NOW), {
      action: 'none',
      reason: 'StartInPast',
    });
  });
  it('Appointment rule — invites are not sent when there are no attendees', () => {
    assert.deepEqual(decideInvites({ ...create, hasAttendees: false }, NOW), { action: 'none', reason: 'NoAttendees' });
  });
  it('Appointment rule — on update, invites go out only when the syncing user is the organizer', () => {
    const u = { ...create, op: 'update' as const, sensitiveChanges: ['subject' as const] };
    assert.equal(decideInvites(u, NOW).action, 'send');
    assert.deepEqual(decideInvites({ ...u, syncingUserIsOrganizer: false }, NOW), {
      action: 'none',
      reason: 'NotOrganizer',
    });
  });
  it('Appointment rule — on update, invites go out only when a sensitive property changed', () => {
    const u = { ...create, op: 'update' as const, sensitiveChanges: [] };
    assert.deepEqual(decideInvites(u, NOW), { action: 'none', reason: 'NoSensitiveChange' });
  });
  it('Appointment rule — service appointments send no invites', () => {
    assert.deepEqual(decideInvites({ ...create, serviceAppointment: true }, NOW), {
      action: 'none',
      reason: 'ServiceAppointmentNoInvites',
    });
  });
});

describe('Appointment rules: deletes and cancellations', () => {
  const del = {
    linked: true,
    kind: 'physical' as const,
    syncingUserIsOrganizer: true,
    scheduledstart: FUTURE,
    hasAttendees: true,
  };
  it('Appointment rule — a Dataverse delete reaches Exchange when linked, organizer, future and physical (cancellations with attendees)', () => {
    assert.deepEqual(decideDataverseDelete(del, SW, NOW), {
      action: 'deleteWithCancellation',
      reason: 'DeletedInDataverse',
    });
    assert.equal(decideDataverseDelete({ ...del, hasAttendees: false }, SW, NOW).action, 'delete');
  });
  it('Appointment rule — a Dataverse delete only unlinks when the syncing user is not the organizer', () => {
    assert.deepEqual(decideDataverseDelete({ ...del, syncingUserIsOrganizer: false }, SW, NOW), {
      action: 'unlink',
      reason: 'NotOrganizer',
    });
  });
  it('Appointment rule — a Dataverse delete only unlinks when the start is past', () => {
    assert.deepEqual(decideDataverseDelete({ ...del, scheduledstart: PAST }, SW, NOW), {
      action: 'unlink',
      reason: 'StartInPast',
    });
  });
  it('Appointment rule — a Dataverse delete of an unlinked row does nothing in Exchange', () => {
    assert.deepEqual(decideDataverseDelete({ ...del, linked: false }, SW, NOW), {
      action: 'none',
      reason: 'NotLinked',
    });
  });
  it('Appointment rule — a logical delete deletes in Exchange, with cancellations when future with attendees (A7)', () => {
    const logical = { ...del, kind: 'logical' as const };
    assert.deepEqual(decideDataverseDelete(logical, SW, NOW), {
      action: 'deleteWithCancellation',
      reason: 'LogicalDelete',
    });
    assert.deepEqual(decideDataverseDelete({ ...logical, scheduledstart: PAST }, SW, NOW), {
      action: 'delete',
      reason: 'LogicalDelete',
    });
    assert.deepEqual(decideDataverseDelete({ ...logical, hasAttendees: false }, SW, NOW), {
      action: 'delete',
      reason: 'LogicalDelete',
    });
  });
  it('Appointment rule — with DistinctPhysicalAndLogicalDeletesForExchangeSync a logical delete only unlinks (A7)', () => {
    const s = sw({ distinctPhysicalAndLogicalDeletesForExchangeSync: true });
    assert.deepEqual(decideDataverseDelete({ ...del, kind: 'logical' }, s, NOW), {
      action: 'unlink',
      reason: 'LogicalDeleteUnlinked',
    });
    assert.equal(decideDataverseDelete(del, s, NOW).action, 'deleteWithCancellation');
  });
  it('Appointment rule — a Dataverse cancel does not cancel in Exchange unless SSSPropagateAppointmentCancellationsToExchange', () => {
    const f = { linked: true, syncingUserIsOrganizer: true, scheduledstart: FUTURE, hasAttendees: true };
    assert.deepEqual(decideDataverseCancel(f, SW, NOW), { action: 'update', reason: 'CancellationNotPropagated' });
    const on = sw({ sssPropagateAppointmentCancellationsToExchange: true });
    assert.deepEqual(decideDataverseCancel(f, on, NOW), { action: 'cancel', reason: 'CanceledInDataverse' });
    assert.deepEqual(decideDataverseCancel({ ...f, syncingUserIsOrganizer: false }, on, NOW), {
      action: 'update',
      reason: 'NotOrganizer',
    });
    assert.deepEqual(decideDataverseCancel({ ...f, scheduledstart: PAST }, on, NOW), {
      action: 'update',
      reason: 'StartInPast',
    });
  });
  const xdel = {
    statecode: 3 as const,
    scheduledstart: FUTURE,
    syncingUserIsOrganizer: true,
    scope: 'single' as const,
  };
  it('Appointment rule — an Exchange delete by the organizer of a future open meeting deletes the row', () => {
    assert.deepEqual(decideExchangeDelete(xdel, NOW), { action: 'delete', reason: 'DeletedInExchange' });
  });
  it('Appointment rule — an Exchange delete is not sent to Dataverse when the row is Completed or Canceled', () => {
    assert.deepEqual(decideExchangeDelete({ ...xdel, statecode: 1 }, NOW), { action: 'unlink', reason: 'RowClosed' });
    assert.deepEqual(decideExchangeDelete({ ...xdel, statecode: 2 }, NOW), { action: 'unlink', reason: 'RowClosed' });
  });
  it('Appointment rule — an Exchange delete is not sent to Dataverse when the start is past', () => {
    assert.deepEqual(decideExchangeDelete({ ...xdel, scheduledstart: PAST }, NOW), {
      action: 'unlink',
      reason: 'StartInPast',
    });
  });
  it('Appointment rule — an Exchange delete by a non-organizer leaves the Dataverse appointment (A6)', () => {
    assert.deepEqual(decideExchangeDelete({ ...xdel, syncingUserIsOrganizer: false }, NOW), {
      action: 'unlink',
      reason: 'NotOrganizer',
    });
  });
  it('Appointment rule — the Exchange delete rules hold for exception instances', () => {
    const inst = { ...xdel, scope: 'instance' as const };
    assert.equal(decideExchangeDelete(inst, NOW).action, 'delete');
    assert.equal(decideExchangeDelete({ ...inst, scheduledstart: PAST }, NOW).reason, 'StartInPast');
    assert.equal(decideExchangeDelete({ ...inst, syncingUserIsOrganizer: false }, NOW).reason, 'NotOrganizer');
  });
  it('Appointment rule — the Exchange delete rules hold for series, without the past-start rule', () => {
    const series = { ...xdel, scope: 'series' as const, scheduledstart: PAST };
    assert.deepEqual(decideExchangeDelete(series, NOW), { action: 'delete', reason: 'DeletedInExchange' });
    assert.equal(decideExchangeDelete({ ...series, syncingUserIsOrganizer: false }, NOW).reason, 'NotOrganizer');
    assert.equal(decideExchangeDelete({ ...series, statecode: 1 }, NOW).reason, 'RowClosed');
  });
});

describe('Appointment rules: Exchange → Dataverse', () => {
  const f = { linked: false, rowByGlobalObjectId: false, carriesTrackedCategory: false, isOrganizer: true };
  it('Appointment rule — items created in Outlook do not sync until tracked (A8)', () => {
    assert.deepEqual(decideInbound(f, SW), { action: 'skip', reason: 'NotTracked' });
  });
  it('Appointment rule — the "Tracked to Dynamics 365" category tracks an Exchange item (A8)', () => {
    assert.deepEqual(decideInbound({ ...f, carriesTrackedCategory: true }, SW), {
      action: 'create',
      reason: 'CategoryTracked',
    });
  });
  it('Appointment rule — an item tracked by the App for Outlook is linked, not created again', () => {
    assert.deepEqual(decideInbound({ ...f, rowByGlobalObjectId: true }, SW), {
      action: 'link',
      reason: 'TrackedByAppForOutlook',
    });
  });
  it('Appointment rule — linked items sync both ways: Exchange edits update the row', () => {
    assert.deepEqual(decideInbound({ ...f, linked: true }, SW), { action: 'update', reason: 'LinkedUpdate' });
  });
  it('Appointment rule — TrackAppointmentsFromNonOrganizer lets attendees track', () => {
    const attendee = { ...f, carriesTrackedCategory: true, isOrganizer: false };
    assert.deepEqual(decideInbound(attendee, SW), { action: 'skip', reason: 'NonOrganizerNotTracked' });
    assert.equal(decideInbound(attendee, sw({ trackAppointmentsFromNonOrganizer: true })).action, 'create');
  });
  it('Appointment rule — service appointments changed in Outlook do not come back', () => {
    assert.deepEqual(SERVICE_APPOINTMENT_INBOUND, { action: 'ignore', reason: 'ServiceAppointmentOneWay' });
  });
});

describe('Appointment rules: booking conflict check (A8)', () => {
  const booked = (over: Partial<BookedAppointment> = {}): BookedAppointment => ({
    activityid: 'a1',
    scheduledstart: '2026-06-02T08:30:00Z',
    scheduledend: '2026-06-02T09:30:00Z',
    statecode: 3,
    statuscode: 5,
    ...over,
  });
  const candidate = { scheduledstart: '2026-06-02T08:00:00Z', scheduledend: '2026-06-02T09:00:00Z' };
  it('Appointment rule — an organizer busy in an overlapping appointment stops the create with ExchangeSyncSchedulingConflictsError', () => {
    const d = decideBooking(candidate, [booked()], false);
    assert.equal(d.action, 'skip');
    assert.equal(d.reason, 'SchedulingConflict');
    assert.deepEqual(d.conflicts, ['a1']);
    assert.equal(d.alert?.code, 'ExchangeSyncSchedulingConflictsError');
    assert.equal(decideBooking(candidate, [booked({ statecode: 0, statuscode: 2 })], false).action, 'skip');
  });
  it('Appointment rule — free, completed, canceled or adjacent appointments are no conflict', () => {
    for (const b of [
      booked({ statecode: 0, statuscode: 1 }),
      booked({ statecode: 1, statuscode: 3 }),
      booked({ statecode: 2, statuscode: 4 }),
      booked({ scheduledstart: '2026-06-02T09:00:00Z', scheduledend: '2026-06-02T10:00:00Z' }),
    ])
      assert.deepEqual(decideBooking(candidate, [b], false), {
        action: 'create',
        reason: 'CategoryTracked',
        conflicts: [],
      });
  });
  it('Appointment rule — "ignore and save" creates despite the conflict; the item itself is no conflict', () => {
    assert.equal(decideBooking(candidate, [booked()], true).action, 'create');
    assert.equal(
      decideBooking({ ...candidate, globalobjectid: 'g' }, [booked({ globalobjectid: 'g' })], false).action,
      'create',
    );
  });
});

describe('Appointment rules: recurring series and service appointments', () => {
  const dates = ['2026-06-01', '2026-06-08', '2026-06-15'];
  it('Appointment rule — tracking a series sends no new invites when every occurrence exists and attendees are unchanged', () => {
    assert.deepEqual(decideSeriesTracking({ expectedDates: dates, existingDates: dates, attendeesUnchanged: true }), {
      action: 'none',
      reason: 'SeriesAlreadyPresent',
      recreate: [],
    });
  });
  it('Appointment rule — occurrences the organizer deleted are re-created and attendees invited again', () => {
    const d = decideSeriesTracking({ expectedDates: dates, existingDates: dates.slice(1), attendeesUnchanged: true });
    assert.deepEqual(d, { action: 'send', reason: 'InvitesSent', recreate: ['2026-06-01'] });
    assert.equal(
      decideSeriesTracking({ expectedDates: dates, existingDates: dates, attendeesUnchanged: false }).action,
      'send',
    );
  });
  it('Appointment rule — a service appointment is pushed to each resource user as its own copy', () => {
    assert.deepEqual(serviceAppointmentTargets([{ userId: 'u1' }, {}, { userId: 'u2' }, { userId: 'u1' }]), [
      'u1',
      'u2',
    ]);
  });
});
