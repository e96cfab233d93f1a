// Why an appointment was (not) created, changed, deleted or invited on either side: stable identifiers the
// ledger, --dump and explain show (docs/act-appointments.md).
import type { OrgDbSwitches } from '../org-settings';
export const APPOINTMENT_REASONS = [
  // Dataverse → Exchange
  'MatchesSyncFilter',
  'NotInSyncFilter',
  'DraftAppointment',
  'LinkedUpdate',
  'PastMeetingNotUpdated',
  'NoChange',
  // invitations
  'InvitesSent',
  'StartInPast',
  'NoAttendees',
  'NotOrganizer',
  'NoSensitiveChange',
  'SeriesAlreadyPresent',
  'ServiceAppointmentNoInvites',
  // deletes and cancellations
  'DeletedInDataverse',
  'NotLinked',
  'LogicalDelete',
  'LogicalDeleteUnlinked',
  'CanceledInDataverse',
  'CancellationNotPropagated',
  'DeletedInExchange',
  'RowClosed',
  // Exchange → Dataverse
  'NotTracked',
  'CategoryTracked',
  'TrackedByAppForOutlook',
  'NonOrganizerNotTracked',
  'SchedulingConflict',
  'ServiceAppointmentOneWay',
] as const;
export type AppointmentReason = (typeof APPOINTMENT_REASONS)[number];

/** A rule's answer: what to do, and why, in words the ledger keeps. */
export interface ActDecision<A extends string> {
  action: A;
  reason: AppointmentReason;
}

/** The OrgDB switches the appointment rules read. */
export type AppointmentSwitches = Pick<
  OrgDbSwitches,
  | 'trackAppointmentsFromNonOrganizer'
  | 'sssUpdatePastMeetingsInNonDraftMode'
  | 'allowSaveAsDraftAppointment'
  | 'sssPropagateAppointmentCancellationsToExchange'
  | 'distinctPhysicalAndLogicalDeletesForExchangeSync'
  | 'useCrmOrganizerForEmptyExchangeOrganizer'
>;
