// The simulated Exchange store: mailboxes, folders, messages and, per folder, an append-only change log
// with sequence numbers. Delta rounds read the log between two sequence numbers, so changes made while a
// round is being paged never make it inconsistent: they simply fall into the next round.
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../../shared/ports';
import type { FixtureMessage, Json, TenantFixture } from '../../tenant/fixture';
import { clientPatch } from './client-patch';
import { badRequest, invalidUser, itemNotFound } from './errors';
import { changeKeyFor, folderIdFor, immutableIdFor, regularIdFor } from './ids';
import type { SimFolder, SimMailbox, SimMessage, StoreChange, SyncExpiry } from './mailbox';
import { addMailbox } from './mailbox-seed';
import { bodyPreviewOf, withDefaults } from './message-defaults';
import { deliveryHeaders, isInternalSender } from './delivery-headers';
import type { Header } from './mime';
import { itemProperties } from './extended-properties';

export type { ChangeKind, FolderChange, SimFolder, SimMailbox, SimMessage, StoreChange, SyncExpiry } from './mailbox';
export { displayNameFor } from './mailbox';

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export class MailStore {
  readonly mailboxes = new Map<string, SimMailbox>();
  /** Last sequence number handed out, across all mailboxes. */
  seq = 0;
  tokenKey: Buffer = randomBytes(32);
  /** Called for every change, after it is made (change notifications listen here). */
  listeners: ((c: StoreChange) => void)[] = [];

  constructor(readonly clock: Clock) {}

  emit(c: StoreChange): void {
    for (const l of this.listeners) l(c);
  }

  private emitMessage(
    mbx: SimMailbox,
    m: SimMessage,
    changeType: StoreChange['changeType'],
    folderId: string,
    regularId = m.regularId,
  ): void {
    if (this.listeners.length === 0) return;
    this.emit({
      mbx,
      workload: 'message',
      changeType,
      id: m.immutableId,
      regularId,
      containerId: folderId,
      etag: `W/"${changeKeyFor(m.immutableId, m.version)}"`,
    });
  }

  /** Invalidates every delta token issued so far for the mailbox (all workloads). */
  expireDeltaTokens(mbx: SimMailbox, how: SyncExpiry): void {
    mbx.syncGeneration++;
    mbx.expiry = { ...how };
  }

  /** Well-known folders Graph always has but a fixture may leave out are made when first needed. */
  ensureFolder(mbx: SimMailbox, wellKnownName: string, displayName: string): SimFolder {
    try {
      return this.folder(mbx, wellKnownName);
    } catch {
      const folder: SimFolder = {
        id: folderIdFor(mbx.address, `/${wellKnownName}`),
        displayName,
        wellKnownName,
        parentFolderId: mbx.rootId,
        changes: [],
        order: [],
      };
      mbx.folders.set(folder.id, folder);
      return folder;
    }
  }

  // ------------------------------------------------------------------ seeding

  seed(tenant: TenantFixture): void {
    for (const [address, mailbox] of Object.entries(tenant.exchange ?? {})) addMailbox(this, address, mailbox);
  }

  // ------------------------------------------------------------------ lookups

  mailbox(segment: string): SimMailbox {
    const key = segment.toLowerCase();
    const direct = this.mailboxes.get(key);
    if (direct) return direct;
    for (const m of this.mailboxes.values()) if (m.userId === key) return m;
    throw invalidUser(segment);
  }

  folder(mbx: SimMailbox, ref: string): SimFolder {
    const byId = mbx.folders.get(ref);
    if (byId) return byId;
    const name = ref.toLowerCase();
    for (const f of mbx.folders.values()) if (f.wellKnownName?.toLowerCase() === name) return f;
    throw itemNotFound();
  }

  /** Either id form addresses the message, as in Graph. */
  message(mbx: SimMailbox, id: string): SimMessage {
    const m = mbx.messages.get(id) ?? mbx.messages.get(mbx.byRegularId.get(id) ?? '');
    if (!m) throw itemNotFound();
    return m;
  }

  /** Current members of a folder in arrival order. */
  members(folder: SimFolder): SimMessage[] {
    // A message that left and came back sits in `order` twice; only its last entry has its arrival position.
    const seen = new Set<SimMessage>();
    const live: SimMessage[] = [];
    for (let i = folder.order.length - 1; i >= 0; i--) {
      const m = folder.order[i];
      if (m.folderId !== folder.id || seen.has(m)) continue;
      seen.add(m);
      live.push(m);
    }
    live.reverse();
    // Prune so the array stays proportional to the folder's contents.
    if (live.length * 2 < folder.order.length) folder.order = live.slice();
    return live;
  }

  private domains?: { count: number; set: Set<string> };
  /** The tenant's domains: those of its mailboxes. */
  tenantDomains(): ReadonlySet<string> {
    if (this.domains?.count !== this.mailboxes.size) {
      const set = new Set([...this.mailboxes.keys()].map((a) => a.slice(a.lastIndexOf('@') + 1)));
      this.domains = { count: this.mailboxes.size, set };
    }
    return this.domains.set;
  }

  /**
   * What `$select=internetMessageHeaders` returns: none for the copy in Sent Items and for drafts, which never
   * went through transport (Graph has none there, whatever the fixture lists); else a fixture's own list
   * exactly as given, or the headers Exchange keeps on delivery (made on read, so big tenants cost no memory).
   */
  headersOf(mbx: SimMailbox, m: SimMessage): Header[] | undefined {
    if (!this.delivered(mbx, m)) return undefined;
    if (Array.isArray(m.data.internetMessageHeaders)) return structuredClone(m.data.internetMessageHeaders) as Header[];
    return deliveryHeaders(m.data, { mailbox: mbx.address, internal: isInternalSender(m.data, this.tenantDomains()) });
  }

  /**
   * The single-value extended properties an item has: those set on it, and PidTagInReplyToId and
   * PidTagInternetReferences from its In-Reply-To and References. For a Sent Items copy or a draft, a
   * fixture's header list stands for what Exchange keeps in MAPI: only those two of it are served, this way.
   */
  extendedPropertiesOf(mbx: SimMailbox, m: SimMessage): Map<string, string> {
    const own = Array.isArray(m.data.internetMessageHeaders) ? (m.data.internetMessageHeaders as Header[]) : undefined;
    return itemProperties(m.data, this.delivered(mbx, m) ? this.headersOf(mbx, m) : own);
  }

  /** Whether the item came through transport: not the copy in Sent Items, not a draft. */
  private delivered(mbx: SimMailbox, m: SimMessage): boolean {
    const kind = mbx.folders.get(m.folderId)?.wellKnownName?.toLowerCase();
    return kind !== 'sentitems' && kind !== 'drafts' && m.data.isDraft !== true;
  }

  // ------------------------------------------------------------------ changes

  deliver(mailboxRef: string, folderRef: string, message: FixtureMessage): SimMessage {
    const mbx = this.mailbox(mailboxRef);
    return this.insert(mbx, this.folder(mbx, folderRef), message, `delivered#${this.seq + 1}`);
  }

  /** Puts a new message in a folder (sendMail copies, drafts). */
  insertInto(mbx: SimMailbox, folder: SimFolder, message: FixtureMessage): SimMessage {
    return this.insert(mbx, folder, message, `inserted#${this.seq + 1}`);
  }

  /** `existing`: a message the mailbox already held (the fixture's folders), last modified when its data says. */
  insert(mbx: SimMailbox, folder: SimFolder, message: FixtureMessage, seed: string, existing = false): SimMessage {
    const { id, parentFolderId: _ignored, ...data } = message;
    let immutableId = typeof id === 'string' && id ? id : immutableIdFor(mbx.address, seed);
    // A fixture or caller reusing an id must not silently replace another message.
    if (mbx.messages.has(immutableId)) immutableId = immutableIdFor(mbx.address, `${seed}#dup#${this.seq + 1}`);
    const now = this.clock.now();
    const seq = ++this.seq;
    const filled = withDefaults(data, mbx.address, now);
    const modified = [filled.lastModifiedDateTime, filled.createdDateTime].find(
      (v): v is string => typeof v === 'string' && Number.isFinite(Date.parse(v)),
    );
    const m: SimMessage = {
      immutableId,
      regularId: regularIdFor(immutableId, 0),
      folderId: folder.id,
      arrivalSeq: seq,
      moves: 0,
      version: 1,
      // A delivered message changes when it arrives; one already in the mailbox when it last changed.
      lastModified: existing && modified ? iso(new Date(modified)) : iso(now),
      data: filled,
    };
    mbx.messages.set(immutableId, m);
    mbx.byRegularId.set(m.regularId, immutableId);
    folder.order.push(m);
    folder.changes.push({ seq, kind: 'add', immutableId, regularId: m.regularId });
    this.emitMessage(mbx, m, 'created', folder.id);
    return m;
  }

  update(mbx: SimMailbox, id: string, patch: Json): SimMessage {
    const m = this.message(mbx, id);
    const props = Object.keys(patch).filter((k) => k !== 'id' && k !== 'parentFolderId');
    if (props.length === 0) return m;
    for (const k of props) m.data[k] = patch[k];
    if (props.includes('body')) {
      m.data.bodyPreview = bodyPreviewOf(m.data.body);
      props.push('bodyPreview');
    }
    m.version++;
    m.lastModified = iso(this.clock.now());
    const seq = ++this.seq;
    this.folder(mbx, m.folderId).changes.push({
      seq,
      kind: 'update',
      immutableId: m.immutableId,
      regularId: m.regularId,
      props,
    });
    this.emitMessage(mbx, m, 'updated', m.folderId);
    return m;
  }

  move(mbx: SimMailbox, id: string, folderRef: string): SimMessage {
    const m = this.message(mbx, id);
    const target = this.folder(mbx, folderRef);
    if (target.id === m.folderId) return m;
    const source = this.folder(mbx, m.folderId);
    source.changes.push({ seq: ++this.seq, kind: 'remove', immutableId: m.immutableId, regularId: m.regularId });
    const oldRegularId = m.regularId;
    mbx.byRegularId.delete(m.regularId);
    m.moves++;
    m.regularId = regularIdFor(m.immutableId, m.moves);
    mbx.byRegularId.set(m.regularId, m.immutableId);
    m.folderId = target.id;
    m.version++;
    m.lastModified = iso(this.clock.now());
    m.arrivalSeq = ++this.seq;
    target.order.push(m);
    target.changes.push({ seq: m.arrivalSeq, kind: 'add', immutableId: m.immutableId, regularId: m.regularId });
    this.emitMessage(mbx, m, 'deleted', source.id, oldRegularId);
    this.emitMessage(mbx, m, 'created', target.id);
    return m;
  }

  remove(mbx: SimMailbox, id: string): void {
    const m = this.message(mbx, id);
    const folder = this.folder(mbx, m.folderId);
    folder.changes.push({ seq: ++this.seq, kind: 'remove', immutableId: m.immutableId, regularId: m.regularId });
    mbx.messages.delete(m.immutableId);
    mbx.byRegularId.delete(m.regularId);
    m.folderId = ''; // leaves folder.order lazily
    this.emitMessage(mbx, m, 'deleted', folder.id);
  }

  /** Only what Graph lets a client PATCH on a received or sent message. */
  patchFromClient(mbx: SimMailbox, id: string, body: unknown): SimMessage {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('Empty or invalid payload.');
    const patch = clientPatch(body as Json, this.message(mbx, id).data.isDraft === true);
    return this.update(mbx, id, patch);
  }
}
