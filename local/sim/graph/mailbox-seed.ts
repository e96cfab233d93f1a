// A mailbox as a tenant fixture gives it: its folders (with Inbox and Sent Items made when left out), the
// messages it already holds, and its calendar, contacts and To Do.
import type { FixtureFolder, FixtureMailbox } from '../../tenant/fixture';
import { folderIdFor, userIdFor } from './ids';
import { displayNameFor, type SimFolder, type SimMailbox } from './mailbox';
import { PimStore } from './pim/store';
import type { MailStore } from './store';

const REQUIRED_FOLDERS = [
  { wellKnownName: 'inbox', displayName: 'Inbox' },
  { wellKnownName: 'sentitems', displayName: 'Sent Items' },
];

export function addMailbox(store: MailStore, address: string, fixture: FixtureMailbox): void {
  const mbx: SimMailbox = {
    address,
    userId: userIdFor(address),
    displayName: displayNameFor(address),
    rootId: folderIdFor(address, '/msgfolderroot'),
    folders: new Map(),
    messages: new Map(),
    byRegularId: new Map(),
    extras: { events: fixture.events, contacts: fixture.contacts, todoLists: fixture.todoLists },
    pim: undefined as unknown as PimStore,
    syncGeneration: 0,
    ...(fixture.access ? { access: fixture.access } : {}),
  };
  mbx.pim = new PimStore(store, mbx);
  mbx.pim.seed(fixture);
  store.mailboxes.set(address.toLowerCase(), mbx);
  const folders = [...(fixture.mailFolders ?? [])];
  for (const req of REQUIRED_FOLDERS) {
    const known = folders.some((f) => f.wellKnownName?.toLowerCase() === req.wellKnownName);
    if (!known) folders.push({ ...req, messages: [] });
  }
  const addFolder = (f: FixtureFolder, parentId: string, path: string) => {
    const folder: SimFolder = {
      id: f.id ?? folderIdFor(address, `${path}/${f.wellKnownName ?? f.displayName}`),
      displayName: f.displayName,
      wellKnownName: f.wellKnownName,
      parentFolderId: parentId,
      changes: [],
      order: [],
    };
    mbx.folders.set(folder.id, folder);
    (f.messages ?? []).forEach((m, i) => store.insert(mbx, folder, m, `${folder.id}#${i}`, true));
    for (const child of f.childFolders ?? []) addFolder(child, folder.id, `${path}/${f.displayName}`);
  };
  for (const f of folders) addFolder(f, mbx.rootId, '');
}
