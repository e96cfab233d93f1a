// Deletes and cancellations of appointments on either side, by server-side sync's rules
// (https://learn.microsoft.com/power-platform/admin/sync-logic; the OrgDB switches:
// https://learn.microsoft.com/power-platform/admin/orgdborgsettings).
import type { ActDecision, AppointmentSwitches } from './appointment-reasons';
import type { AppointmentState } from './appointment-types';

const isFuture = (startUtc: string, now: Date) => Date.parse(startUtc) > now.getTime();

export interface DataverseDeleteFacts {
  linked: boolean;
  /** physical: the row was deleted; logical: it stopped matching the sync filters (lost access, organizer or filter changed). */
  kind: 'physical' | 'logical';
  syncingUserIsOrganizer: boolean;
  scheduledstart: string;
  hasAttendees: boolean;
}

/** What Exchange does when its item goes: delete (cancellations to attendees, or not), or only forget the link. */
export type ExchangeDeleteAction = 'deleteWithCancellation' | 'delete' | 'unlink' | 'none';

/**
 * A Dataverse delete reaches Exchange only for a linked item the syncing user organizes whose start is in the
 * future; otherwise the item is unlinked. A logical delete is sent as a delete (cancelling a future meeting with
 * attendees) unless DistinctPhysicalAndLogicalDeletesForExchangeSync tells the two apart: then it only unlinks.
 */
export function decideDataverseDelete(
  f: DataverseDeleteFacts,
  sw: Pick<AppointmentSwitches, 'distinctPhysicalAndLogicalDeletesForExchangeSync'>,
  now: Date,
): ActDecision<ExchangeDeleteAction> {
  if (!f.linked) return { action: 'none', reason: 'NotLinked' };
  const cancels = f.syncingUserIsOrganizer && f.hasAttendees && isFuture(f.scheduledstart, now);
  if (f.kind === 'logical') {
    if (sw.distinctPhysicalAndLogicalDeletesForExchangeSync)
      return { action: 'unlink', reason: 'LogicalDeleteUnlinked' };
    return { action: cancels ? 'deleteWithCancellation' : 'delete', reason: 'LogicalDelete' };
  }
  if (!f.syncingUserIsOrganizer) return { action: 'unlink', reason: 'NotOrganizer' };
  if (!isFuture(f.scheduledstart, now)) return { action: 'unlink', reason: 'StartInPast' };
  return { action: cancels ? 'deleteWithCancellation' : 'delete', reason: 'DeletedInDataverse' };
}

/**
 * A Dataverse cancel (state Canceled) cancels the Exchange meeting (cancellations to attendees) only with
 * SSSPropagateAppointmentCancellationsToExchange, and only as its organizer before it starts; otherwise the
 * row's new status is pushed as an update (Canceled is shown as free).
 */
export function decideDataverseCancel(
  f: Omit<DataverseDeleteFacts, 'kind'>,
  sw: Pick<AppointmentSwitches, 'sssPropagateAppointmentCancellationsToExchange'>,
  now: Date,
): ActDecision<'cancel' | 'update' | 'none'> {
  if (!f.linked) return { action: 'none', reason: 'NotLinked' };
  if (!sw.sssPropagateAppointmentCancellationsToExchange)
    return { action: 'update', reason: 'CancellationNotPropagated' };
  if (!f.syncingUserIsOrganizer) return { action: 'update', reason: 'NotOrganizer' };
  if (!isFuture(f.scheduledstart, now)) return { action: 'update', reason: 'StartInPast' };
  return { action: 'cancel', reason: 'CanceledInDataverse' };
}

export interface ExchangeDeleteFacts {
  /** The linked row's state. */
  statecode: AppointmentState;
  scheduledstart: string;
  syncingUserIsOrganizer: boolean;
  /** What was deleted: a single meeting, one exception or occurrence of a series, or the whole series. */
  scope: 'single' | 'instance' | 'series';
}

/**
 * An Exchange delete is not sent to Dataverse when the row is Completed or Canceled, its start is past, or the
 * syncing user is not the organizer (the row stays, unlinked); the same holds for an instance of a series and,
 * without the past-start rule, for a whole series.
 */
export function decideExchangeDelete(f: ExchangeDeleteFacts, now: Date): ActDecision<'delete' | 'unlink'> {
  if (f.statecode === 1 || f.statecode === 2) return { action: 'unlink', reason: 'RowClosed' };
  if (f.scope !== 'series' && !isFuture(f.scheduledstart, now)) return { action: 'unlink', reason: 'StartInPast' };
  if (!f.syncingUserIsOrganizer) return { action: 'unlink', reason: 'NotOrganizer' };
  return { action: 'delete', reason: 'DeletedInExchange' };
}
