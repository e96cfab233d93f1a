// Delta rounds over a calendar, contact folder or To Do list: state in signed tokens, calendarView with its
// window baked in (https://learn.microsoft.com/graph/api/event-delta, contact-delta, todotask-delta).
import type { Json } from '../../../tenant/fixture';
import { GraphError, badRequest } from '../errors';
import type { Preferences } from '../prefer';
import type { MailStore, SimMailbox } from '../store';
import { decodeSigned, encodeToken } from '../tokens';
import { eventTime } from './item-defaults';
import type { PimCollection, PimItem, PimKind } from './store';

const DEFAULT_PAGE = 10;

interface PimState {
  w: PimKind;
  u: string;
  c: string;
  p: 'i' | 'd';
  s: number;
  /** Initial rounds: resume after arrival seq; change rounds: resume at episode k, head h. */
  a?: number;
  h?: number;
  k?: number;
  /** calendarView window (epoch ms). */
  win?: [number, number];
  sel?: string[];
  ps?: number;
  top?: number;
  g: number;
  /** Link form for contacts: the default-folder alias /contacts/delta. */
  alias?: boolean;
}

export interface PimDeltaRequest {
  mbx: SimMailbox;
  c: PimCollection;
  query: URLSearchParams;
  prefs: Preferences;
  baseUrl: string;
  alias?: boolean;
}

function deltaPath(req: PimDeltaRequest): string {
  const u = `${req.baseUrl}/users/${req.mbx.userId}`;
  if (req.c.kind === 'event') return `${u}/calendarView/delta`;
  if (req.c.kind === 'contact')
    return req.alias ? `${u}/contacts/delta` : `${u}/contactFolders/${encodeURIComponent(req.c.id)}/contacts/delta`;
  return `${u}/todo/lists/${encodeURIComponent(req.c.id)}/tasks/delta`;
}

