// URL space for events, calendarView (delta), contacts and contact folders (delta), To Do lists and tasks
// (delta), under /users/{u}. Named for the request statistics like the mail routes.
import type { Json } from '../../../tenant/fixture';
import { GraphError, badRequest } from '../errors';
import { syncStateExpired } from '../delta';
import type { Route } from '../routes';
import type { MailStore, SimMailbox } from '../store';
import { pimDelta } from './delta';
import { eventRoutes } from './event-routes';
import { calendarViewItems, inPreferredZone } from './event-zone';
import { folderJson, list, listJson, objectBody, ok } from './collection-json';
import { eventTime } from './item-defaults';
import type { PimCollection, PimItem } from './store';

const isDelta = (s: string | undefined) => s === 'delta' || s === 'delta()';

export function pimRoutes(store: MailStore, u: string, mbx: () => SimMailbox, rest: string[]): Route | undefined {
  const head = rest[0];
  if (head === 'calendar' && rest[1] === 'events') return inPreferredZone(eventRoutes(store, u, mbx, rest.slice(2)));
  if (head === 'events') return inPreferredZone(eventRoutes(store, u, mbx, rest.slice(1)));
  if (head === 'calendarView') {
    if (rest.length === 1) {
      return inPreferredZone({
        name: 'calendarView',
        methods: ['GET'],
        mailbox: u,
        run: (c) => {
          const a = eventTime({ dateTime: c.query.get('startDateTime') ?? c.query.get('startdatetime') ?? '' });
          const b = eventTime({ dateTime: c.query.get('endDateTime') ?? c.query.get('enddatetime') ?? '' });
          if (isNaN(a) || isNaN(b))
            throw new GraphError(
              400,
              'ErrorInvalidParameter',
              'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
            );
          return list(c, 'event', calendarViewItems(mbx(), a, b));
        },
      });
    }
    if (rest.length === 2 && isDelta(rest[1]))
      return inPreferredZone(deltaRoute(store, u, mbx, 'calendarView/delta', () => mbx().pim.calendar));
    return undefined;
  }
  if (head === 'contacts') return contactRoutes(store, u, mbx, () => mbx().pim.defaultContacts(), rest.slice(1), true);
  if (head === 'contactFolders') {
    if (rest.length === 1) {
      return {
        name: 'contactFolders',
        methods: ['GET'],
        mailbox: u,
        run: (c) =>
          list(
            c,
            'contactFolder',
            [...mbx().pim.contactFolders.values()].map((f) => folderJson(mbx(), f)),
          ),
      };
    }
    const folder = () => mbx().pim.contactFolder(rest[1]);
    if (rest.length === 2)
      return { name: 'contactFolder', methods: ['GET'], mailbox: u, run: () => ok(folderJson(mbx(), folder())) };
    if (rest[2] === 'contacts') return contactRoutes(store, u, mbx, folder, rest.slice(3), false);
    return undefined;
  }
  if (head === 'todo' && rest[1] === 'lists') {
    const r = rest.slice(2);
    if (r.length === 0) {
      return {
        name: 'todo/lists',
        methods: ['GET', 'POST'],
        mailbox: u,
        run: (c) => {
          if (c.method === 'POST') {
            const b = objectBody(c);
            if (typeof b.displayName !== 'string' || !b.displayName)
              throw badRequest("The property 'displayName' is required.");
            return { status: 201, json: listJson(mbx().pim.addList(b.displayName)) };
          }
          return list(c, 'todoTaskList', [...mbx().pim.todoLists.values()].map(listJson));
        },
      };
    }
    const todo = () => mbx().pim.todoList(r[0]);
    if (r.length === 1) return { name: 'todo/list', methods: ['GET'], mailbox: u, run: () => ok(listJson(todo())) };
    if (r[1] !== 'tasks') return undefined;
    const t = r.slice(2);
    if (t.length === 1 && isDelta(t[0])) return deltaRoute(store, u, mbx, 'tasks/delta', todo);
    return itemRoutes(store, u, mbx, todo, t, 'tasks', 'todoTask', (b) => {
      if (b.title !== undefined && typeof b.title !== 'string') throw badRequest("Invalid value for property 'title'.");
      return b;
    });
  }
  return undefined;
}

function deltaRoute(
  store: MailStore,
  u: string,
  mbx: () => SimMailbox,
  name: string,
  col: () => PimCollection,
  alias = false,
): Route {
  return {
    name,
    methods: ['GET'],
    mailbox: u,
    run: (c) => {
      const m = mbx();
      const r = pimDelta(
        store,
        { mbx: m, c: col(), query: c.query, prefs: c.prefs, baseUrl: c.baseUrl, alias },
        (g, url) => syncStateExpired(m, g, url),
      );
      const headers: Record<string, string> = c.prefs.maxPageSize
        ? { 'Preference-Applied': `odata.maxpagesize=${r.pageSize}` }
        : {};
      return { status: 200, json: r.body, headers };
    },
  };
}

function contactRoutes(
  store: MailStore,
  u: string,
  mbx: () => SimMailbox,
  folder: () => PimCollection,
  t: string[],
  alias: boolean,
): Route | undefined {
  if (t.length === 1 && isDelta(t[0])) return deltaRoute(store, u, mbx, 'contacts/delta', folder, alias);
  return itemRoutes(
    store,
    u,
    mbx,
    folder,
    t,
    'contacts',
    'contact',
    (b) => {
      if (b.emailAddresses !== undefined && !Array.isArray(b.emailAddresses))
        throw badRequest("Invalid value for property 'emailAddresses'.");
      return b;
    },
    alias,
  );
}

/** GET/POST on the collection, GET/PATCH/DELETE on an item. With `anyFolder`, ids are looked up across folders. */
function itemRoutes(
  store: MailStore,
  u: string,
  mbx: () => SimMailbox,
  col: () => PimCollection,
  t: string[],
  name: string,
  type: string,
  check: (b: Json) => Json,
  anyFolder = false,
): Route | undefined {
  void store;
  if (t.length === 0) {
    return {
      name,
      methods: ['GET', 'POST'],
      mailbox: u,
      run: (c) => {
        const cc = col();
        if (c.method === 'POST')
          return { status: 201, json: mbx().pim.render(cc, mbx().pim.add(cc, check(objectBody(c)))) };
        const items = anyFolder
          ? mbx()
              .pim.collections(cc.kind)
              .flatMap((f) => [...f.items.values()].map((it) => mbx().pim.render(f, it)))
          : [...cc.items.values()].map((it) => mbx().pim.render(cc, it));
        return list(c, type, items);
      },
    };
  }
  if (t.length !== 1) return undefined;
  const locate = (): { c: PimCollection; item: PimItem } => {
    if (anyFolder) return mbx().pim.find(col().kind, t[0]);
    const c = col();
    return { c, item: mbx().pim.get(c, t[0]) };
  };
  return {
    name: name.replace(/s$/, ''),
    methods: ['GET', 'PATCH', 'DELETE'],
    mailbox: u,
    run: (c) => {
      const { c: cc, item } = locate();
      if (c.method === 'DELETE') {
        mbx().pim.remove(cc, item.id);
        return { status: 204 };
      }
      if (c.method === 'PATCH') return ok(mbx().pim.render(cc, mbx().pim.update(cc, item.id, check(objectBody(c)))));
      return ok(mbx().pim.render(cc, item));
    },
  };
}
