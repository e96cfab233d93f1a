// The two shapes an appointment has: the Dataverse appointment row (the columns sync reads and writes) and the
// Graph event (https://learn.microsoft.com/graph/api/resources/event), as far as sync maps them.
import type { EntityRef } from '../refs';
import type { GraphTime } from './appointment-time';

/** ParticipationTypeMask values of an appointment's parties (Dataverse activityparty). */
export const APPOINTMENT_PARTY_MASK = { required: 5, optional: 6, organizer: 7 } as const;
export type AppointmentPartyMask = (typeof APPOINTMENT_PARTY_MASK)[keyof typeof APPOINTMENT_PARTY_MASK];

export interface AppointmentParty {
  mask: AppointmentPartyMask;
  /** The resolved row; undefined for an unresolved address (kept in addressused). */
  party?: EntityRef;
  addressused: string;
}

/** Appointment statecode: Open, Completed, Canceled, Scheduled. */
export type AppointmentState = 0 | 1 | 2 | 3;
/** statuscode under each state: 1 Free, 2 Tentative (Open); 3 Completed; 4 Canceled; 5 Busy, 6 Out of Office (Scheduled). */
export type AppointmentStatus = 1 | 2 | 3 | 4 | 5 | 6;

export interface AppointmentRow {
  activityid?: string;
  subject: string;
  /** Plain text, or HTML as the rich-text editor stores it. */
  description?: string;
  location?: string;
  /** UTC. */
  scheduledstart: string;
  scheduledend: string;
  isalldayevent: boolean;
  statecode: AppointmentState;
  statuscode: AppointmentStatus;
  /** 0 Low, 1 Normal, 2 High. */
  prioritycode: 0 | 1 | 2;
  /** Marked private in Outlook (MAPI PR_SENSITIVITY private). */
  ismapiprivate?: boolean;
  /** The iCalendar UID Exchange gives the meeting, shared by every attendee's copy. */
  globalobjectid?: string;
  parties: AppointmentParty[];
}

export type ShowAs = 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';
export type Importance = 'low' | 'normal' | 'high';
export type Sensitivity = 'normal' | 'personal' | 'private' | 'confidential';

export interface GraphRecipient {
  emailAddress: { address?: string; name?: string };
}

export interface GraphAttendee extends GraphRecipient {
  type: 'required' | 'optional' | 'resource';
}

export interface EventJson {
  id?: string;
  subject?: string;
  body?: { contentType: 'text' | 'html'; content: string };
  location?: { displayName: string };
  start?: GraphTime;
  end?: GraphTime;
  isAllDay?: boolean;
  isReminderOn?: boolean;
  reminderMinutesBeforeStart?: number;
  showAs?: ShowAs;
  importance?: Importance;
  sensitivity?: Sensitivity;
  organizer?: GraphRecipient;
  attendees?: GraphAttendee[];
  categories?: string[];
  iCalUId?: string;
  isOrganizer?: boolean;
  isCancelled?: boolean;
  type?: 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';
  seriesMasterId?: string;
  transactionId?: string;
}
