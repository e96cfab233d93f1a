// What Exchange sends the attendees of an organizer's meeting that are mailboxes here: a meeting request (and
// the copy in their calendar) when invited or when the meeting changes, a cancellation (and the copy marked
// canceled) when it is canceled or deleted (https://learn.microsoft.com/graph/api/event-delete, event-cancel).
import type { Json } from '../../../tenant/fixture';
import { generatedMessageId } from '../mail-write';
import type { MailStore, SimMailbox } from '../store';
import { scalarText } from '../../json-scalar';
import { attendeeAddresses } from './event-input';
import type { PimItem } from './store';
import { cancelOccurrence, isSeriesMaster, occurrenceId } from './recurrence';

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
type MeetingMessageType = 'meetingRequest' | 'meetingCancelled';

/** The attendees' calendar copies of an organizer's meeting (same iCalUId), with their mailboxes. */
export function attendeeCopies(
  store: MailStore,
  organizer: SimMailbox,
  item: PimItem,
): { mb: SimMailbox; copy: PimItem }[] {
  const out: { mb: SimMailbox; copy: PimItem }[] = [];
  for (const address of new Set(attendeeAddresses(item.data))) {
    const mb = store.mailboxes.get(address);
    if (!mb || mb === organizer) continue;
    for (const copy of mb.pim.calendar.items.values())
      if (copy.data.iCalUId === item.data.iCalUId) out.push({ mb, copy });
  }
  return out;
}

/** An eventMessage in the attendee's Inbox, as Exchange delivers meeting requests and cancellations. */
function deliver(
  store: MailStore,
  organizer: SimMailbox,
  to: SimMailbox,
  type: MeetingMessageType,
  subject: string,
  body: unknown,
  eventId: string,
  meeting?: PimItem,
): void {
  const org = { emailAddress: { name: organizer.displayName, address: organizer.address } };
  const now = iso(store.clock.now());
  store.insertInto(to, store.ensureFolder(to, 'inbox', 'Inbox'), {
    '@odata.type': '#microsoft.graph.eventMessage',
    subject,
    from: org,
    sender: org,
    toRecipients: [{ emailAddress: { address: to.address, name: to.displayName } }],
    receivedDateTime: now,
    sentDateTime: now,
    internetMessageId: generatedMessageId(),
    meetingMessageType: type,
    body: structuredClone(body ?? { contentType: 'text', content: '' }),
    event: { id: eventId },
    ...(meeting
      ? {
          startDateTime: structuredClone(meeting.data.start),
          endDateTime: structuredClone(meeting.data.end),
          location: structuredClone(meeting.data.location),
          type: meeting.data.type,
          isAllDay: meeting.data.isAllDay,
        }
      : {}),
  });
}

/** Attendees that are mailboxes here get a copy in their calendar and a meeting request in their Inbox. */
export function invite(store: MailStore, organizer: SimMailbox, item: PimItem, skip: Set<string> = new Set()): void {
  const org = { emailAddress: { name: organizer.displayName, address: organizer.address } };
  for (const address of new Set(attendeeAddresses(item.data))) {
    if (skip.has(address)) continue;
    const mb = store.mailboxes.get(address);
    if (!mb || mb === organizer) continue;
    const { transactionId: _t, ...data } = structuredClone(item.data);
    const copy = mb.pim.add(mb.pim.calendar, {
      ...data,
      isOrganizer: false,
      organizer: org,
      responseStatus: { response: 'notResponded', time: '0001-01-01T00:00:00Z' },
    });
    deliver(store, organizer, mb, 'meetingRequest', scalarText(item.data.subject) ?? '', item.data.body, copy.id, item);
  }
}

/** A changed meeting: the attendees already invited get the update as a new meeting request. */
export function sendUpdate(store: MailStore, organizer: SimMailbox, item: PimItem, to: Set<string>): void {
  for (const { mb, copy } of attendeeCopies(store, organizer, item))
    if (to.has(mb.address.toLowerCase()))
      deliver(
        store,
        organizer,
        mb,
        'meetingRequest',
        scalarText(item.data.subject) ?? '',
        item.data.body,
        copy.id,
        item,
      );
}

/**
 * Cancels the meeting for its attendees here (all, or only `only`): each copy is marked canceled with
 * "Canceled: " before its subject (for one occurrence, that occurrence of the copy is canceled), and a
 * cancellation (with the organizer's comment, if any) reaches the Inbox.
 */
export function sendCancellation(
  store: MailStore,
  organizer: SimMailbox,
  item: PimItem,
  opts: { comment?: string; only?: Set<string>; occurrenceDate?: string } = {},
): void {
  const body: Json = { contentType: 'text', content: opts.comment ?? '' };
  for (const { mb, copy } of attendeeCopies(store, organizer, item)) {
    if (opts.only && !opts.only.has(mb.address.toLowerCase())) continue;
    const subject = `Canceled: ${scalarText(copy.data.subject) ?? ''}`;
    let eventId = copy.id;
    if (opts.occurrenceDate) {
      eventId = occurrenceId(copy.id, opts.occurrenceDate);
      if (isSeriesMaster(copy)) cancelOccurrence(mb, copy, eventId);
    } else mb.pim.update(mb.pim.calendar, copy.id, { isCancelled: true, subject });
    deliver(store, organizer, mb, 'meetingCancelled', subject, body, eventId, item);
  }
}

/** Whether an organizer's event is a meeting: it has attendees and is not canceled already. */
export const isMeeting = (item: PimItem): boolean =>
  item.data.isOrganizer !== false && item.data.isCancelled !== true && attendeeAddresses(item.data).length > 0;
