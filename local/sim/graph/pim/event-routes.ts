// Events under /users/{u}/events: an organizer's create, update and delete reach the attendees that are
// mailboxes here (their calendar copy and a meeting request in their Inbox).
import { generatedMessageId } from '../mail-write';
import type { Route } from '../routes';
import type { MailStore, SimMailbox } from '../store';
import { attendeeAddresses, validateEventInput } from './event-input';
import { list, ok } from './collection-json';
import type { PimItem } from './store';
import { scalarText } from '../../json-scalar';

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Fields an organizer's update carries to the attendees' copies. */
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
        if (c.method === 'GET')
          return list(
            c,
            'event',
            [...cal.items.values()].map((it) => me.pim.render(cal, it)),
          );
        const input = validateEventInput(c.body(), true);
        // transactionId: a retried POST returns the event the first one made (transactionId on https://learn.microsoft.com/graph/api/resources/event).
        if (typeof input.transactionId === 'string') {
          const prior = [...cal.items.values()].find((it) => it.data.transactionId === input.transactionId);
          if (prior) return { status: 201, json: me.pim.render(cal, prior) };
        }
        const { organizer: _o, isOrganizer: _i, responseStatus: _r, iCalUId: _u, ...rest } = input;
        const item = me.pim.add(cal, rest);
        invite(store, me, item);
        return { status: 201, json: me.pim.render(cal, item) };
      },
    };
  }
  if (t.length !== 1) return undefined;
  return {
    name: 'event',
    methods: ['GET', 'PATCH', 'DELETE'],
    mailbox: u,
    run: (c) => {
      const me = mbx();
      const cal = me.pim.calendar;
      const item = me.pim.get(cal, t[0]);
      if (c.method === 'GET') return ok(me.pim.render(cal, item));
      const copies = () => (item.data.isOrganizer === false ? [] : attendeeCopies(store, me, item));
      if (c.method === 'DELETE') {
        for (const { mb, copy } of copies())
          mb.pim.update(mb.pim.calendar, copy.id, {
            isCancelled: true,
            subject: `Canceled: ${scalarText(copy.data.subject) ?? ''}`,
          });
        me.pim.remove(cal, item.id);
        return { status: 204 };
      }
      const patch = validateEventInput(c.body(), false);
      for (const k of ['id', 'iCalUId', 'organizer', 'isOrganizer', 'transactionId']) delete patch[k];
      const before = new Set(attendeeAddresses(item.data));
      const updated = me.pim.update(cal, item.id, patch);
      const carry = Object.fromEntries(Object.entries(patch).filter(([k]) => PROPAGATED.includes(k)));
      if (Object.keys(carry).length)
        for (const { mb, copy } of copies()) mb.pim.update(mb.pim.calendar, copy.id, carry);
      // New attendees get their invitation now.
      if (attendeeAddresses(updated.data).some((a) => !before.has(a))) invite(store, me, updated, before);
      return ok(me.pim.render(cal, updated));
    },
  };
}

function attendeeCopies(store: MailStore, organizer: SimMailbox, item: PimItem): { mb: SimMailbox; copy: PimItem }[] {
  const out: { mb: SimMailbox; copy: PimItem }[] = [];
  for (const address of attendeeAddresses(item.data)) {
    const mb = store.mailboxes.get(address);
    if (!mb || mb === organizer) continue;
    for (const copy of mb.pim.calendar.items.values())
      if (copy.data.iCalUId === item.data.iCalUId) out.push({ mb, copy });
  }
  return out;
}

/** Attendees that are mailboxes here get a copy in their calendar and a meeting request in their Inbox. */
function invite(store: MailStore, organizer: SimMailbox, item: PimItem, skip: Set<string> = new Set()): void {
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
    const now = iso(store.clock.now());
    store.insertInto(mb, store.ensureFolder(mb, 'inbox', 'Inbox'), {
      '@odata.type': '#microsoft.graph.eventMessage',
      subject: scalarText(item.data.subject) ?? '',
      from: org,
      sender: org,
      toRecipients: [{ emailAddress: { address: mb.address, name: mb.displayName } }],
      receivedDateTime: now,
      sentDateTime: now,
      internetMessageId: generatedMessageId(),
      meetingMessageType: 'meetingRequest',
      body: structuredClone(item.data.body),
      event: { id: copy.id },
    });
  }
}
