// Which user or queue accepts an email, by the incoming filter of each (docs/sss-parity.md#promotion-filters): the
// filter of every resolved recipient counts, whichever mailbox is being processed, and the one that accepts is
// recorded. Values: 0 all, 1 in response to Dynamics 365 email, 2 from leads/contacts/accounts, 3 from any
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

export interface FilterCheck {
  entity: EntityRef;
  filter: number | undefined;
  accepted: boolean;
}

export type Acceptance =
  | { accepted: true; by: EntityRef; reason: Reason; checked: FilterCheck[] }
  | { accepted: false; reason: Reason; checked: FilterCheck[] };

const CRM_PARTIES = new Set(['contact', 'account', 'lead']);
const same = (a: EntityRef, b: EntityRef) => a.type === b.type && a.id === b.id;

/** What a filter says; `parties` are the rows the mail is "from" in that filter's sense. */
function accepts(filter: number | undefined, parties: EntityRef[], correlated: boolean): Reason | undefined {
  switch (filter) {
    case FILTER.all:
      return 'AcceptAll';
    case FILTER.responses:
      return correlated ? 'CorrelationMatch' : undefined;
    // The broader filters take replies to Dynamics 365 email too (each option includes the narrower one).
    case FILTER.crmContacts:
      return parties.some((p) => CRM_PARTIES.has(p.type)) ? 'SenderMatch' : correlated ? 'CorrelationMatch' : undefined;
    case FILTER.emailEnabled:
      return parties.length > 0 ? 'SenderMatch' : correlated ? 'CorrelationMatch' : undefined;
    default:
      return undefined;
  }
}

export function evaluateAcceptance(input: AcceptanceInput): Acceptance {
  const checked: FilterCheck[] = [];
  const ownerIsRecipient = input.recipientPrincipals.some((r) => same(r, input.mailboxOwner));
  const others = input.recipientPrincipals.filter((r) => !same(r, input.mailboxOwner));
  const candidates = input.onlySyncingMailbox ? [input.mailboxOwner] : [input.mailboxOwner, ...others];
  for (const c of candidates) {
    const isOwner = same(c, input.mailboxOwner);
    const filter = input.filterOf(c);
    // Received mail through a distribution list or Bcc reaches only "all email" owners (SSS's NoRecipientMatch).
    if (!input.outgoing && isOwner && !ownerIsRecipient && filter !== FILTER.all) {
      checked.push({ entity: c, filter, accepted: false });
      continue;
    }
    // Sent Items: the sender's own filter looks at the recipients, a recipient's at the sender
    // (docs/sss-parity.md#promotion-filters).
    const parties = input.outgoing && isOwner ? input.recipientMatches : input.senderMatches;
    const reason = accepts(filter, parties, input.correlated);
    checked.push({ entity: c, filter, accepted: !!reason });
    if (reason) return { accepted: true, by: c, reason, checked };
  }
  if (!input.outgoing && input.recipientPrincipals.length === 0)
    return { accepted: false, reason: 'NoRecipientMatch', checked };
  return { accepted: false, reason: 'NoCorrelationMatch', checked };
}