export function pimDelta(
  store: MailStore,
  req: PimDeltaRequest,
  expired: (g: number, initialUrl: string) => GraphError,
): { body: Json; pageSize: number } {
  const { mbx, c, query } = req;
  const skip = query.get('$skiptoken');
  const delta = query.get('$deltatoken');
  let st: PimState;
  if (skip === null && delta === null) {
    st = {
      w: c.kind,
      u: mbx.userId,
      c: c.id,
      p: 'i',
      s: store.seq,
      a: 0,
      g: mbx.syncGeneration,
      alias: req.alias || undefined,
    };
    if (req.prefs.maxPageSize) st.ps = req.prefs.maxPageSize;
    parsePimOptions(c.kind, query, st);
  } else {
    const extra = [...query.keys()].filter((k) => !(c.kind === 'event' && /^(startdatetime|enddatetime)$/i.test(k)));
    if (extra.length !== 1)
      throw badRequest(
        'Query options cannot be added to a nextLink or deltaLink: they are encoded in its state token.',
      );
    const s = decodeSigned(store.tokenKey, (skip ?? delta)!) as PimState | undefined;
    if (!s || typeof s.s !== 'number' || s.s > store.seq || (s.h ?? 0) > store.seq) {
      throw new GraphError(
        410,
        'SyncStateNotFound',
        'The sync state generation is not found. The delta token is expired and data must be synchronized again.',
      );
    }
    if (s.w !== c.kind || s.u !== mbx.userId || s.c !== c.id)
      throw badRequest('The state token was issued for a different mailbox or collection.');
    if (s.g < mbx.syncGeneration) throw expired(s.g, deltaPath(req));
    st = s;
  }
  const sizes = [req.prefs.maxPageSize ?? st.ps, st.top].filter((n): n is number => n !== undefined);
  const pageSize = Math.min(1000, sizes.length ? Math.min(...sizes) : DEFAULT_PAGE);
  const inWindow = (it: PimItem) =>
    !st.win || (eventTime(it.data.start) < st.win[1] && eventTime(it.data.end) > st.win[0]);
  const render = (it: PimItem) => mbx.pim.render(c, it, st.sel);
  const removed = (id: string) => ({
    '@odata.type': `#microsoft.graph.${c.kind === 'task' ? 'todoTask' : c.kind}`,
    id,
    '@removed': { reason: 'deleted' },
  });
  const value: Json[] = [];
  let next: PimState | undefined;
  let done: PimState;
  if (st.p === 'i') {
    const rest = [...c.items.values()]
      .filter((it) => it.arrivalSeq <= st.s && it.arrivalSeq > (st.a ?? 0) && inWindow(it))
      .sort((x, y) => x.arrivalSeq - y.arrivalSeq);
    const slice = rest.slice(0, pageSize);
    value.push(...slice.map(render));
    if (rest.length > pageSize) next = { ...st, a: slice[slice.length - 1].arrivalSeq };
    done = { ...st, p: 'd', a: undefined, k: undefined, h: undefined };
  } else {
    const h = st.h ?? store.seq;
    const eps = new Map<string, { first: string; last: string; lastSeq: number }>();
    for (const ch of c.changes) {
      if (ch.seq <= st.s || ch.seq > h) continue;
      const e = eps.get(ch.id);
      if (e) {
        e.last = ch.kind;
        e.lastSeq = ch.seq;
      } else eps.set(ch.id, { first: ch.kind, last: ch.kind, lastSeq: ch.seq });
    }
    const list = [...eps.entries()].sort((x, y) => x[1].lastSeq - y[1].lastSeq);
    let k = st.k ?? 0;
    for (; k < list.length && value.length < pageSize; k++) {
      const [id, e] = list[k];
      if (e.last === 'remove') {
        if (e.first !== 'add') value.push(removed(id));
        continue;
      }
      const it = c.items.get(id);
      if (!it) continue;
      // calendarView: changes outside the window come back as @removed (event-delta).
      value.push(inWindow(it) ? render(it) : removed(id));
    }
    if (k < list.length) next = { ...st, h, k };
    done = { ...st, p: 'd', s: h, h: undefined, k: undefined };
  }
  const body: Json = {
    '@odata.context': `${req.baseUrl}/$metadata#Collection(${c.kind === 'task' ? 'todoTask' : c.kind})`,
  };
  if (next) body['@odata.nextLink'] = `${deltaPath(req)}?$skiptoken=${encodeToken(store.tokenKey, strip(next))}`;
  else body['@odata.deltaLink'] = `${deltaPath(req)}?$deltatoken=${encodeToken(store.tokenKey, strip(done))}`;
  body.value = value;
  return { body, pageSize };
}

function strip(s: PimState): PimState {
  const out = { ...s } as Record<string, unknown>;
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out as unknown as PimState;
}

function parsePimOptions(kind: PimKind, query: URLSearchParams, st: PimState): void {
  let start: string | null = null;
  let end: string | null = null;
  for (const [name, value] of query) {
    const n = name.toLowerCase();
    if (kind === 'event') {
      if (n === 'startdatetime') start = value;
      else if (n === 'enddatetime') end = value;
      else if (n.startsWith('$'))
        throw badRequest(`The query parameter '${name}' is not supported with calendarView delta.`);
      continue;
    }
    if (n === '$select')
      st.sel = value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    else if (n === '$top') {
      const t = Number(value);
      if (!Number.isInteger(t) || t <= 0) throw badRequest(`Invalid value '${value}' for $top.`);
      st.top = t;
    } else if (n === '$expand' && kind === 'task') continue;
    else if (n.startsWith('$')) throw badRequest(`Query option '${name}' is not allowed on delta.`);
  }
  if (kind === 'event') {
    if (!start || !end)
      throw new GraphError(
        400,
        'ErrorInvalidParameter',
        'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
      );
    const a = eventTime({ dateTime: start });
    const b = eventTime({ dateTime: end });
    if (isNaN(a) || isNaN(b) || b <= a)
      throw new GraphError(
        400,
        'ErrorInvalidParameter',
        'The value of the StartDateTime or EndDateTime parameter is invalid.',
      );
    st.win = [a, b];
  }
}
