// Calendar (primary calendar), personal contacts and Microsoft To Do per mailbox: items with change logs on
// the store's shared sequence, delta rounds in signed tokens (calendarView with its window baked in), and
// the create/update/delete paths sync uses (protocols.md A.2-A.4, B.2).
import type { FixtureMailbox, Json } from '../../tenant/fixture';
import { GraphError, badRequest, itemNotFound } from './errors';
import { changeKeyFor, folderIdFor, immutableIdFor } from './ids';
import { bodyPreviewOf } from './message-defaults';
import type { Preferences } from './prefer';
import type { MailStore, SimMailbox } from './store';
import { decodeSigned, encodeToken } from './tokens';

export type PimKind = 'event' | 'contact' | 'task';

export interface PimItem {
  id: string;
  arrivalSeq: number;
  version: number;
  created: string;
  lastModified: string;
  data: Json;
}

export interface PimCollection {
  kind: PimKind;
  id: string;
  displayName: string;
  wellKnown?: string;
  items: Map<string, PimItem>;
  changes: { seq: number; kind: 'add' | 'update' | 'remove'; id: string }[];
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const DEFAULT_PAGE = 10;

export class PimStore {
  calendar: PimCollection;
  contactFolders = new Map<string, PimCollection>();
  todoLists = new Map<string, PimCollection>();
  private n = 0;

  constructor(
    private readonly store: MailStore,
    private readonly mbx: SimMailbox,
  ) {
    this.calendar = this.collection('event', folderIdFor(mbx.address, '/calendar'), 'Calendar', 'calendar');
    this.contactFolders.set(
      'contacts',
      this.collection('contact', folderIdFor(mbx.address, '/contacts'), 'Contacts', 'contacts'),
    );
  }

  private collection(kind: PimKind, id: string, displayName: string, wellKnown?: string): PimCollection {
    return { kind, id, displayName, wellKnown, items: new Map(), changes: [] };
  }

  seed(fixture: Pick<FixtureMailbox, 'events' | 'contacts' | 'todoLists'>): void {
    for (const e of fixture.events ?? []) this.add(this.calendar, e);
    for (const c of fixture.contacts ?? []) this.add(this.defaultContacts(), c);
    const lists = fixture.todoLists?.length
      ? fixture.todoLists
      : [{ displayName: 'Tasks', wellknownListName: 'defaultList', tasks: [] }];
    for (const l of lists) {
      const list = this.addList(
        String(l.displayName ?? 'Tasks'),
        typeof l.id === 'string' ? l.id : undefined,
        String(l.wellknownListName ?? 'none'),
      );
      for (const t of (l.tasks as Json[] | undefined) ?? []) this.add(list, t);
    }
  }

  defaultContacts(): PimCollection {
    return [...this.contactFolders.values()].find((c) => c.wellKnown === 'contacts')!;
  }

  addList(displayName: string, id?: string, wellKnown = 'none'): PimCollection {
    const list = this.collection(
      'task',
      id ?? folderIdFor(this.mbx.address, `/todo/${displayName}#${this.todoLists.size}`),
      displayName,
      wellKnown,
    );
    this.todoLists.set(list.id, list);
    return list;
  }

  contactFolder(ref: string): PimCollection {
    const c = this.contactFolders.get(ref) ?? [...this.contactFolders.values()].find((f) => f.id === ref);
    if (!c) throw itemNotFound();
    return c;
  }

  todoList(ref: string): PimCollection {
    const l = this.todoLists.get(ref) ?? [...this.todoLists.values()].find((x) => x.wellKnown === ref);
    if (!l) throw itemNotFound();
    return l;
  }

  get(c: PimCollection, id: string): PimItem {
    const it = c.items.get(id);
    if (!it) throw itemNotFound();
    return it;
  }

  /** Any collection of the kind holding the id (contacts across folders). */
  find(kind: PimKind, id: string): { c: PimCollection; item: PimItem } {
    for (const c of this.collections(kind)) {
      const item = c.items.get(id);
      if (item) return { c, item };
    }
    throw itemNotFound();
  }

  collections(kind: PimKind): PimCollection[] {
    return kind === 'event'
      ? [this.calendar]
      : kind === 'contact'
        ? [...this.contactFolders.values()]
        : [...this.todoLists.values()];
  }

  add(c: PimCollection, given: Json): PimItem {
    const now = iso(this.store.clock.now());
    const { id, ...data } = structuredClone(given);
    let itemId =
      typeof id === 'string' && id
        ? id
        : immutableIdFor(this.mbx.address, `${c.kind}#${c.id}#${this.store.seq + 1}#${this.n++}`);
    if (c.items.has(itemId))
      itemId = immutableIdFor(this.mbx.address, `${c.kind}#dup#${this.store.seq + 1}#${this.n++}`);
    const seq = ++this.store.seq;
    const item: PimItem = {
      id: itemId,
      arrivalSeq: seq,
      version: 1,
      created: now,
      lastModified: now,
      data: withPimDefaults(c.kind, data, this.mbx, itemId),
    };
    c.items.set(itemId, item);
    c.changes.push({ seq, kind: 'add', id: itemId });
    this.emit(c, item, 'created');
    return item;
  }

  update(c: PimCollection, id: string, patch: Json): PimItem {
    const item = this.get(c, id);
    for (const [k, v] of Object.entries(patch)) {
      if (k === 'id' || k.startsWith('@odata')) continue;
      item.data[k] = structuredClone(v);
    }
    if ('body' in patch && c.kind !== 'task') item.data.bodyPreview = bodyPreviewOf(item.data.body);
    if (c.kind === 'event') {
      item.data.start = normaliseTime(item.data.start);
      item.data.end = normaliseTime(item.data.end);
    }
    item.version++;
    item.lastModified = iso(this.store.clock.now());
    c.changes.push({ seq: ++this.store.seq, kind: 'update', id });
    this.emit(c, item, 'updated');
    return item;
  }

