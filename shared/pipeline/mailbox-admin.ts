// The operators' mailbox actions of the cut-over, over ports (the command line runs them on the local data
// directory; a deployment's tables and Dataverse work the same): list, takeover, release, shadow, enable,
// disable, resync. SSS's columns are written only by takeover and release, and by enable for an owned mailbox.
import type { CheckpointStore, Clock, DataversePort, DvMailbox, MailboxRecord, MailboxRegistry } from '../ports';
import type { MailboxColumnsPort, MailboxMode, OwnershipRecord, OwnershipRegistry } from '../ports-cutover';
import { modeOf, ownsSssColumns, releaseColumns, takeoverColumns } from '../domain/ownership';
import { firstCheckpoint } from '../domain/checkpoint';

export interface MailboxAdminDeps {
  dataverse: Pick<DataversePort, 'loadOrgContext'>;
  ownership: OwnershipRegistry;
  mailboxes: MailboxRegistry;
  checkpoints: CheckpointStore;
  columns: MailboxColumnsPort;
  clock: Clock;
  shadowMode: boolean;
}

/** A refused action (unknown mailbox, nothing to release…): the command line's exit code 2. */
export class MailboxAdminError extends Error {}

export interface MailboxRow {
  mailboxId: string;
  address: string;
  /** The mode in force, and whether the registry says it (else SHADOW_MODE decides). */
  mode: MailboxMode;
  registered: boolean;
  disabled: boolean;
  health: MailboxRecord['health']['state'] | 'not synced yet';
  lastSyncCompletedAt?: string;
  nextDueAt?: string;
  /** SSS's columns as Dataverse has them now. */
  incomingDeliveryMethod: number;
  enabledForIncoming: boolean;
}

export async function listMailboxes(deps: MailboxAdminDeps): Promise<MailboxRow[]> {
  const ctx = await deps.dataverse.loadOrgContext();
  const owners = new Map((await deps.ownership.list()).map((r) => [r.mailboxId, r]));
  const health = new Map((await deps.mailboxes.list()).map((r) => [r.mailboxId, r]));
  return ctx.mailboxes
    .map((m): MailboxRow => {
      const own = owners.get(m.mailboxid);
      const h = health.get(m.mailboxid)?.health;
      return {
        mailboxId: m.mailboxid,
        address: m.address,
        mode: modeOf(own, deps.shadowMode),
        registered: !!own,
        disabled: own?.disabled === true,
        health: h?.state ?? 'not synced yet',
        ...(h?.lastSyncCompletedAt ? { lastSyncCompletedAt: h.lastSyncCompletedAt } : {}),
        ...(h?.nextDueAt ? { nextDueAt: h.nextDueAt } : {}),
        incomingDeliveryMethod: m.incomingDeliveryMethod,
        enabledForIncoming: m.enabledForIncoming,
      };
    })
    .sort((a, b) => a.address.localeCompare(b.address));
}

/** The mailbox named by its id or its address (any case); refused, with the known ones, when there is none. */
export async function findMailbox(deps: Pick<MailboxAdminDeps, 'dataverse'>, name: string): Promise<DvMailbox> {
  const ctx = await deps.dataverse.loadOrgContext();
  const n = name.trim().toLowerCase();
  const m = ctx.mailboxes.find((x) => x.mailboxid.toLowerCase() === n || x.address.toLowerCase() === n);
  if (m) return m;
  const known = ctx.mailboxes.map((x) => x.address).sort();
  throw new MailboxAdminError(
    `no mailbox "${name}" in Dataverse (give its address or mailbox id${known.length ? `; known: ${known.slice(0, 10).join(', ')}${known.length > 10 ? ', …' : ''}` : ''})`,
  );
}

/** What an action did, in one line for people; the record as it is now for tools. */
export interface AdminOutcome {
  mailboxId: string;
  address: string;
  action: string;
  changed: boolean;
  message: string;
  /** SSS's columns written on the mailbox row, when any. */
  columnsWritten?: Record<string, number | boolean>;
  record?: OwnershipRecord;
}

