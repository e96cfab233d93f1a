// messages/delta for one folder. A round is described entirely by its signed token: the first round pages
// over the folder as of sequence number `s`; later rounds fold the folder's change log between `s` and the
// head `h` fixed on the round's first page. Anything that changes meanwhile lands in the next round.
import type { Json } from '../../tenant/fixture';
import { GraphError, badRequest } from './errors';
import { parseSelect, renderMessage, renderPartial, renderRemoved, type RenderOptions } from './message-json';
import type { Preferences } from './prefer';
import type { FolderChange, MailStore, SimFolder, SimMailbox, SimMessage } from './store';
import { decodeToken, encodeToken, type DeltaOptions, type DeltaState } from './tokens';

const DEFAULT_PAGE = 10;
const MAX_PAGE = 1000;

export interface DeltaRequest {
  mbx: SimMailbox;
  folder: SimFolder;
  query: URLSearchParams;
  prefs: Preferences;
  baseUrl: string;
}

export interface DeltaResult {
  body: Json;
  pageSize: number;
}

export function deltaPage(store: MailStore, req: DeltaRequest): DeltaResult {
  const state = stateFor(store, req);
  const o = state.o;
  const sizes = [req.prefs.maxPageSize ?? o.pageSize, o.top].filter((n): n is number => n !== undefined);
  const pageSize = Math.min(MAX_PAGE, sizes.length ? Math.min(...sizes) : DEFAULT_PAGE);
  // The header applies per request; the first request's choice also sticks through the token.
  const render: RenderOptions = {
    select: o.select,
    immutableId: o.immutableId || req.prefs.immutableId,
    // None for Sent Items copies and drafts (microsoftgraph/microsoft-graph-docs#2716): headersOf decides.
    headers: (m) => store.headersOf(req.mbx, m),
    bodyText: req.prefs.bodyText,
  };
  const page =
    state.p === 'i'
      ? initialPage(store, req.folder, state, pageSize, render)
      : changesPage(store, req, state, pageSize, render);
  const link = `${req.baseUrl}/users/${req.mbx.userId}/mailFolders/${encodeURIComponent(req.folder.id)}/messages/delta`;
  const body: Json = { '@odata.context': `${req.baseUrl}/$metadata#Collection(message)` };
  if (page.next) body['@odata.nextLink'] = `${link}?$skiptoken=${encodeToken(store.tokenKey, page.next)}`;
  else body['@odata.deltaLink'] = `${link}?$deltatoken=${encodeToken(store.tokenKey, page.done!)}`;
  body.value = page.value;
  return { body, pageSize };
}

function stateFor(store: MailStore, req: DeltaRequest): DeltaState {
  const { query, mbx, folder } = req;
  const skip = query.get('$skiptoken');
  const delta = query.get('$deltatoken');
  if (skip === null && delta === null) {
    return {
      u: mbx.userId,
      f: folder.id,
      o: parseOptions(query, req.prefs),
      p: 'i',
      s: store.seq,
      c: 0,
      g: mbx.syncGeneration,
    };
  }
  if ([...query.keys()].length !== 1) {
    throw badRequest('Query options cannot be added to a nextLink or deltaLink: they are encoded in its state token.');
  }
  const state = decodeToken(store.tokenKey, (skip ?? delta)!);
  if (!state || state.s > store.seq || (state.h ?? 0) > store.seq) {
    throw new GraphError(
      410,
      'SyncStateNotFound',
      'The sync state generation is not found. The delta token is expired and data must be synchronized again.',
    );
  }
  if (state.u !== mbx.userId || state.f !== folder.id)
    throw badRequest('The state token was issued for a different mailbox or folder.');
  if ((state.g ?? 0) < mbx.syncGeneration)
    throw syncStateExpired(
      mbx,
      state.g ?? 0,
      `${req.baseUrl}/users/${mbx.userId}/mailFolders/${encodeURIComponent(folder.id)}/messages/delta`,
    );
  return state;
}

function parseOptions(query: URLSearchParams, prefs: Preferences): DeltaOptions {
  const o: DeltaOptions = { immutableId: prefs.immutableId };
  if (prefs.maxPageSize !== undefined) o.pageSize = prefs.maxPageSize;
  for (const [name, value] of query) {
    switch (name.toLowerCase()) {
      case '$select':
        o.select = parseSelect(value);
        break;
      case '$top': {
        const n = Number(value);
        if (!Number.isInteger(n) || n <= 0) throw badRequest(`Invalid value '${value}' for $top.`);
        o.top = n;
        break;
      }
      case '$filter': {
        const m = /^\s*receivedDateTime\s+(ge|gt)\s+(\S+)\s*$/i.exec(value);
        if (!m || isNaN(Date.parse(m[2])))
          throw badRequest('Delta supports only $filter=receivedDateTime ge|gt {value}.');
        o.filter = { op: m[1].toLowerCase() as 'ge' | 'gt', value: m[2] };
        break;
      }
      case 'changetype': {
        const v = value.toLowerCase();
        if (v !== 'created' && v !== 'updated' && v !== 'deleted') throw badRequest(`Invalid changeType '${value}'.`);
        o.changeType = v;
        break;
      }
      case '$orderby':
        // Graph accepts only this ordering on delta; the simulator accepts it but pages in arrival order.
        if (!/^\s*receivedDateTime\s+desc\s*$/i.test(value))
          throw badRequest('Delta supports only $orderby=receivedDateTime desc.');
        break;
      case '$expand':
        break; // accepted like Graph; expansions are not simulated
      default:
        if (name.startsWith('$')) throw badRequest(`Query option '${name}' is not allowed on delta.`);
    }
  }
  return o;
}