  remove(c: PimCollection, id: string): PimItem {
    const item = this.get(c, id);
    c.items.delete(id);
    c.changes.push({ seq: ++this.store.seq, kind: 'remove', id });
    this.emit(c, item, 'deleted');
    return item;
  }

  private emit(c: PimCollection, item: PimItem, changeType: 'created' | 'updated' | 'deleted'): void {
    this.store.emit({
      mbx: this.mbx,
      workload: c.kind,
      changeType,
      id: item.id,
      regularId: item.id,
      containerId: c.id,
      etag: `W/"${changeKeyFor(item.id, item.version)}"`,
    });
  }

  render(c: PimCollection, item: PimItem, select?: string[]): Json {
    const out: Json = {
      '@odata.type': `#microsoft.graph.${c.kind === 'task' ? 'todoTask' : c.kind}`,
      '@odata.etag': `W/"${changeKeyFor(item.id, item.version)}"`,
      id: item.id,
      createdDateTime: item.created,
      lastModifiedDateTime: item.lastModified,
    };
    if (c.kind !== 'task') out.changeKey = changeKeyFor(item.id, item.version);
    if (c.kind === 'contact') out.parentFolderId = c.id;
    Object.assign(out, structuredClone(item.data));
    if (!select) return out;
    const keep = new Set(select.map((s) => s.toLowerCase()));
    for (const k of Object.keys(out))
      if (!k.startsWith('@odata') && k !== 'id' && !keep.has(k.toLowerCase())) delete out[k];
    return out;
  }

  // ------------------------------------------------------------------ fixture shape and snapshot

  fixtureShape(): Pick<FixtureMailbox, 'events' | 'contacts' | 'todoLists'> {
    const plain = (c: PimCollection) => [...c.items.values()].map((i) => ({ id: i.id, ...structuredClone(i.data) }));
    return {
      events: plain(this.calendar),
      contacts: [...this.contactFolders.values()].flatMap(plain),
      todoLists: [...this.todoLists.values()].map((l) => ({
        id: l.id,
        displayName: l.displayName,
        wellknownListName: l.wellKnown ?? 'none',
        tasks: plain(l),
      })),
    };
  }

  toJSON(): unknown {
    const col = (c: PimCollection) => ({ ...c, items: [...c.items.values()] });
    return {
      calendar: col(this.calendar),
      contactFolders: [...this.contactFolders.entries()].map(([k, c]) => [k, col(c)]),
      todoLists: [...this.todoLists.values()].map(col),
    };
  }

  restore(saved: unknown): void {
    type Saved = Omit<PimCollection, 'items'> & { items: PimItem[] };
    const s = saved as { calendar: Saved; contactFolders: [string, Saved][]; todoLists: Saved[] };
    const col = (c: Saved): PimCollection => ({ ...c, items: new Map(c.items.map((i) => [i.id, i])) });
    this.calendar = col(s.calendar);
    this.contactFolders = new Map(s.contactFolders.map(([k, c]) => [k, col(c)]));
    this.todoLists = new Map(s.todoLists.map((c) => [c.id, col(c)]));
  }
}

function withPimDefaults(kind: PimKind, data: Json, mbx: SimMailbox, id: string): Json {
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

/** The hex GlobalObjectId form Graph uses for iCalUId [G-evtpost]. */
function iCalUIdFor(id: string): string {
  return '040000008200E00074C5B7101A82E00800000000' + Buffer.from(id).subarray(-24).toString('hex').toUpperCase();
}

/** dateTimeTimeZone as Graph renders it: seven fractional digits, UTC. Other time zones are taken as UTC. */
function normaliseTime(v: unknown): unknown {
  const t = v as { dateTime?: string; timeZone?: string } | undefined;
  if (!t || typeof t.dateTime !== 'string') return v;
  const ms = eventTime(t);
  if (isNaN(ms)) return v;
  return { dateTime: new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000'), timeZone: 'UTC' };
}

export function eventTime(t: unknown): number {
  const s = String((t as { dateTime?: string } | undefined)?.dateTime ?? '');
  return Date.parse(/[zZ]|[+-]\d\d:\d\d$/.test(s) ? s : `${s}Z`);
}

// ------------------------------------------------------------------ delta

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
      // calendarView: changes outside the window come back as @removed [G-evtdelta].
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

// ------------------------------------------------------------------ events across mailboxes

export function attendeeAddresses(event: Json): string[] {
  const list = Array.isArray(event.attendees) ? (event.attendees as Json[]) : [];
  return list.map((a) => String((a.emailAddress as Json | undefined)?.address ?? '').toLowerCase()).filter(Boolean);
}

/** Validates an event body for create; start and end are required (dateTimeTimeZone). */
export function validateEventInput(body: unknown, create: boolean): Json {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Empty or invalid payload.');
  const e = body as Json;
  for (const k of ['start', 'end']) {
    if (e[k] === undefined && !create) continue;
    if (isNaN(eventTime(e[k])))
      throw new GraphError(
        400,
        'ErrorInvalidRequest',
        `Your request can't be completed. The '${k}' property must be a dateTimeTimeZone with a valid dateTime.`,
      );
  }
  if (e.attendees !== undefined && !Array.isArray(e.attendees))
    throw badRequest("Invalid value for property 'attendees'.");
  return e;
}