/**
 * Takeover: the previous columns go to the registry first (so a failure after it loses nothing and a second
 * takeover finishes the job), then SSS's email delivery methods are set to None and the product owns the mailbox.
 */
export async function takeover(deps: MailboxAdminDeps, name: string): Promise<AdminOutcome> {
  const m = await findMailbox(deps, name);
  const own = await deps.ownership.get(m.mailboxid);
  const current = await deps.columns.read(m.mailboxid);
  if (!current) throw new MailboxAdminError(`the mailbox row of ${m.address} could not be read`);
  const previous = own?.mode === 'owned' && own.previous ? own.previous : current;
  if (previous.incomingemaildeliverymethod !== 2)
    throw new MailboxAdminError(
      `${m.address} is not synced by server-side synchronization (incomingemaildeliverymethod ${previous.incomingemaildeliverymethod}, not 2): there is nothing to take over`,
    );
  const record: OwnershipRecord = {
    mailboxId: m.mailboxid,
    mode: 'owned',
    previous,
    ...(own?.disabled ? { disabled: true } : {}),
    changedAt: deps.clock.now().toISOString(),
  };
  await deps.ownership.put(record);
  const write = takeoverColumns(current);
  if (Object.keys(write).length) await deps.columns.write(m.mailboxid, write);
  const changed = own?.mode !== 'owned' || !own.previous || Object.keys(write).length > 0;
  return {
    mailboxId: m.mailboxid,
    address: m.address,
    action: 'takeover',
    changed,
    message: changed
      ? `${m.address} is owned by exsync now; SSS is stopped for its email (${describe(write)}; the previous values are kept for release)`
      : `${m.address} was already owned by exsync; nothing changed`,
    ...(Object.keys(write).length ? { columnsWritten: write } : {}),
    record,
  };
}

/** Release: SSS's delivery methods back as takeover found them, then the registry says released. */
export async function release(deps: MailboxAdminDeps, name: string): Promise<AdminOutcome> {
  const m = await findMailbox(deps, name);
  const own = await deps.ownership.get(m.mailboxid);
  if (own?.mode === 'released')
    return outcome(m, 'release', false, `${m.address} was already released to SSS; nothing changed`, own);
  const write = own?.mode === 'owned' && own.previous ? releaseColumns(own.previous) : undefined;
  if (write) await deps.columns.write(m.mailboxid, write);
  const record: OwnershipRecord = {
    mailboxId: m.mailboxid,
    mode: 'released',
    ...(own?.previous ? { previous: own.previous } : {}),
    changedAt: deps.clock.now().toISOString(),
  };
  await deps.ownership.put(record);
  const message = write
    ? `${m.address} is handed back to SSS (${describe(write)}); exsync leaves it alone`
    : `${m.address} is released: exsync leaves it alone (it had not been taken over, so SSS's columns were never changed and none are written)`;
  return { ...outcome(m, 'release', true, message, record), ...(write ? { columnsWritten: write } : {}) };
}

/** Shadow one mailbox: decide, write nothing. A mailbox taken over is released first (its columns go back). */
export async function shadow(deps: MailboxAdminDeps, name: string): Promise<AdminOutcome> {
  const m = await findMailbox(deps, name);
  const own = await deps.ownership.get(m.mailboxid);
  if (own?.mode === 'owned' && own.previous)
    throw new MailboxAdminError(
      `${m.address} was taken over: release it first (exsync mailbox release), which gives SSS its columns back`,
    );
  if (own?.mode === 'shadow') return outcome(m, 'shadow', false, `${m.address} was already in shadow mode`, own);
  const record: OwnershipRecord = {
    mailboxId: m.mailboxid,
    mode: 'shadow',
    ...(own?.disabled ? { disabled: true } : {}),
    changedAt: deps.clock.now().toISOString(),
  };
  await deps.ownership.put(record);
  return outcome(m, 'shadow', true, `${m.address} is in shadow mode: synced and decided, nothing written`, record);
}

