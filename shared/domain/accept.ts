// Which user or queue accepts an email, by the incoming filter of each (sss-behaviour.md 1.4).
// Values: 0 all, 1 in response to Dynamics 365 email, 2 from leads/contacts/accounts, 3 from any
// email-enabled record, 4 none.
import type { Reason } from './reasons';
import type { EntityRef } from './refs';

export const FILTER = { all: 0, responses: 1, crmContacts: 2, emailEnabled: 3, none: 4 } as const;

export interface AcceptanceInput {
  outgoing: boolean;
  mailboxOwner: EntityRef;
  /** Users and queues resolved from To and Cc, in order (Bcc does not count for received mail). */
  recipientPrincipals: EntityRef[];
  /** Every row the sender's address matched (for filters 2 and 3 on received mail). */
  senderMatches: EntityRef[];
  /** Every row the recipients matched (for filters 2 and 3 on sent mail: the test is on recipients). */
  recipientMatches: EntityRef[];
  correlated: boolean;
  /** UseFilteringMethodOfSyncingMailboxOnlyForCorrelation: only the syncing mailbox's owner counts. */
  onlySyncingMailbox: boolean;
  filterOf(ref: EntityRef): number | undefined;
}

export type Acceptance =
  | { accepted: true; by: EntityRef; reason: Reason }
  | { accepted: false; reason: Reason };

const CRM_PARTIES = new Set(['contact', 'account', 'lead']);
const same = (a: EntityRef, b: EntityRef) => a.type === b.type && a.id === b.id;

function accepts(filter: number | undefined, input: AcceptanceInput): Reason | undefined {
  const parties = input.outgoing ? input.recipientMatches : input.senderMatches;
  switch (filter) {
    case FILTER.all:
      return 'AcceptAll';
    case FILTER.responses:
      return input.correlated ? 'CorrelationMatch' : undefined;
    // The broader filters take replies to Dynamics 365 email too (each option includes the narrower one).
    case FILTER.crmContacts:
      return parties.some((p) => CRM_PARTIES.has(p.type)) ? 'SenderMatch' : input.correlated ? 'CorrelationMatch' : undefined;
    case FILTER.emailEnabled:
      return parties.length > 0 ? 'SenderMatch' : input.correlated ? 'CorrelationMatch' : undefined;
    default:
      return undefined;
  }
}

export function evaluateAcceptance(input: AcceptanceInput): Acceptance {
  if (input.outgoing) {
    // Sent Items are scanned with the syncing mailbox owner's own filter (PP-sent).
    const reason = accepts(input.filterOf(input.mailboxOwner), input);
    return reason ? { accepted: true, by: input.mailboxOwner, reason } : { accepted: false, reason: 'NoCorrelationMatch' };
  }
  const ownerIsRecipient = input.recipientPrincipals.some((r) => same(r, input.mailboxOwner));
  const candidates = input.onlySyncingMailbox
    ? [input.mailboxOwner]
    : [input.mailboxOwner, ...input.recipientPrincipals.filter((r) => !same(r, input.mailboxOwner))];
  for (const c of candidates) {
    const isOwner = same(c, input.mailboxOwner);
    // Mail through a distribution list or Bcc reaches only "all email" owners (SA norecipientmatch).
    if (isOwner && !ownerIsRecipient && input.filterOf(c) !== FILTER.all) continue;
    const reason = accepts(input.filterOf(c), input);
    if (reason) return { accepted: true, by: c, reason };
  }
  if (input.recipientPrincipals.length === 0) return { accepted: false, reason: 'NoRecipientMatch' };
  return { accepted: false, reason: 'NoCorrelationMatch' };
}
