import {
  type Problems,
  type Obj,
  keyPath,
  indexPath,
  isObject,
  describe,
  checkOptional,
  objectsIn,
  looksLikeAddress,
} from './checks';
import { MAILBOX_ACCESS } from './fixture';

// Only the structure is checked here. A message with no internetMessageId, or a from without an
// address, is valid fixture data: the pipeline must meet it and record a failed or skipped decision.

/** Checks `exchange`: mailbox address -> folders with messages, events, contacts, todo lists. */
export function checkExchange(p: Problems, exchange: unknown): Set<string> {
  const path = 'exchange';
  const addresses = new Set<string>();
  if (!isObject(exchange)) {
    p.add(path, `expected an object keyed by mailbox address, got ${describe(exchange)}`);
    return addresses;
  }
  for (const [address, mailbox] of Object.entries(exchange)) {
    const at = keyPath(path, address);
    if (!looksLikeAddress(address)) p.add(at, `expected a mailbox address as the key, got ${describe(address)}`);
    else if (addresses.has(address.toLowerCase()))
      p.add(at, 'expected each mailbox once, got a second key for it (addresses ignore case)');
    addresses.add(address.toLowerCase());
    if (!isObject(mailbox)) {
      p.add(at, `expected a mailbox object, got ${describe(mailbox)}`);
      continue;
    }
    const seen: MailboxIds = { folders: new Set(), wellKnown: new Set(), messages: new Set() };
    if (!('mailFolders' in mailbox))
      p.add(keyPath(at, 'mailFolders'), `expected an array of mail folders ([] for none), got ${describe(undefined)}`);
    else checkFolders(p, mailbox.mailFolders, keyPath(at, 'mailFolders'), seen);
    if ('access' in mailbox && !(MAILBOX_ACCESS as readonly unknown[]).includes(mailbox.access))
      p.add(keyPath(at, 'access'), `expected one of ${MAILBOX_ACCESS.join(', ')}, got ${describe(mailbox.access)}`);
    for (const list of ['events', 'contacts', 'todoLists'])
      if (list in mailbox) objectsIn(p, mailbox[list], keyPath(at, list));
  }
  return addresses;
}

interface MailboxIds {
  folders: Set<string>;
  wellKnown: Set<string>;
  messages: Set<string>;
}

function checkFolders(p: Problems, folders: unknown, path: string, seen: MailboxIds): void {
  for (const [folder, i] of objectsIn(p, folders, path)) {
    const at = indexPath(path, i);
    if (typeof folder.displayName !== 'string' || !folder.displayName.trim())
      p.add(keyPath(at, 'displayName'), `expected the folder's name, got ${describe(folder.displayName)}`);
    // ids and well-known names address a folder; two alike would make delivery and delta ambiguous
    if (checkOptional(p, folder, at, 'id', 'string') && typeof folder.id === 'string') {
      if (seen.folders.has(folder.id))
        p.add(
          keyPath(at, 'id'),
          `expected an id no other folder of this mailbox has, got ${describe(folder.id)} again`,
        );
      seen.folders.add(folder.id);
    }
    if (checkOptional(p, folder, at, 'wellKnownName', 'string') && typeof folder.wellKnownName === 'string') {
      const name = folder.wellKnownName.toLowerCase();
      if (seen.wellKnown.has(name))
        p.add(
          keyPath(at, 'wellKnownName'),
          `expected a well-known name no other folder of this mailbox has, got ${describe(folder.wellKnownName)} again`,
        );
      seen.wellKnown.add(name);
    }
    checkOptional(p, folder, at, 'parentFolderId', 'string');
    if ('childFolders' in folder) checkFolders(p, folder.childFolders, keyPath(at, 'childFolders'), seen);
    if ('messages' in folder)
      for (const [m, j] of objectsIn(p, folder.messages, keyPath(at, 'messages')))
        checkMessage(p, m, indexPath(keyPath(at, 'messages'), j), seen.messages);
  }
}

