// Exchange → Dataverse for appointments: which Outlook items become rows, and the booking check that stops a
// meeting that collides with the organizer's own schedule (https://learn.microsoft.com/power-platform/admin/sync-logic).
import type { Alert } from '../alerts';
import type { ActDecision, AppointmentSwitches } from './appointment-reasons';
import type { AppointmentState, AppointmentStatus } from './appointment-types';

export interface InboundFacts {
  /** A link to a row exists: a linked item syncs both ways. */
  linked: boolean;
  /** A row with the item's iCalUId exists: the App for Outlook tracked it; link to it, create nothing. */
  rowByGlobalObjectId: boolean;
  /** The item carries the tracking category ("Tracked to Dynamics 365"). */
  carriesTrackedCategory: boolean;
  /** Graph's isOrganizer: the syncing user organizes the meeting (false for an attendee's copy). */
  isOrganizer: boolean;
}

/**
 * Items created in Outlook or OWA do not sync until they are tracked: by the App for Outlook (a row with the
 * same meeting id exists) or with the tracking category. An attendee's copy is tracked only with
 * TrackAppointmentsFromNonOrganizer. Linked items sync both ways. A create still passes the booking check.
 */
export function decideInbound(
  f: InboundFacts,
  sw: Pick<AppointmentSwitches, 'trackAppointmentsFromNonOrganizer'>,
): ActDecision<'update' | 'link' | 'create' | 'skip'> {
  if (f.linked) return { action: 'update', reason: 'LinkedUpdate' };
  if (f.rowByGlobalObjectId) return { action: 'link', reason: 'TrackedByAppForOutlook' };
  if (!f.carriesTrackedCategory) return { action: 'skip', reason: 'NotTracked' };
  if (!f.isOrganizer && !sw.trackAppointmentsFromNonOrganizer)
    return { action: 'skip', reason: 'NonOrganizerNotTracked' };
  return { action: 'create', reason: 'CategoryTracked' };
}

/** One of the organizer's appointments in Dataverse, as the booking check reads it. */
export interface BookedAppointment {
  activityid: string;
  scheduledstart: string;
  scheduledend: string;
  statecode: AppointmentState;
  statuscode: AppointmentStatus;
  globalobjectid?: string;
}

/** Open (not Free) and Scheduled appointments hold their time; Free, Completed and Canceled ones do not. */
export const holdsTime = (a: Pick<BookedAppointment, 'statecode' | 'statuscode'>): boolean =>
  (a.statecode === 0 && a.statuscode !== 1) || a.statecode === 3;

export interface BookingCandidate {
  scheduledstart: string;
  scheduledend: string;
  globalobjectid?: string;
}

/** The organizer's appointments that overlap the candidate and hold their time (never the item itself). */
export function schedulingConflicts(
  candidate: BookingCandidate,
  organizerAppointments: readonly BookedAppointment[],
): BookedAppointment[] {
  const start = Date.parse(candidate.scheduledstart);
  const end = Date.parse(candidate.scheduledend);
  return organizerAppointments.filter(
    (a) =>
      holdsTime(a) &&
      !(candidate.globalobjectid && a.globalobjectid === candidate.globalobjectid) &&
      Date.parse(a.scheduledstart) < end &&
      Date.parse(a.scheduledend) > start,
  );
}

export const SCHEDULING_CONFLICT_ALERT: Alert = {
  level: 'Error',
  code: 'ExchangeSyncSchedulingConflictsError',
  message:
    'an appointment tracked in Exchange was not created: its organizer is busy at that time in Dynamics 365 ("ignore and save" creates it)',
};

/**
 * The booking check for an item created from Exchange: when the organizer is busy in an overlapping appointment,
 * nothing is created and the mailbox gets ExchangeSyncSchedulingConflictsError, unless the user chose
 * "ignore and save" for this item.
 */
export function decideBooking(
  candidate: BookingCandidate,
  organizerAppointments: readonly BookedAppointment[],
  ignoreConflicts: boolean,
): ActDecision<'create' | 'skip'> & { conflicts: string[]; alert?: Alert } {
  const conflicts = ignoreConflicts ? [] : schedulingConflicts(candidate, organizerAppointments);
  if (conflicts.length === 0) return { action: 'create', reason: 'CategoryTracked', conflicts: [] };
  return {
    action: 'skip',
    reason: 'SchedulingConflict',
    conflicts: conflicts.map((c) => c.activityid),
    alert: SCHEDULING_CONFLICT_ALERT,
  };
}
