// What changed on an appointment: the "sensitive" properties whose change sends meeting updates, and the Graph
// fields an update must carry, compared by meaning (instants, text, sets) so that a round trip writes nothing.
import { graphTimeToUtc } from './appointment-time';
import type { AppointmentParty, AppointmentRow, EventJson } from './appointment-types';
import { APPOINTMENT_PARTY_MASK as MASK } from './appointment-types';

/** The properties whose change sends meeting updates (server-side sync's list). */
export const SENSITIVE_PROPERTIES = [
  'subject',
  'description',
  'location',
  'isalldayevent',
  'scheduledstart',
  'scheduledend',
  'requiredattendees',
  'optionalattendees',
  'organizer',
  'status',
  'prioritycode',
  'recurrencepattern',
] as const;
export type SensitiveProperty = (typeof SENSITIVE_PROPERTIES)[number];

const partyKeys = (parties: readonly AppointmentParty[], mask: number) =>
  parties
    .filter((p) => p.mask === mask)
    .map((p) => (p.party ? `${p.party.type}:${p.party.id}` : `@${p.addressused.trim().toLowerCase()}`))
    .sort()
    .join('|');

const sameInstant = (a: string, b: string) => Date.parse(a) === Date.parse(b);

/** The sensitive properties that differ between two versions of a row (recurrencePatternChanged from the master). */
export function sensitiveChanges(
  before: AppointmentRow,
  after: AppointmentRow,
  recurrencePatternChanged = false,
): SensitiveProperty[] {
  const changed: Record<SensitiveProperty, boolean> = {
    subject: before.subject !== after.subject,
    description: (before.description ?? '') !== (after.description ?? ''),
    location: (before.location ?? '') !== (after.location ?? ''),
    isalldayevent: before.isalldayevent !== after.isalldayevent,
    scheduledstart: !sameInstant(before.scheduledstart, after.scheduledstart),
    scheduledend: !sameInstant(before.scheduledend, after.scheduledend),
    requiredattendees: partyKeys(before.parties, MASK.required) !== partyKeys(after.parties, MASK.required),
    optionalattendees: partyKeys(before.parties, MASK.optional) !== partyKeys(after.parties, MASK.optional),
    organizer: partyKeys(before.parties, MASK.organizer) !== partyKeys(after.parties, MASK.organizer),
    status: before.statecode !== after.statecode || before.statuscode !== after.statuscode,
    prioritycode: before.prioritycode !== after.prioritycode,
    recurrencepattern: recurrencePatternChanged,
  };
  return SENSITIVE_PROPERTIES.filter((p) => changed[p]);
}

/** Body text as a reader sees it: tags and entities out, whitespace folded (Exchange rewraps HTML bodies). */
export function bodyText(content: string | undefined): string {
  return (content ?? '')
    .replace(/<(script|style|head)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

const attendeeKeys = (e: EventJson) =>
  (e.attendees ?? [])
    .map((a) => `${a.type}:${(a.emailAddress.address ?? '').toLowerCase()}`)
    .sort()
    .join('|');
const categoryKeys = (e: EventJson) => [...new Set((e.categories ?? []).map((c) => c.trim()))].sort().join('|');
const instant = (t: EventJson['start']) => (t ? graphTimeToUtc(t) : undefined);

type Same = (desired: EventJson, current: EventJson) => boolean;
const SAME: Partial<Record<keyof EventJson, Same>> = {
  body: (d, c) => bodyText(d.body?.content) === bodyText(c.body?.content),
  location: (d, c) => (d.location?.displayName ?? '') === (c.location?.displayName ?? ''),
  start: (d, c) => instant(d.start) === instant(c.start),
  end: (d, c) => instant(d.end) === instant(c.end),
  attendees: (d, c) => attendeeKeys(d) === attendeeKeys(c),
  categories: (d, c) => categoryKeys(d) === categoryKeys(c),
  reminderMinutesBeforeStart: (d, c) =>
    d.isReminderOn === false || d.reminderMinutesBeforeStart === c.reminderMinutesBeforeStart,
};

/** The fields of `desired` that differ from the event as Exchange holds it: the PATCH body (empty: nothing to send). */
export function eventChanges(desired: EventJson, current: EventJson): EventJson {
  const patch: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(desired) as [keyof EventJson, unknown][]) {
    if (v === undefined) continue;
    const same = SAME[k] ?? ((d: EventJson, c: EventJson) => d[k] === c[k]);
    if (!same(desired, current)) patch[k] = v;
  }
  // A time zone or all-day change moves both ends together: Graph wants start and end in one update.
  if (patch.start || patch.end || patch.isAllDay !== undefined)
    Object.assign(patch, { start: desired.start, end: desired.end });
  return patch as EventJson;
}