const RECIPIENT_LISTS = ['toRecipients', 'ccRecipients', 'bccRecipients', 'replyTo'];
const MESSAGE_DATES = ['receivedDateTime', 'sentDateTime', 'createdDateTime', 'lastModifiedDateTime'];

export function checkMessage(p: Problems, m: Obj, at: string, ids?: Set<string>): void {
  if (checkOptional(p, m, at, 'id', 'string') && typeof m.id === 'string' && ids) {
    if (ids.has(m.id))
      p.add(keyPath(at, 'id'), `expected an id no other message of this mailbox has, got ${describe(m.id)} again`);
    ids.add(m.id);
  }
  for (const d of MESSAGE_DATES) checkOptional(p, m, at, d, 'date');
  for (const list of RECIPIENT_LISTS) if (list in m && m[list] !== null) objectsIn(p, m[list], keyPath(at, list));
  if ('internetMessageHeaders' in m && m.internetMessageHeaders !== null) {
    const hp = keyPath(at, 'internetMessageHeaders');
    for (const [h, k] of objectsIn(p, m.internetMessageHeaders, hp))
      if (typeof h.name !== 'string' || typeof h.value !== 'string')
        p.add(
          indexPath(hp, k),
          `expected { "name": string, "value": string }, got name ${describe(h.name)} and value ${describe(h.value)}`,
        );
  }
  if ('categories' in m && !(Array.isArray(m.categories) && m.categories.every((c) => typeof c === 'string')))
    p.add(
      keyPath(at, 'categories'),
      `expected an array of category names, got ${Array.isArray(m.categories) ? 'an array holding something else' : describe(m.categories)}`,
    );
  if ('body' in m && m.body !== null && !isObject(m.body))
    p.add(keyPath(at, 'body'), `expected { "contentType", "content" }, got ${describe(m.body)}`);
  if ('attachments' in m && m.attachments !== null) checkAttachments(p, m.attachments, keyPath(at, 'attachments'));
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Graph attachment JSON: optional name, contentType, contentId, id (strings), isInline, size, base64 contentBytes. */
function checkAttachments(p: Problems, list: unknown, ap: string): void {
  for (const [a, k] of objectsIn(p, list, ap)) {
    const at = indexPath(ap, k);
    for (const key of ['id', 'name', 'contentType', 'contentId', '@odata.type']) checkOptional(p, a, at, key, 'string');
    checkOptional(p, a, at, 'isInline', 'boolean');
    checkOptional(p, a, at, 'size', { min: 0, max: Number.MAX_SAFE_INTEGER });
    if ('contentBytes' in a && !(typeof a.contentBytes === 'string' && BASE64.test(a.contentBytes)))
      p.add(keyPath(at, 'contentBytes'), `expected the content in base64, got ${describe(a.contentBytes)}`);
  }
}

const VERBS = ['deliver', 'update', 'move', 'dataverse'];

/** Checks `timeline`: things that happen during a run, each an `at` and one known verb. */
export function checkTimeline(p: Problems, timeline: unknown, mailboxes: Set<string>): void {
  const path = 'timeline';
  for (const [event, i] of objectsIn(p, timeline, path)) {
    const at = indexPath(path, i);
    if (!('at' in event)) p.add(keyPath(at, 'at'), `expected the date and time it happens, got ${describe(undefined)}`);
    else checkOptional(p, event, at, 'at', 'date');
    const verbs = Object.keys(event).filter((k) => k !== 'at');
    const unknown = verbs.filter((v) => !VERBS.includes(v));
    if (unknown.length)
      p.add(at, `expected one verb of ${VERBS.join(', ')}, got ${unknown.map((v) => JSON.stringify(v)).join(', ')}`);
    else if (verbs.length !== 1) p.add(at, `expected exactly one verb (${VERBS.join(', ')}), got ${verbs.length}`);
    if ('deliver' in event) checkDeliver(p, event.deliver, keyPath(at, 'deliver'), mailboxes);
    if ('update' in event) checkMessageChange(p, event.update, keyPath(at, 'update'), mailboxes, 'set');
    if ('move' in event) checkMessageChange(p, event.move, keyPath(at, 'move'), mailboxes, 'folder');
    if ('dataverse' in event) checkDataverseChange(p, event.dataverse, keyPath(at, 'dataverse'));
  }
}

/** update: { mailbox, internetMessageId, set: { categories?, isRead? } }; move: { mailbox, internetMessageId, folder }. */
function checkMessageChange(p: Problems, d: unknown, at: string, mailboxes: Set<string>, what: 'set' | 'folder'): void {
  if (!isObject(d)) return p.add(at, `expected { mailbox, internetMessageId, ${what} }, got ${describe(d)}`);
  if (!looksLikeAddress(d.mailbox))
    p.add(keyPath(at, 'mailbox'), `expected a mailbox address, got ${describe(d.mailbox)}`);
  else if (!mailboxes.has(d.mailbox.toLowerCase()))
    p.add(keyPath(at, 'mailbox'), `expected a mailbox of exchange, got ${describe(d.mailbox)}, which is not one`);
  if (typeof d.internetMessageId !== 'string' || !d.internetMessageId.trim())
    p.add(
      keyPath(at, 'internetMessageId'),
      `expected the Message-ID of a message in that mailbox, got ${describe(d.internetMessageId)}`,
    );
  if (what === 'folder' && (typeof d.folder !== 'string' || !d.folder.trim()))
    p.add(keyPath(at, 'folder'), `expected a folder id, well-known name or display name, got ${describe(d.folder)}`);
  if (what === 'set') {
    if (!isObject(d.set)) p.add(keyPath(at, 'set'), `expected the properties to change, got ${describe(d.set)}`);
    else
      for (const k of Object.keys(d.set))
        if (!['categories', 'isRead', 'flag', 'importance'].includes(k))
          p.add(
            keyPath(keyPath(at, 'set'), k),
            `expected one of categories, isRead, flag, importance (what can be changed), got ${describe(k)}`,
          );
  }
}

/** dataverse: { patch: { entitySet, id, values } }: what a user or another app changes in Dataverse meanwhile. */
function checkDataverseChange(p: Problems, d: unknown, at: string): void {
  if (!isObject(d) || !isObject(d.patch))
    return p.add(at, `expected { patch: { entitySet, id, values } }, got ${describe(d)}`);
  const patch = d.patch;
  if (typeof patch.entitySet !== 'string' || !/^[a-z_][a-z0-9_]*$/i.test(patch.entitySet))
    p.add(keyPath(keyPath(at, 'patch'), 'entitySet'), `expected an entity set name, got ${describe(patch.entitySet)}`);
  if (typeof patch.id !== 'string' || !/^[0-9a-f-]{36}$/i.test(patch.id))
    p.add(keyPath(keyPath(at, 'patch'), 'id'), `expected a GUID, got ${describe(patch.id)}`);
  if (!isObject(patch.values))
    p.add(keyPath(keyPath(at, 'patch'), 'values'), `expected the columns to set, got ${describe(patch.values)}`);
}

function checkDeliver(p: Problems, d: unknown, at: string, mailboxes: Set<string>): void {
  if (!isObject(d)) return p.add(at, `expected { to, folder, message }, got ${describe(d)}`);
  if (!looksLikeAddress(d.to)) p.add(keyPath(at, 'to'), `expected a mailbox address, got ${describe(d.to)}`);
  else if (!mailboxes.has(d.to.toLowerCase()))
    p.add(keyPath(at, 'to'), `expected a mailbox of exchange, got ${describe(d.to)}, which is not one`);
  if (typeof d.folder !== 'string' || !d.folder.trim())
    p.add(keyPath(at, 'folder'), `expected a folder id, well-known name or display name, got ${describe(d.folder)}`);
  if (!isObject(d.message)) p.add(keyPath(at, 'message'), `expected a message object, got ${describe(d.message)}`);
  else checkMessage(p, d.message, keyPath(at, 'message'));
}
