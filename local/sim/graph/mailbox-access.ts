// A fixture mailbox that Graph refuses (`"access"` in the tenant fixture): every request for it is answered
// as Exchange Online answers an app that may not reach it, so Test & Enable and sync meet the real codes.
import { GraphError } from './errors';
import type { MailboxAccess } from '../../tenant/fixture';

/** The error Graph gives for the mailbox, or undefined when it may be read. */
export function refusalFor(access: MailboxAccess | undefined): GraphError | undefined {
  switch (access) {
    case 'accessDenied': // the app lacks the permission (learn.microsoft.com/graph/resolve-auth-errors)
      return new GraphError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
    case 'outsideAccessPolicy': // an application access policy leaves the mailbox out of the app's scope
      return new GraphError(403, 'ErrorAccessDenied', 'Access to OData is disabled.');
    case 'noLicence': // no Exchange Online licence, or the mailbox inactive, soft-deleted or on-premises
      return new GraphError(
        404,
        'MailboxNotEnabledForRESTAPI',
        'The mailbox is either inactive, soft-deleted, or is hosted on-premise.',
      );
    case 'accountDisabled': // Exchange's code for a disabled account (as EWS names it)
      return new GraphError(
        403,
        'ErrorAccountDisabled',
        'The user account which was used to submit this request has been disabled.',
      );
    default:
      return undefined;
  }
}
