// Every mailbox alert the product raises, as a value: its level (the levels Dynamics 365 shows on a
// mailbox's alerts), a stable code and a message that names no address, subject or folder name.
import { emailActivityId } from './message-id';

type AlertLevel = 'Error' | 'Warning' | 'Information';

export interface Alert {
  level: AlertLevel;
  code: string;
  message: string;
}

const RE_ENABLE = 're-enable the mailbox after fixing it';

export const ALERTS = {
  notApproved: (): Alert => ({
    level: 'Error',
    code: 'NotApproved',
    message: 'email address not approved: nothing is processed until it is',
  }),
  reenabled: (): Alert => ({
    level: 'Information',
    code: 'Reenabled',
    message: 'incoming email enabled again by an administrator',
  }),
  disabledAfterPermanentError: (what: string): Alert => ({
    level: 'Error',
    code: 'MailboxDisabled',
    message: `incoming email disabled at once after a permanent error (${what}); ${RE_ENABLE}`,
  }),
  disabledAfterTransientFailures: (failures: number, what: string): Alert => ({
    level: 'Error',
    code: 'MailboxDisabled',
    message: `incoming email disabled after ${failures} transient failures 5 minutes apart (${what}); ${RE_ENABLE}`,
  }),
  transientFailure: (failures: number, max: number, what: string): Alert => ({
    level: 'Warning',
    code: 'TransientFailure',
    message: `sync failed (${what}), attempt ${failures} of ${max}; retrying in 5 minutes`,
  }),
  platformOutage: (what: string, backoffMs: number): Alert => ({
    level: 'Warning',
    code: 'PlatformOutage',
    message: `most mailboxes fail at once (${what}): backing off ${Math.round(backoffMs / 60_000)} min, nobody is disabled`,
  }),
  recovered: (): Alert => ({ level: 'Information', code: 'Recovered', message: 'sync works again' }),
  trackingFolderUnavailable: (mappingId: string, what: string): Alert => ({
    level: 'Warning',
    code: 'TrackingFolderUnavailable',
    message: `a folder-tracked folder (mailboxtrackingfolder ${mappingId}) was deleted or cannot be read (${what}): its mail is skipped until it can be read again; the mailbox keeps syncing`,
  }),
  trackingFolderAvailable: (mappingId: string): Alert => ({
    level: 'Information',
    code: 'TrackingFolderAvailable',
    message: `the folder-tracked folder of mailboxtrackingfolder ${mappingId} can be read again: its sync resumed`,
  }),
  folderTrackingOff: (queueMailbox: boolean): Alert => ({
    level: 'Warning',
    code: 'FolderTrackingNotAvailable',
    message: queueMailbox
      ? 'folder-level tracking is not available for queue mailboxes'
      : 'folder-level tracking is turned off for the organization',
  }),
  trackingFoldersRefused: (max: number, refused: number): Alert => ({
    level: 'Warning',
    code: 'TrackingFoldersRefused',
    message: `more than ${max} tracked folders: ${refused} mapping(s) rejected`,
  }),
  testEnableSucceeded: (checks: string): Alert => ({
    level: 'Information',
    code: 'TestEnableSucceeded',
    message: `Test & Enable succeeded (${checks}): the mailbox is enabled`,
  }),
  testEnableFailed: (check: string, reason: string, what: string): Alert => ({
    level: 'Error',
    code: 'TestEnableFailed',
    message: `Test & Enable failed on ${check}: ${TEST_REASON_TEXT[reason] ?? reason} (${what}); run Test & Enable again after fixing it`,
  }),
  sendQuotaExceeded: (code: string): Alert => ({
    level: 'Error',
    code,
    message:
      code === 'ErrorSubmissionQuotaExceeded'
        ? 'outgoing email waits in Pending Send: the mailbox is over its sending limits; will try again later'
        : 'outgoing email waits in Pending Send: the mailbox is over its storage quota; it is tried again next cycle',
  }),
  sendFailed: (activityId: string, why: string): Alert => ({
    level: 'Error',
    code: 'EmailSendFailed',
    message: `email ${activityId} could not be sent (${why}): it is marked Failed`,
  }),
} as const;

/** What each Test & Enable failure reason means for the administrator. */
const TEST_REASON_TEXT: Record<string, string> = {
  UnknownAddress: 'unknown address: no user or mailbox with this address in the tenant',
  NoPermission:
    'no permission: Graph refused access (the app lacks the permission, or the mailbox is outside its application access policy or RBAC scope)',
  MailboxDisabled: 'mailbox disabled: the mailbox or its user is deactivated',
  NoExchangeLicence:
    'no Exchange Online mailbox: the user has no Exchange licence, or the mailbox is inactive or on-premises',
  Other: 'Graph refused the check',
};

/** The tracelog `level` choice of each alert level (1 Information, 2 Warning, 3 Error). */
export const TRACE_LEVEL: Record<AlertLevel, number> = { Information: 1, Warning: 2, Error: 3 };

/** The mailbox's trace log row of one alert code: every repeat of the code lands on the same row. */
export function traceLogId(mailboxId: string, code: string): string {
  return emailActivityId(`tracelog:${mailboxId.toLowerCase()}:${code}`, false);
}
