// Recurring series between the two sides: how Graph's event types map to Dataverse's instance types, and the
// invitation rule for tracking a series (https://learn.microsoft.com/power-platform/admin/sync-logic).
import type { ActDecision } from './appointment-reasons';
import type { EventJson } from './appointment-types';

/** Dataverse instancetypecode: 0 Not Recurring, 1 Recurring Master, 2 Recurring Instance, 3 Recurring Exception. */
export type InstanceTypeCode = 0 | 1 | 2 | 3;

/** Graph's event type as Dataverse's instance type: a series master is a recurringappointmentmaster row. */
export function instanceTypeFor(type: EventJson['type']): InstanceTypeCode {
  switch (type) {
    case 'seriesMaster':
      return 1;
    case 'occurrence':
      return 2;
    case 'exception':
      return 3;
    default:
      return 0;
  }
}

export interface SeriesTrackingFacts {
  /** The occurrence dates the pattern gives (recurrence-expand.ts). */
  expectedDates: readonly string[];
  /** The dates that have an occurrence or exception in the organizer's Exchange calendar. */
  existingDates: readonly string[];
  /** The attendees of the master are those Exchange already has. */
  attendeesUnchanged: boolean;
}

/**
 * Tracking a series sends no new invitations when every occurrence exists and the attendees are unchanged.
 * Occurrences the organizer deleted are created again, and then the attendees are invited again.
 */
export function decideSeriesTracking(f: SeriesTrackingFacts): ActDecision<'send' | 'none'> & { recreate: string[] } {
  const existing = new Set(f.existingDates);
  const recreate = f.expectedDates.filter((d) => !existing.has(d));
  if (recreate.length === 0 && f.attendeesUnchanged)
    return { action: 'none', reason: 'SeriesAlreadyPresent', recreate };
  return { action: 'send', reason: 'InvitesSent', recreate };
}