const describe = (w: Record<string, unknown>) =>
  Object.entries(w)
    .map(([k, v]) => `${k} = ${String(v)}`)
    .join(', ') || 'its columns were already so';

function outcome(
  m: DvMailbox,
  action: string,
  changed: boolean,
  message: string,
  record?: OwnershipRecord,
): AdminOutcome {
  return { mailboxId: m.mailboxid, address: m.address, action, changed, message, ...(record ? { record } : {}) };
}

/** Disable: the product stops syncing the mailbox (its own switch; SSS's columns are not touched). */
export async function disable(deps: MailboxAdminDeps, name: string): Promise<AdminOutcome> {
  const m = await findMailbox(deps, name);
  const own = await deps.ownership.get(m.mailboxid);
  if (own?.disabled) return outcome(m, 'disable', false, `${m.address} was already disabled in exsync`, own);
  const record: OwnershipRecord = {
    ...(own ?? { mailboxId: m.mailboxid, mode: modeOf(undefined, deps.shadowMode) }),
    disabled: true,
    changedAt: deps.clock.now().toISOString(),
  };
  await deps.ownership.put(record);
  return outcome(m, 'disable', true, `${m.address} is disabled in exsync: not synced until enabled`, record);
}

/**
 * Enable: the operator's switch back on, and a mailbox health disabled: for one the product does not own, in
 * the registry; for an owned one as SSS is re-enabled, enabledforincomingemail set back (the next cycle retests).
 */
export async function enable(deps: MailboxAdminDeps, name: string): Promise<AdminOutcome> {
  const m = await findMailbox(deps, name);
  const own = await deps.ownership.get(m.mailboxid);
  const mode = modeOf(own, deps.shadowMode);
  let changed = false;
  if (own?.disabled) {
    const { disabled: _d, ...rest } = own;
    await deps.ownership.put({ ...rest, changedAt: deps.clock.now().toISOString() });
    changed = true;
  }
  const health = await deps.mailboxes.get(m.mailboxid);
  let columnsWritten: Record<string, boolean> | undefined;
  if (health?.health.state === 'disabled' && !ownsSssColumns(mode)) {
    await deps.mailboxes.upsert({ ...health, health: { state: 'healthy', consecutiveFailures: 0 } });
    changed = true;
  } else if (health?.health.state === 'disabled' && !m.enabledForIncoming) {
    columnsWritten = { enabledforincomingemail: true };
    await deps.columns.write(m.mailboxid, columnsWritten);
    changed = true;
  }
  const message = changed
    ? `${m.address} is enabled in exsync${columnsWritten ? ' (enabledforincomingemail set back: the next cycle tests incoming again)' : ''}`
    : `${m.address} was not disabled; nothing changed`;
  return { ...outcome(m, 'enable', changed, message), ...(columnsWritten ? { columnsWritten } : {}) };
}

/**
 * Resync: every folder of the mailbox starts a first round again, so mail decided before (in shadow mode too) is
 * evaluated again; the mailbox is due at once. Create-only writes keep rows already written from doubling.
 */
export async function resync(deps: MailboxAdminDeps, name: string): Promise<AdminOutcome> {
  const m = await findMailbox(deps, name);
  const folders = (await deps.checkpoints.list()).filter((c) => c.mailboxId === m.mailboxid);
  for (const c of folders) await deps.checkpoints.save({ ...firstCheckpoint(c.mailboxId, c.folder), etag: c.etag });
  const health = await deps.mailboxes.get(m.mailboxid);
  if (health) await deps.mailboxes.upsert({ ...health, health: { ...health.health, nextDueAt: undefined } });
  return outcome(
    m,
    'resync',
    true,
    `${m.address}: ${folders.length} folder(s) start again from the beginning at its next sync (due now)`,
  );
}
