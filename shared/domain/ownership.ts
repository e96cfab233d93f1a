// Who runs a mailbox during the cut-over from server-side synchronization, as pure rules: its mode (the
// product's registry, else SHADOW_MODE), whose columns the product may change, and what takeover writes.
/**
 * owned: the product syncs and writes (SSS stopped for the mailbox); shadow: it syncs and decides but writes
 * nothing, to be compared with what SSS tracked; released: handed back to SSS, the product leaves it alone.
 */
export type MailboxMode = 'owned' | 'shadow' | 'released';
export const MAILBOX_MODES: readonly MailboxMode[] = ['owned', 'shadow', 'released'];

/** The columns of a Dataverse `mailbox` row that decide whether SSS processes it, as the takeover saw them. */
export interface SssColumns {
  incomingemaildeliverymethod: number;
  outgoingemaildeliverymethod: number;
  actdeliverymethod: number;
  enabledforincomingemail: boolean;
  enabledforoutgoingemail: boolean;
}

/** One mailbox in the product's own registry (Table Storage), apart from SSS's columns and from health. */
export interface OwnershipRecord {
  mailboxId: string;
  mode: MailboxMode;
  /** SSS's columns before `takeover` changed them; `release` writes them back. */
  previous?: SssColumns;
  /** Turned off by an operator (`exsync mailbox disable`): not synced, whatever its mode. */
  disabled?: boolean;
  changedAt: string;
  etag?: string;
}

/** Delivery method "None": SSS does not process the workload (incoming and outgoing email). */
export const DELIVERY_NONE = 0;

/**
 * A mailbox's mode: the registry's when it has a row; otherwise shadow when SHADOW_MODE is on, and owned when
 * it is off (a deployment from before the cut-over tools: the product syncs every mailbox SSS's columns give it).
 */
export function modeOf(record: OwnershipRecord | undefined, shadowAll: boolean): MailboxMode {
  return record?.mode ?? (shadowAll ? 'shadow' : 'owned');
}

/** SSS's columns of the mailbox are the product's to change (health clears enabledforincomingemail) only when it owns it. */
export const ownsSssColumns = (mode: MailboxMode): boolean => mode === 'owned';

/**
 * What takeover writes on the mailbox row: email delivery to None, so SSS stops syncing and sending for it;
 * appointments, contacts and tasks (actdeliverymethod) stay with SSS, which the product does not sync yet.
 */
export function takeoverColumns(previous: SssColumns): Partial<SssColumns> {
  const out: Partial<SssColumns> = {};
  if (previous.incomingemaildeliverymethod !== DELIVERY_NONE) out.incomingemaildeliverymethod = DELIVERY_NONE;
  if (previous.outgoingemaildeliverymethod !== DELIVERY_NONE) out.outgoingemaildeliverymethod = DELIVERY_NONE;
  return out;
}

/** What release writes back: the delivery methods takeover found (the enable flags are left as they are now). */
export function releaseColumns(previous: SssColumns): Partial<SssColumns> {
  return {
    incomingemaildeliverymethod: previous.incomingemaildeliverymethod,
    outgoingemaildeliverymethod: previous.outgoingemaildeliverymethod,
  };
}

/**
 * The delivery methods the product reads for a mailbox it took over: the ones SSS had (kept in the registry),
 * since takeover set the row's to None. Any other mailbox is read as its row says.
 */
export function effectiveDelivery<M extends { incomingDeliveryMethod: number; outgoingDeliveryMethod?: number }>(
  m: M,
  record: OwnershipRecord | undefined,
): M {
  if (record?.mode !== 'owned' || !record.previous) return m;
  return {
    ...m,
    incomingDeliveryMethod: record.previous.incomingemaildeliverymethod,
    outgoingDeliveryMethod: record.previous.outgoingemaildeliverymethod,
  };
}
