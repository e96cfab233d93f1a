// Dataverse → Exchange for appointments: which rows are pushed, when an edit goes out, and when attendees are
// invited (https://learn.microsoft.com/power-platform/admin/sync-logic).
import type { SensitiveProperty } from './appointment-diff';
import type { ActDecision, AppointmentSwitches } from './appointment-reasons';

const isPast = (startUtc: string, now: Date) => Date.parse(startUtc) <= now.getTime();

export interface OutboundFacts {
  /** A link to an Exchange item exists: once linked, a row syncs both ways for good. */
  linked: boolean;
  /** The row matches one of the syncing user's enabled sync filters for appointments. */
  matchesFilters: boolean;
  /** Saved as a draft (isdraft), which only counts when the organization allows drafts. */
  isDraft: boolean;
  scheduledstart: string;
}

/**
 * Whether a row is created in or pushed to Exchange: rows matching the user's sync filters are pushed; a
 * draft is not while AllowSaveAsDraftAppointment is on; an edit of a past meeting is pushed only with
 * SSSUpdatePastMeetingsInNonDraftMode. A linked row that no longer matches is a logical delete: decideDataverseDelete
 * with kind "logical" says what Exchange does.
 */
export function decidePush(
  f: OutboundFacts,
  sw: Pick<AppointmentSwitches, 'allowSaveAsDraftAppointment' | 'sssUpdatePastMeetingsInNonDraftMode'>,
  now: Date,
): ActDecision<'create' | 'update' | 'skip' | 'logicalDelete'> {
  if (!f.matchesFilters)
    return f.linked
      ? { action: 'logicalDelete', reason: 'LogicalDelete' }
      : { action: 'skip', reason: 'NotInSyncFilter' };
  if (sw.allowSaveAsDraftAppointment && f.isDraft) return { action: 'skip', reason: 'DraftAppointment' };
  if (!f.linked) return { action: 'create', reason: 'MatchesSyncFilter' };
  if (isPast(f.scheduledstart, now) && !sw.sssUpdatePastMeetingsInNonDraftMode)
    return { action: 'skip', reason: 'PastMeetingNotUpdated' };
  return { action: 'update', reason: 'LinkedUpdate' };
}

export interface InviteFacts {
  op: 'create' | 'update';
  scheduledstart: string;
  hasAttendees: boolean;
  /** The syncing user is the appointment's organizer. */
  syncingUserIsOrganizer: boolean;
  /** For an update: the sensitive properties that changed (appointment-diff.ts). */
  sensitiveChanges?: readonly SensitiveProperty[];
  serviceAppointment?: boolean;
}

/**
 * Whether meeting requests go out: never for a service appointment, a meeting that has started, or one with
 * no attendees; on an update only when the syncing user organizes it and a sensitive property changed.
 * Graph cannot write attendees without inviting them, so "none" means the event is written without them.
 */
export function decideInvites(f: InviteFacts, now: Date): ActDecision<'send' | 'none'> {
  if (f.serviceAppointment) return { action: 'none', reason: 'ServiceAppointmentNoInvites' };
  if (!f.hasAttendees) return { action: 'none', reason: 'NoAttendees' };
  if (isPast(f.scheduledstart, now)) return { action: 'none', reason: 'StartInPast' };
  if (f.op === 'update') {
    if (!f.syncingUserIsOrganizer) return { action: 'none', reason: 'NotOrganizer' };
    if (!f.sensitiveChanges?.length) return { action: 'none', reason: 'NoSensitiveChange' };
  }
  return { action: 'send', reason: 'InvitesSent' };
}

export interface ServiceResource {
  /** The resource's user, whose mailbox gets its own copy; other resources (equipment) get none. */
  userId?: string;
}

/**
 * A service appointment is pushed to each resource that is a user, as that user's own meeting copy with no
 * invitation or cancellation; changes made in Outlook never come back.
 */
export function serviceAppointmentTargets(resources: readonly ServiceResource[]): string[] {
  return [...new Set(resources.flatMap((r) => (r.userId ? [r.userId] : [])))];
}

/** An Exchange change to a service appointment's copy is not synced back. */
export const SERVICE_APPOINTMENT_INBOUND: ActDecision<'ignore'> = {
  action: 'ignore',
  reason: 'ServiceAppointmentOneWay',
};
