// Status, reminder, importance and sensitivity of an appointment on both sides, by server-side sync's rules
// (https://learn.microsoft.com/power-platform/admin/sync-logic).
import type {
  AppointmentRow,
  AppointmentState,
  AppointmentStatus,
  Importance,
  Sensitivity,
  ShowAs,
} from './appointment-types';

/** A reminder is not set on an appointment that ended more than this long ago. */
export const REMINDER_PAST_LIMIT_MS = 7 * 86_400_000;

const closedOrFree = (row: Pick<AppointmentRow, 'statecode' | 'statuscode'>) =>
  row.statecode === 1 || row.statecode === 2 || (row.statecode === 0 && row.statuscode === 1);

/** Dataverse → Exchange: Completed, Canceled and Free are sent as free; the rest as its own status. */
export function showAsFor(row: Pick<AppointmentRow, 'statecode' | 'statuscode'>): ShowAs {
  if (closedOrFree(row)) return 'free';
  if (row.statuscode === 2) return 'tentative';
  if (row.statuscode === 6) return 'oof';
  return 'busy';
}

/**
 * Exchange → Dataverse: free keeps a Completed or Canceled row closed (status Completed) and makes an open one
 * Free; working elsewhere is Open/Free; tentative Open/Tentative; busy and out of office Scheduled. unknown (or
 * no value) changes nothing.
 */
export function statusFor(
  showAs: ShowAs | undefined,
  current: Pick<AppointmentRow, 'statecode' | 'statuscode'> | undefined,
): { statecode: AppointmentState; statuscode: AppointmentStatus } | undefined {
  switch (showAs) {
    case 'free':
      return current && (current.statecode === 1 || current.statecode === 2)
        ? { statecode: 1, statuscode: 3 }
        : { statecode: 0, statuscode: 1 };
    case 'workingElsewhere':
      return { statecode: 0, statuscode: 1 };
    case 'tentative':
      return { statecode: 0, statuscode: 2 };
    case 'busy':
      return { statecode: 3, statuscode: 5 };
    case 'oof':
      return { statecode: 3, statuscode: 6 };
    default:
      return current ? { statecode: current.statecode, statuscode: current.statuscode } : undefined;
  }
}

/**
 * Dataverse → Exchange reminder: none on a Completed, Canceled or Free appointment, nor on one that ended more
 * than 7 days ago; otherwise the mailbox's default reminder.
 */
export function reminderFor(
  row: Pick<AppointmentRow, 'statecode' | 'statuscode' | 'scheduledend'>,
  now: Date,
  defaultMinutes: number,
): { isReminderOn: boolean; reminderMinutesBeforeStart?: number } {
  if (closedOrFree(row)) return { isReminderOn: false };
  if (now.getTime() - Date.parse(row.scheduledend) > REMINDER_PAST_LIMIT_MS) return { isReminderOn: false };
  return { isReminderOn: true, reminderMinutesBeforeStart: defaultMinutes };
}

const IMPORTANCE: readonly Importance[] = ['low', 'normal', 'high'];

/** prioritycode 0 Low, 1 Normal, 2 High ↔ importance low, normal, high. */
export const importanceFor = (prioritycode: AppointmentRow['prioritycode']): Importance =>
  IMPORTANCE[prioritycode] ?? 'normal';

export function priorityFor(importance: Importance | undefined): AppointmentRow['prioritycode'] {
  const i = IMPORTANCE.indexOf(importance ?? 'normal');
  return (i < 0 ? 1 : i) as AppointmentRow['prioritycode'];
}

/** ismapiprivate ↔ sensitivity private; a row that is not private is normal in Exchange. */
export const sensitivityFor = (ismapiprivate: boolean | undefined): Sensitivity =>
  ismapiprivate ? 'private' : 'normal';

/** Exchange's private marks the row private; personal and confidential are not "private" in Dataverse's sense. */
export const isPrivate = (sensitivity: Sensitivity | undefined): boolean => sensitivity === 'private';
