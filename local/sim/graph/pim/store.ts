// Calendar (primary calendar), personal contacts and Microsoft To Do per mailbox: items with change logs on
// the store's shared sequence, and the create/update/delete paths sync uses.
import type { FixtureMailbox, Json } from '../../../tenant/fixture';
import { itemNotFound } from '../errors';
import { changeKeyFor, folderIdFor, immutableIdFor } from '../ids';
import { bodyPreviewOf } from '../message-defaults';
import type { MailStore, SimMailbox } from '../store';
import { normaliseTime, withPimDefaults } from './item-defaults';
import { scalarText } from '../../json-scalar';

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
        scalarText(l.displayName) ?? 'Tasks',
        typeof l.id === 'string' ? l.id : undefined,
        scalarText(l.wellknownListName) ?? 'none',
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
