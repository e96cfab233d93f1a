// Field mapping appointment ↔ Graph event, both directions, as server-side sync maps them
// (https://learn.microsoft.com/power-platform/admin/sync-logic). Direction per field: docs/act-appointments.md.
import { truncate } from '../limits';
import type { EntityRef } from '../refs';
import { allDaySpan, graphTimeToUtc, utcToGraphTime } from './appointment-time';
import { attendeesFor, partiesFromEvent, type PartyResolver } from './appointment-parties';
import {
  importanceFor,
  isPrivate,
  priorityFor,
  reminderFor,
  sensitivityFor,
  showAsFor,
  statusFor,
} from './appointment-status';
import type { AppointmentParty, AppointmentRow, EventJson } from './appointment-types';
import { APPOINTMENT_PARTY_MASK } from './appointment-types';

/** Dataverse column lengths of the appointment table (subject and location: 200 characters). */
export const APPOINTMENT_LIMITS = { subject: 200, location: 200 } as const;

const HTML = /<\/?[a-z][a-z0-9]*(\s[^>]*)?\/?>/i;

export interface ToEventContext {
  /** The zone the event is written in: the syncing user's (Windows or IANA name, as Graph takes either). */
  zone: string;
  now: Date;
  /** The reminder Outlook sets by default, in minutes before the start. */
  defaultReminderMinutes: number;
  /** The tracking category, when the organization tracks by category; kept beside the event's own. */
  trackedCategory?: string;
  /** The event's categories as Exchange holds them (an update keeps them). */
  existingCategories?: readonly string[];
  addressOf?: (ref: EntityRef) => string | undefined;
  /** false when no invitation may go out: no attendees are written (Graph cannot write them silently). */
  withAttendees: boolean;
}

/** Dataverse → Exchange: the event body for a create (an update sends the fields eventChanges names). */
export function toEvent(row: AppointmentRow, ctx: ToEventContext): EventJson {
  const description = row.description ?? '';
  const span = row.isalldayevent
    ? allDaySpan(row.scheduledstart, row.scheduledend, ctx.zone)
    : { start: utcToGraphTime(row.scheduledstart, ctx.zone), end: utcToGraphTime(row.scheduledend, ctx.zone) };
  const categories = [...(ctx.existingCategories ?? [])];
  if (ctx.trackedCategory && !categories.some((c) => c.trim() === ctx.trackedCategory))
    categories.push(ctx.trackedCategory);
  return {
    subject: row.subject,
    body: { contentType: HTML.test(description) ? 'html' : 'text', content: description },
    location: { displayName: row.location ?? '' },
    ...span,
    isAllDay: row.isalldayevent,
    ...reminderFor(row, ctx.now, ctx.defaultReminderMinutes),
    showAs: showAsFor(row),
    importance: importanceFor(row.prioritycode),
    sensitivity: sensitivityFor(row.ismapiprivate),
    // Without invitations the attendees are left out: a create has none, an update leaves Exchange's list alone.
    ...(ctx.withAttendees ? { attendees: attendeesFor(row.parties, ctx.addressOf) } : {}),
    categories,
  };
}

export interface FromEventContext {
  resolver: PartyResolver;
  /** The linked row, when there is one: its status decides what free means, its organizer may stand in. */
  current?: AppointmentRow;
  /** The syncing mailbox's user, the organizer of an item whose organizer Exchange leaves empty. */
  syncingUser: { ref: EntityRef; address: string };
  /** OrgDB UseCrmOrganizerForEmptyExchangeOrganizer: keep the row's organizer instead. */
  useCrmOrganizerForEmptyExchangeOrganizer: boolean;
}

export type FromEventResult =
  { ok: true; row: AppointmentRow; truncated: string[] } | { ok: false; problem: 'UnknownTimeZone' | 'MissingTime' };

/** Exchange → Dataverse: the row an event stands for (status, parties and times included). */
export function fromEvent(event: EventJson, ctx: FromEventContext): FromEventResult {
  if (!event.start || !event.end) return { ok: false, problem: 'MissingTime' };
  const start = graphTimeToUtc(event.start);
  const end = graphTimeToUtc(event.end);
  if (!start || !end) return { ok: false, problem: 'UnknownTimeZone' };
  const subject = truncate(event.subject ?? '', APPOINTMENT_LIMITS.subject);
  const location = truncate(event.location?.displayName ?? '', APPOINTMENT_LIMITS.location);
  const status = statusFor(event.showAs, ctx.current) ?? { statecode: 3, statuscode: 5 };
  const row: AppointmentRow = {
    ...(ctx.current?.activityid ? { activityid: ctx.current.activityid } : {}),
    subject: subject.value,
    description: event.body?.content ?? '',
    location: location.value,
    scheduledstart: start,
    scheduledend: end,
    isalldayevent: event.isAllDay === true,
    ...status,
    prioritycode: priorityFor(event.importance),
    ismapiprivate: isPrivate(event.sensitivity),
    ...(event.iCalUId ? { globalobjectid: event.iCalUId } : {}),
    parties: partiesFromEvent(event, ctx.resolver, organizerStandIn(ctx)),
  };
  const truncated = [subject.truncated && 'subject', location.truncated && 'location'].filter(
    (f): f is string => typeof f === 'string',
  );
  return { ok: true, row, truncated };
}

/** UseCrmOrganizerForEmptyExchangeOrganizer: the row's own organizer; otherwise (and on create) the syncing user. */
function organizerStandIn(ctx: FromEventContext): AppointmentParty {
  const kept = ctx.current?.parties.find((p) => p.mask === APPOINTMENT_PARTY_MASK.organizer);
  if (ctx.useCrmOrganizerForEmptyExchangeOrganizer && kept) return kept;
  return { mask: APPOINTMENT_PARTY_MASK.organizer, party: ctx.syncingUser.ref, addressused: ctx.syncingUser.address };
}
