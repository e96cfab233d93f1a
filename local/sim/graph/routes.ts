// The URL space the simulator answers: users, mail folders, messages, delta, $value. Each route names
// itself for the request statistics and the fault-injection hook.
import type { Json } from '../../tenant/fixture';
import { GraphError, badRequest, itemNotFound } from './errors';
import { messageInput, mimeInput, sendMail } from './mail-write';
import { messageRoutes, withContext } from './message-routes';
import { pimRoutes } from './pim/routes';
import type { Preferences } from './prefer';
import type { MailStore, SimFolder, SimMailbox } from './store';

export interface RouteContext {
  method: string;
  query: URLSearchParams;
  prefs: Preferences;
  baseUrl: string;
  /** The parsed JSON request body (PATCH). */
  body: () => unknown;
  /** The raw request body and its media type (sendMail in MIME mode). */
  raw: Buffer;
  contentType: string;
}

export interface RouteResult {
  status: number;
  json?: unknown;
  /** A body that is not JSON: text, or raw bytes (an attachment's $value). */
  text?: { contentType: string; content: string | Buffer };
  headers?: Record<string, string>;
}

export interface Route {
  name: string;
  methods: string[];
  /** The mailbox segment as the client sent it, when the route is under /users/{u}. */
  mailbox?: string;
  run: (ctx: RouteContext) => RouteResult | Promise<RouteResult>;
}

/** `mailFolders('inbox')` and `mailFolders/inbox` address the same thing. */
export function splitSegments(pathname: string): string[] {
  const out: string[] = [];
  for (const raw of pathname.split('/').filter(Boolean)) {
    const seg = decodeURIComponent(raw);
    const m = /^([A-Za-z$]+)\('?(.*?)'?\)$/.exec(seg);
    if (m && m[1] !== 'delta') out.push(m[1], m[2]);
    else out.push(seg);
  }
  return out;
}

const ok = (json: unknown): RouteResult => ({ status: 200, json });

export function matchRoute(store: MailStore, segs: string[]): Route | undefined {
  if (segs[0] === 'me') {
    return {
      name: 'me',
      methods: ['GET', 'PATCH', 'POST', 'DELETE'],
      run: () => {
        throw badRequest('/me request is only valid with delegated authentication flow.');
      },
    };
  }
  if (segs[0] !== 'users') return undefined;
  if (segs.length === 1) return { name: 'users', methods: ['GET'], run: (c) => ok(listUsers(store, c)) };
  const u = segs[1];
  const mbx = () => store.mailbox(u);
  const rest = segs.slice(2);
  if (rest.length === 0)
    return {
      name: 'user',
      methods: ['GET'],
      mailbox: u,
      run: (c) => ok(userJson(lookupUser(store, u), c.baseUrl, true)),
    };
  if (rest[0] === 'messages') return messageRoutes(store, u, mbx, undefined, rest.slice(1), 'messages');
  if (rest[0] === 'sendMail' && rest.length === 1) {
    return {
      name: 'sendMail',
      methods: ['POST'],
      mailbox: u,
      run: (c) => {
        if (/^text\/plain/i.test(c.contentType)) sendMail(store, mbx(), mimeInput(c.raw), true);
        else {
          // Action parameters are case-insensitive; the SDKs send `Message` and `SaveToSentItems`.
          const given = c.body() as Json | null;
          const b: Json = {};
          for (const [k, v] of Object.entries(given && typeof given === 'object' ? given : {}))
            b[k.charAt(0).toLowerCase() + k.slice(1)] = v;
          if (!b.message)
            throw new GraphError(400, 'ErrorInvalidParameter', "The value of the parameter 'Message' is empty.");
          sendMail(store, mbx(), messageInput(b.message, true), b.saveToSentItems !== false);
        }
        return { status: 202 };
      },
    };
  }
  const pim = pimRoutes(store, u, mbx, rest);
  if (pim) return pim;
  if (rest[0] !== 'mailFolders') return undefined;
  if (rest.length === 1) {
    return {
      name: 'mailFolders',
      methods: ['GET'],
      mailbox: u,
      run: (c) => ok(folderList(store, mbx(), mbx().rootId, c)),
    };
  }
  // mailFolders/{f}(/childFolders/{g})* then an optional tail.
  let i = 1;
  const path = [rest[i++]];
  while (rest[i] === 'childFolders' && rest[i + 1] !== undefined) {
    path.push(rest[i + 1]);
    i += 2;
  }
  const folder = () => resolveFolderPath(store, mbx(), path);
  const tail = rest.slice(i);
  if (tail.length === 0)
    return { name: 'mailFolder', methods: ['GET'], mailbox: u, run: () => ok(folderJson(store, folder())) };
  if (tail[0] === 'childFolders' && tail.length === 1) {
    return {
      name: 'childFolders',
      methods: ['GET'],
      mailbox: u,
      run: (c) => ok(folderList(store, mbx(), folder().id, c)),
    };
  }
  if (tail[0] === 'messages') return messageRoutes(store, u, mbx, folder, tail.slice(1), 'mailFolders/messages');
  return undefined;
}

function lookupUser(store: MailStore, u: string): SimMailbox {
  try {
    return store.mailbox(u);
  } catch {
    throw new GraphError(
      404,
      'Request_ResourceNotFound',
      `Resource '${u}' does not exist or one of its queried reference-property objects are not present.`,
    );
  }
}

function userJson(m: SimMailbox, baseUrl: string, withCtx: boolean): Json {
  const user = { id: m.userId, displayName: m.displayName, userPrincipalName: m.address, mail: m.address };
  return withCtx ? withContext(user, `${baseUrl}/$metadata#users/$entity`) : user;
}

function listUsers(store: MailStore, c: RouteContext): Json {
  return {
    '@odata.context': `${c.baseUrl}/$metadata#users`,
    value: [...store.mailboxes.values()].map((m) => userJson(m, c.baseUrl, false)),
  };
}

function resolveFolderPath(store: MailStore, mbx: SimMailbox, path: string[]): SimFolder {
  let f = path[0].toLowerCase() === 'msgfolderroot' ? rootFolder(mbx) : store.folder(mbx, path[0]);
  for (const ref of path.slice(1)) {
    const child = store.folder(mbx, ref);
    if (child.parentFolderId !== f.id) throw itemNotFound();
    f = child;
  }
  return f;
}

function rootFolder(mbx: SimMailbox): SimFolder {
  return { id: mbx.rootId, displayName: 'Top of Information Store', parentFolderId: '', changes: [], order: [] };
}

function folderJson(store: MailStore, f: SimFolder): Json {
  const members = store.members(f);
  const out: Json = {
    id: f.id,
    displayName: f.displayName,
    parentFolderId: f.parentFolderId,
    childFolderCount: 0,
    unreadItemCount: members.filter((m) => m.data.isRead !== true).length,
    totalItemCount: members.length,
    isHidden: false,
  };
  if (f.wellKnownName) out.wellKnownName = f.wellKnownName;
  return out;
}

function folderList(store: MailStore, mbx: SimMailbox, parentId: string, c: RouteContext): Json {
  const folders = [...mbx.folders.values()].filter((f) => f.parentFolderId === parentId);
  const value = folders.map((f) => {
    const j = folderJson(store, f);
    j.childFolderCount = [...mbx.folders.values()].filter((g) => g.parentFolderId === f.id).length;
    return j;
  });
  return { '@odata.context': `${c.baseUrl}/$metadata#users('${encodeURIComponent(mbx.userId)}')/mailFolders`, value };
}
