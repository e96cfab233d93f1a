// Recurring series in the calendar: a series master (an event with `recurrence`) expands into occurrences
// by its pattern; an occurrence changed on its own is an exception stored under the occurrence's id; a
// deleted or canceled occurrence is listed in the master's cancelledOccurrences
// (https://learn.microsoft.com/graph/api/resources/event, event-list-instances).
import type { Json } from '../../../tenant/fixture';
import { badRequest } from '../errors';
import type { SimMailbox } from '../store';
import type { PimItem } from './store';
import { occurrenceDates } from '../../../../shared/domain/act/recurrence-expand';
import { utcToWall, wallToUtcMs } from '../../../../shared/domain/act/appointment-time';
import { ianaZone } from '../../../../shared/domain/act/appointment-zones';
import { eventTime } from './item-defaults';
import type { PatternedRecurrence } from '../../../../shared/domain/act/recurrence-pattern';
import { scalarText } from '../../json-scalar';

const SEP = '_OCC_';
const PATTERNS = ['daily', 'weekly', 'absoluteMonthly', 'relativeMonthly', 'absoluteYearly', 'relativeYearly'];
const RANGES = ['endDate', 'noEnd', 'numbered'];
const utcText = (ms: number) => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000');

export const occurrenceId = (masterId: string, date: string): string => `${masterId}${SEP}${date.replace(/-/g, '')}`;

/** The series and date an occurrence id stands for. */
export function parseOccurrenceId(id: string): { masterId: string; date: string } | undefined {
  const i = id.lastIndexOf(SEP);
  const d = id.slice(i + SEP.length);
  if (i < 0 || !/^\d{8}$/.test(d)) return undefined;
  return { masterId: id.slice(0, i), date: `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}` };
}

/** Checks a create's recurrence and completes its range start from the event's start (in its zone). */
export function validateRecurrence(input: Json): void {
  const r = input.recurrence as Json | undefined | null;
  if (r === undefined || r === null) return;
  const p = r.pattern as Json | undefined;
  const range = r.range as Json | undefined;
  if (!p || !PATTERNS.includes(String(p.type)) || !range || !RANGES.includes(String(range.type)))
    throw badRequest("Invalid value for property 'recurrence'.");
  if (typeof range.startDate !== 'string') {
    const start = input.start as Json;
    range.startDate = utcToWall(new Date(eventTime(start)).toISOString(), scalarText(start.timeZone) ?? 'UTC').slice(
      0,
      10,
    );
  }
}

export const isSeriesMaster = (it: PimItem): boolean => !!it.data.recurrence && it.data.type === 'seriesMaster';

/** The occurrence's start and end (UTC ms): the master's wall-clock start on that date, in its zone, same length. */
function occurrenceTimes(master: PimItem, date: string): [number, number] {
  const zone = scalarText(master.data.originalStartTimeZone) ?? 'UTC';
  const startMs = eventTime(master.data.start);
  const length = eventTime(master.data.end) - startMs;
  const time = utcToWall(new Date(startMs).toISOString(), zone).slice(11, 19);
  const s = wallToUtcMs(`${date}T${time}`, ianaZone(zone) ?? 'Etc/UTC');
  return [s, s + length];
}

/** An occurrence as Graph renders it, from the master's rendering. */
function occurrenceJson(mbx: SimMailbox, master: PimItem, date: string): Json {
  const cal = mbx.pim.calendar;
  const stored = cal.items.get(occurrenceId(master.id, date));
  if (stored) return mbx.pim.render(cal, stored);
  const [s, e] = occurrenceTimes(master, date);
  const { recurrence: _r, cancelledOccurrences: _c, ...out } = mbx.pim.render(cal, master);
  return {
    ...out,
    id: occurrenceId(master.id, date),
    type: 'occurrence',
    seriesMasterId: master.id,
    start: { dateTime: utcText(s), timeZone: 'UTC' },
    end: { dateTime: utcText(e), timeZone: 'UTC' },
    originalStart: new Date(s).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

const cancelled = (master: PimItem) =>
  new Set(Array.isArray(master.data.cancelledOccurrences) ? (master.data.cancelledOccurrences as string[]) : []);

/** The series' occurrences and exceptions overlapping [from, to) (epoch ms), canceled ones left out. */
export function expandSeries(mbx: SimMailbox, master: PimItem, from: number, to: number): Json[] {
  const skip = cancelled(master);
  const out: Json[] = [];
  for (const date of occurrenceDates(master.data.recurrence as PatternedRecurrence)) {
    const id = occurrenceId(master.id, date);
    if (skip.has(id)) continue;
    const o = occurrenceJson(mbx, master, date);
    if (eventTime(o.start) >= to) break;
    if (eventTime(o.end) > from) out.push(o);
  }
  return out;
}

/** One occurrence by id, or undefined when the pattern has no such date or it was canceled. */
export function findOccurrence(mbx: SimMailbox, id: string): { master: PimItem; json: Json } | undefined {
  const ref = parseOccurrenceId(id);
  const master = ref && mbx.pim.calendar.items.get(ref.masterId);
  if (!ref || !master || !isSeriesMaster(master) || cancelled(master).has(id)) return undefined;
  if (!occurrenceDates(master.data.recurrence as PatternedRecurrence).includes(ref.date)) return undefined;
  return { master, json: occurrenceJson(mbx, master, ref.date) };
}

/** An occurrence changed on its own becomes an exception, stored under the occurrence's id. */
export function toException(mbx: SimMailbox, master: PimItem, occurrence: Json, patch: Json): PimItem {
  const cal = mbx.pim.calendar;
  if (cal.items.has(String(occurrence.id))) return mbx.pim.update(cal, String(occurrence.id), patch);
  const { '@odata.etag': _e, '@odata.type': _t, createdDateTime: _c, lastModifiedDateTime: _l, ...data } = occurrence;
  return mbx.pim.add(cal, { ...data, ...patch, type: 'exception', seriesMasterId: master.id });
}

/** A deleted or canceled occurrence: listed on the master, its exception (if any) removed. */
export function cancelOccurrence(mbx: SimMailbox, master: PimItem, id: string): void {
  const cal = mbx.pim.calendar;
  if (cal.items.has(id)) mbx.pim.remove(cal, id);
  mbx.pim.update(cal, master.id, { cancelledOccurrences: [...cancelled(master), id] });
}
