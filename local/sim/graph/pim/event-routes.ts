// Events under /users/{u}/events: an organizer's create, update, cancel and delete reach the attendees that are
// mailboxes here (their calendar copy, a meeting request or a cancellation in their Inbox); series expand into
// occurrences (`/events/{id}/instances`) and an occurrence changed on its own becomes an exception.
import type { Json } from '../../../tenant/fixture';
import { GraphError } from '../errors';
import type { Route, RouteContext } from '../routes';
import type { MailStore, SimMailbox } from '../store';
import { attendeeAddresses, validateEventInput } from './event-input';
import { list, ok } from './collection-json';
import type { PimItem } from './store';
import { attendeeCopies, invite, isMeeting, sendCancellation, sendUpdate } from './meeting-messages';
import {
  cancelOccurrence,
  findOccurrence,
  isSeriesMaster,
  parseOccurrenceId,
  toException,
  validateRecurrence,
} from './recurrence';
import { instancesRoute } from './event-instances';

/** Fields an organizer's update carries to the attendees' copies (and that send them an update). */
const PROPAGATED = [
  'subject',
  'body',
  'start',
  'end',
  'location',
  'locations',
  'attendees',
  'isAllDay',
  'importance',
  'sensitivity',
  'isOnlineMeeting',
  'recurrence',
];

export function eventRoutes(store: MailStore, u: string, mbx: () => SimMailbox, t: string[]): Route | undefined {
  if (t.length === 0) {
    return {
      name: 'events',
      methods: ['GET', 'POST'],
      mailbox: u,
      run: (c) => {
        const me = mbx();
        const cal = me.pim.calendar;
        // The events collection holds single events and series masters; occurrences and exceptions are read
        // through calendarView or instances.
        if (c.method === 'GET')
          return list(
            c,
            'event',
            [...cal.items.values()].filter((it) => it.data.type !== 'exception').map((it) => me.pim.render(cal, it)),
          );
        const input = validateEventInput(c.body(), true);
        validateRecurrence(input);
        // transactionId: a retried POST returns the event the first one made (transactionId on https://learn.microsoft.com/graph/api/resources/event).
        if (typeof input.transactionId === 'string') {
          const prior = [...cal.items.values()].find((it) => it.data.transactionId === input.transactionId);
          if (prior) return { status: 201, json: me.pim.render(cal, prior) };
        }
        const { organizer: _o, isOrganizer: _i, responseStatus: _r, iCalUId: _u, ...rest } = input;
        if (rest.recurrence) rest.type = 'seriesMaster';
        const item = me.pim.add(cal, rest);
        invite(store, me, item);
        return { status: 201, json: me.pim.render(cal, item) };
      },
    };
  }
  if (t.length === 2 && t[1] === 'instances') return instancesRoute(u, mbx, t[0]);
  if (t.length === 2 && t[1] === 'cancel') return cancelRoute(store, u, mbx, t[0]);
  if (t.length !== 1) return undefined;
  return {
    name: 'event',
    methods: ['GET', 'PATCH', 'DELETE'],
    mailbox: u,
    run: (c) => {
      const me = mbx();
      const cal = me.pim.calendar;
      const occ = cal.items.has(t[0]) ? undefined : findOccurrence(me, t[0]);
      if (occ) return occurrenceRequest(store, me, occ, c);
      const item = me.pim.get(cal, t[0]);
      if (c.method === 'GET') return ok(me.pim.render(cal, item));
      if (c.method === 'DELETE') {
        // Deleting a meeting on the organizer's calendar sends the attendees a cancellation (event-delete).
        if (isMeeting(item)) sendCancellation(store, me, item);
        me.pim.remove(cal, item.id);
        return { status: 204 };
      }
      return ok(me.pim.render(cal, patchEvent(store, me, item, c.body())));
    },
  };
}

function patchEvent(store: MailStore, me: SimMailbox, item: PimItem, body: unknown): PimItem {
  const cal = me.pim.calendar;
  const patch = validateEventInput(body, false);
  for (const k of ['id', 'iCalUId', 'organizer', 'isOrganizer', 'transactionId', 'type', 'seriesMasterId'])
    delete patch[k];
  if (patch.recurrence && isSeriesMaster(item)) validateRecurrence({ start: item.data.start, ...patch });
  const organizer = item.data.isOrganizer !== false;
  const before = new Set(attendeeAddresses(item.data));
  // Attendees taken off the meeting get a cancellation while their copy is still found.
  const after = new Set(attendeeAddresses(patch.attendees === undefined ? item.data : patch));
  const removed = new Set([...before].filter((a) => !after.has(a)));
  if (organizer && removed.size) sendCancellation(store, me, item, { only: removed });
  const updated = me.pim.update(cal, item.id, patch);
  const carry = Object.fromEntries(Object.entries(patch).filter(([k]) => PROPAGATED.includes(k)));
  if (organizer && Object.keys(carry).length) {
    for (const { mb, copy } of attendeeCopies(store, me, updated)) mb.pim.update(mb.pim.calendar, copy.id, carry);
    sendUpdate(store, me, updated, new Set([...before].filter((a) => after.has(a))));
  }
  // New attendees get their invitation now.
  if (organizer && [...after].some((a) => !before.has(a))) invite(store, me, updated, before);
  return updated;
}

/** GET, PATCH (an exception is made) or DELETE (the occurrence is canceled) on one occurrence of a series. */
function occurrenceRequest(
  store: MailStore,
  me: SimMailbox,
  occ: { master: PimItem; json: Json },
  c: RouteContext,
): { status: number; json?: unknown } {
  if (c.method === 'GET') return ok(occ.json);
  if (c.method === 'DELETE') {
    const date = parseOccurrenceId(String(occ.json.id))?.date;
    if (isMeeting(occ.master)) sendCancellation(store, me, occ.master, { occurrenceDate: date });
    cancelOccurrence(me, occ.master, String(occ.json.id));
    return { status: 204 };
  }
  const patch = validateEventInput(c.body(), false);
  for (const k of [
    'id',
    'iCalUId',
    'organizer',
    'isOrganizer',
    'transactionId',
    'type',
    'seriesMasterId',
    'recurrence',
  ])
    delete patch[k];
  return ok(me.pim.render(me.pim.calendar, toException(me, occ.master, occ.json, patch)));
}

/**
 * POST /events/{id}/cancel: only the organizer may cancel; the attendees get a cancellation with the comment,
 * and the event leaves the organizer's calendar (https://learn.microsoft.com/graph/api/event-cancel).
 */
function cancelRoute(store: MailStore, u: string, mbx: () => SimMailbox, id: string): Route {
  return {
    name: 'event/cancel',
    methods: ['POST'],
    mailbox: u,
    run: (c) => {
      const me = mbx();
      const cal = me.pim.calendar;
      const occ = cal.items.has(id) ? undefined : findOccurrence(me, id);
      const item = occ?.master ?? me.pim.get(cal, id);
      if (item.data.isOrganizer === false)
        throw new GraphError(
          400,
          'ErrorInvalidRequest',
          "Your request can't be completed. You need to be an organizer to cancel a meeting.",
        );
      const b = c.body();
      const comment =
        b && typeof b === 'object' && typeof (b as Json).Comment === 'string' ? String((b as Json).Comment) : '';
      const occurrenceDate = occ ? parseOccurrenceId(id)?.date : undefined;
      if (isMeeting(item)) sendCancellation(store, me, item, { comment, occurrenceDate });
      if (occ) cancelOccurrence(me, item, id);
      else me.pim.remove(cal, item.id);
      return { status: 202 };
    },
  };
}
