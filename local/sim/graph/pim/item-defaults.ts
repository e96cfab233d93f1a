// The properties Graph fills in on a new event, contact or To Do task, and its dateTimeTimeZone form.
import type { Json } from '../../../tenant/fixture';
import { bodyPreviewOf } from '../message-defaults';
import type { SimMailbox } from '../store';
import type { PimKind } from './store';
import { ianaZone } from '../../../../shared/domain/act/appointment-zones';
import { wallToUtcMs } from '../../../../shared/domain/act/appointment-time';

export function withPimDefaults(kind: PimKind, data: Json, mbx: SimMailbox, id: string): Json {
  if (kind === 'contact') {
    const d: Json = { categories: [], emailAddresses: [], businessPhones: [], ...data };
    if (d.displayName === undefined) d.displayName = [d.givenName, d.surname].filter(Boolean).join(' ');
    return d;
  }
  if (kind === 'task') {
    return {
      importance: 'normal',
      isReminderOn: false,
      status: 'notStarted',
      title: '',
      categories: [],
      body: { content: '', contentType: 'text' },
      ...data,
    };
  }
  const d: Json = {
    subject: '',
    categories: [],
    importance: 'normal',
    sensitivity: 'normal',
    isAllDay: false,
    isCancelled: false,
    isOrganizer: true,
    responseRequested: true,
    showAs: 'busy',
    type: 'singleInstance',
    seriesMasterId: null,
    body: { contentType: 'html', content: '' },
    location: { displayName: '' },
    locations: [],
    attendees: [],
    organizer: { emailAddress: { name: mbx.displayName, address: mbx.address } },
    responseStatus: { response: 'organizer', time: '0001-01-01T00:00:00Z' },
    ...data,
  };
  d.iCalUId ??= iCalUIdFor(id);
  // The zones the organizer wrote start and end in (originalStartTimeZone on the event resource).
  d.originalStartTimeZone ??= zoneName(d.start);
  d.originalEndTimeZone ??= zoneName(d.end);
  d.start = normaliseTime(d.start);
  d.end = normaliseTime(d.end);
  d.attendees = (Array.isArray(d.attendees) ? d.attendees : []).map((a: Json) => ({
    type: 'required',
    status: { response: 'none', time: '0001-01-01T00:00:00Z' },
    ...a,
  }));
  d.bodyPreview = bodyPreviewOf(d.body);
  return d;
}

/** The hex GlobalObjectId form Graph uses for iCalUId (https://learn.microsoft.com/graph/api/user-post-events). */
function iCalUIdFor(id: string): string {
  return '040000008200E00074C5B7101A82E00800000000' + Buffer.from(id).subarray(-24).toString('hex').toUpperCase();
}

/** dateTimeTimeZone as Graph stores and renders it without `Prefer: outlook.timezone`: seven fractional digits, UTC. */
export function normaliseTime(v: unknown): unknown {
  const t = v as { dateTime?: string; timeZone?: string } | undefined;
  if (!t || typeof t.dateTime !== 'string') return v;
  const ms = eventTime(t);
  if (isNaN(ms)) return v;
  return { dateTime: new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000'), timeZone: 'UTC' };
}

/** Epoch ms of a dateTimeTimeZone: an offset in the text wins, else its timeZone (Windows or IANA), else UTC. */
const zoneName = (t: unknown) => {
  const z = (t as { timeZone?: unknown } | undefined)?.timeZone;
  return typeof z === 'string' && z ? z : 'UTC';
};

export function eventTime(t: unknown): number {
  const v = t as { dateTime?: string; timeZone?: string } | undefined;
  const s = String(v?.dateTime ?? '');
  if (/[zZ]|[+-]\d\d:\d\d$/.test(s)) return Date.parse(s);
  const zone = ianaZone(typeof v?.timeZone === 'string' ? v.timeZone : undefined);
  return zone ? wallToUtcMs(s, zone) : NaN;
}