function passesFilter(m: SimMessage, o: DeltaOptions): boolean {
  if (!o.filter) return true;
  const at = Date.parse(String(m.data.receivedDateTime));
  const bound = Date.parse(o.filter.value);
  return o.filter.op === 'ge' ? at >= bound : at > bound;
}

interface Page {
  value: Json[];
  next?: DeltaState;
  done?: DeltaState;
}

function initialPage(
  store: MailStore,
  folder: SimFolder,
  state: DeltaState,
  size: number,
  render: RenderOptions,
): Page {
  const done: DeltaState = { u: state.u, f: state.f, o: state.o, p: 'd', s: state.s, g: state.g };
  const ct = state.o.changeType;
  if (ct === 'updated' || ct === 'deleted') return { value: [], done };
  // Members that arrived after `s` are left to the next round, which reports them as created.
  const rest = store
    .members(folder)
    .filter((m) => m.arrivalSeq <= state.s && m.arrivalSeq > (state.c ?? 0) && passesFilter(m, state.o));
  const slice = rest.slice(0, size);
  const value = slice.map((m) => renderMessage(m, render));
  if (rest.length > size) return { value, next: { ...state, c: slice[slice.length - 1].arrivalSeq } };
  return { value, done };
}

/** One residence of a message in the folder (a regular id lives exactly that long), folded over the window. */
interface Episode {
  immutableId: string;
  regularId: string;
  first: FolderChange['kind'];
  last: FolderChange['kind'];
  lastSeq: number;
  props: Set<string>;
}

function episodes(changes: FolderChange[], after: number, upTo: number): Episode[] {
  let lo = 0;
  let hi = changes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (changes[mid].seq <= after) lo = mid + 1;
    else hi = mid;
  }
  const byResidence = new Map<string, Episode>();
  for (let i = lo; i < changes.length && changes[i].seq <= upTo; i++) {
    const c = changes[i];
    let ep = byResidence.get(c.regularId);
    if (!ep)
      byResidence.set(
        c.regularId,
        (ep = {
          immutableId: c.immutableId,
          regularId: c.regularId,
          first: c.kind,
          last: c.kind,
          lastSeq: c.seq,
          props: new Set(),
        }),
      );
    ep.last = c.kind;
    ep.lastSeq = c.seq;
    for (const p of c.props ?? []) ep.props.add(p);
  }
  return [...byResidence.values()].sort((a, b) => a.lastSeq - b.lastSeq);
}

function changesPage(
  store: MailStore,
  req: DeltaRequest,
  state: DeltaState,
  size: number,
  render: RenderOptions,
): Page {
  const h = state.h ?? store.seq;
  const eps = episodes(req.folder.changes, state.s, h);
  const ct = state.o.changeType;
  const value: Json[] = [];
  let k = state.k ?? 0;
  for (; k < eps.length && value.length < size; k++) {
    const ep = eps[k];
    const arrived = ep.first === 'add';
    const left = ep.last === 'remove';
    if (arrived && left) continue; // came and went within the window: the client never needs to know
    if (left) {
      if (!ct || ct === 'deleted') value.push(renderRemoved(render.immutableId ? ep.immutableId : ep.regularId));
      continue;
    }
    if (ct && ct !== (arrived ? 'created' : 'updated')) continue;
    // Still in this residence now? If not, it left after `h` and the next round reports that.
    const m = req.mbx.messages.get(ep.immutableId);
    if (!m || m.regularId !== ep.regularId || !passesFilter(m, state.o)) continue;
    value.push(arrived ? renderMessage(m, render) : renderPartial(m, ep.props, render));
  }
  if (k < eps.length) return { value, next: { ...state, h, k } };
  return { value, done: { u: state.u, f: state.f, o: state.o, p: 'd', s: h, g: state.g } };
}

/** The answer to a token issued before expireDeltaTokens: 410 with the configured code (Graph's documented syncStateNotFound, or the casing seen on the wire). */
export function syncStateExpired(mbx: SimMailbox, generation: number, initialUrl: string): GraphError {
  const how = mbx.expiry ?? { code: 'SyncStateNotFound' as const };
  const headers: Record<string, string> = how.location ? { Location: initialUrl } : {};
  if (how.code === 'resyncRequired')
    return new GraphError(
      410,
      'resyncRequired',
      'The delta token is no longer valid, and the app must reset the sync state.',
      headers,
    );
  return new GraphError(
    410,
    how.code,
    `The sync state generation is not found; generation=${generation};[highest=${mbx.syncGeneration}]. The delta token is expired and data must be synchronized again.`,
    headers,
  );
}
