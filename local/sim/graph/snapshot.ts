// The simulator's state outside the process: the fixture-shaped dump of current contents, and the full
// snapshot (messages, change logs, token key) a restarted simulator resumes from with its links still valid.
import type { FixtureFolder, FixtureMailbox } from '../../tenant/fixture';
import { folderIdFor, userIdFor } from './ids';
import { PimStore } from './pim/store';
import { displayNameFor, type ChangeKind, type MailStore, type SimMailbox, type SimMessage } from './store';

const FORMAT = 'exsync-graph-sim/1';

export function exchangeState(store: MailStore): Record<string, FixtureMailbox> {
  const out: Record<string, FixtureMailbox> = {};
  for (const mbx of store.mailboxes.values()) {
    const tree = (parentId: string): FixtureFolder[] =>
      [...mbx.folders.values()]
        .filter((f) => f.parentFolderId === parentId)
        .map((f) => {
          const folder: FixtureFolder = { id: f.id, displayName: f.displayName };
          if (f.wellKnownName) folder.wellKnownName = f.wellKnownName;
          folder.parentFolderId = parentId === mbx.rootId ? null : parentId;
          folder.messages = store
            .members(f)
            .map((m) => ({ id: m.immutableId, ...structuredClone(m.data), parentFolderId: f.id }));
          const children = tree(f.id);
          if (children.length) folder.childFolders = children;
          return folder;
        });
    const fm: FixtureMailbox = { mailFolders: tree(mbx.rootId), ...(mbx.access ? { access: mbx.access } : {}) };
    // Live contents; a workload the fixture left out and nobody touched stays out of the dump.
    const live = mbx.pim.fixtureShape();
    const touched = (cols: { changes: unknown[] }[]) => cols.some((c) => c.changes.length > 0);
    if (mbx.extras.events || touched([mbx.pim.calendar])) fm.events = live.events;
    if (mbx.extras.contacts || touched([...mbx.pim.contactFolders.values()])) fm.contacts = live.contacts;
    if (mbx.extras.todoLists || touched([...mbx.pim.todoLists.values()]) || mbx.pim.todoLists.size > 1)
      fm.todoLists = live.todoLists;
    out[mbx.address] = fm;
  }
  return out;
}

export function snapshotOf(store: MailStore): unknown {
  return {
    format: FORMAT,
    tokenKey: store.tokenKey.toString('base64'),
    seq: store.seq,
    mailboxes: [...store.mailboxes.values()].map((mbx) => ({
      address: mbx.address,
      extras: mbx.extras,
      pim: mbx.pim.toJSON(),
      syncGeneration: mbx.syncGeneration,
      expiry: mbx.expiry,
      access: mbx.access,
      folders: [...mbx.folders.values()].map((f) => ({
        id: f.id,
        displayName: f.displayName,
        wellKnownName: f.wellKnownName,
        parentFolderId: f.parentFolderId,
        // Compact tuples: the log is the bulk of a snapshot.
        changes: f.changes.map((c) => [c.seq, c.kind, c.immutableId, c.regularId, ...(c.props ? [c.props] : [])]),
      })),
      messages: [...mbx.messages.values()].map((m) => ({ ...m, data: structuredClone(m.data) })),
    })),
  };
}

export function restoreInto(store: MailStore, snapshot: unknown): void {
  const s = snapshot as SnapshotShape;
  if (!s || s.format !== FORMAT) throw new Error('not a Graph simulator snapshot');
  store.tokenKey = Buffer.from(s.tokenKey, 'base64');
  store.seq = s.seq;
  for (const sm of s.mailboxes) {
    const mbx: SimMailbox = {
      address: sm.address,
      userId: userIdFor(sm.address),
      displayName: displayNameFor(sm.address),
      rootId: folderIdFor(sm.address, '/msgfolderroot'),
      folders: new Map(),
      messages: new Map(),
      byRegularId: new Map(),
      extras: sm.extras ?? {},
      pim: undefined as unknown as PimStore,
      syncGeneration: sm.syncGeneration ?? 0,
      expiry: sm.expiry,
      ...(sm.access ? { access: sm.access } : {}),
    };
    mbx.pim = new PimStore(store, mbx);
    if (sm.pim) mbx.pim.restore(sm.pim);
    else mbx.pim.seed(mbx.extras);
    for (const f of sm.folders) {
      mbx.folders.set(f.id, {
        id: f.id,
        displayName: f.displayName,
        wellKnownName: f.wellKnownName,
        parentFolderId: f.parentFolderId,
        order: [],
        changes: f.changes.map(([seq, kind, immutableId, regularId, props]) => ({
          seq,
          kind,
          immutableId,
          regularId,
          ...(props ? { props } : {}),
        })),
      });
    }
    for (const m of [...sm.messages].sort((a, b) => a.arrivalSeq - b.arrivalSeq)) {
      mbx.messages.set(m.immutableId, m);
      mbx.byRegularId.set(m.regularId, m.immutableId);
      mbx.folders.get(m.folderId)?.order.push(m);
    }
    store.mailboxes.set(sm.address.toLowerCase(), mbx);
  }
}

interface SnapshotShape {
  format: string;
  tokenKey: string;
  seq: number;
  mailboxes: {
    address: string;
    extras?: SimMailbox['extras'];
    pim?: unknown;
    syncGeneration?: number;
    expiry?: SimMailbox['expiry'];
    access?: SimMailbox['access'];
    folders: {
      id: string;
      displayName: string;
      wellKnownName?: string;
      parentFolderId: string;
      changes: [number, ChangeKind, string, string, string[]?][];
    }[];
    messages: SimMessage[];
  }[];
}
