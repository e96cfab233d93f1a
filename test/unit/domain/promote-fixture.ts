// The common acceptance fixture F (Alice, Sales, Bob, Fabrikam, Opp1, E1), as a PromotionContext for promote() unit tests.
import type { Candidate } from '../../../shared/domain/party';
import type { KnownEmail } from '../../../shared/domain/correlate';
import type { MailItem } from '../../../shared/domain/item';
import type { PromotionContext } from '../../../shared/domain/promotion';
import type { EntityRef } from '../../../shared/domain/refs';

export const ALICE: EntityRef = { type: 'systemuser', id: 'alice' };
export const DAVID: EntityRef = { type: 'systemuser', id: 'david' };
export const SALES: EntityRef = { type: 'queue', id: 'sales' };
export const BOB: EntityRef = { type: 'contact', id: 'bob' };
export const FABRIKAM: EntityRef = { type: 'account', id: 'fabrikam' };
export const OPP1: EntityRef = { type: 'opportunity', id: 'opp1' };
export const ALICE_MAILBOX = 'mbx-alice';

export const E1: KnownEmail = {
  messageKey: 'e1@contoso.onmicrosoft.com',
  activityid: 'E1',
  outgoing: true,
  regarding: OPP1,
  trackingtoken: 'CRM:0001001',
};

export type Existing = KnownEmail & { receivingMailboxId?: string };

export interface Fixture {
  filters: Record<string, number>;
  rows: Record<string, Candidate[]>;
  known: KnownEmail[];
  existing: Existing[];
}

export function fixture(): Fixture {
  return {
    filters: { alice: 1, david: 0, sales: 0 },
    rows: {
      'alice@contoso.com': [{ ref: ALICE, active: true }],
      'david@contoso.com': [{ ref: DAVID, active: true }],
      'sales@contoso.com': [{ ref: SALES, active: true }],
      'bob@fabrikam.com': [{ ref: BOB, active: true, ownerId: 'alice' }],
      'info@fabrikam.com': [{ ref: FABRIKAM, active: true }],
    },
    known: [E1],
    existing: [],
  };
}

export function context(f: Fixture = fixture(), over: Partial<PromotionContext> = {}): PromotionContext {
  return {
    mailbox: { id: ALICE_MAILBOX, address: 'alice@contoso.com', owner: ALICE },
    now: '2025-01-10T10:00:00.000Z',
    correlation: {
      headerCorrelation: true,
      ignoreHeaderCorrelation: false,
      tokensEnabled: true,
      tokenPrefixes: ['CRM:'],
      tokenDigits: 7,
    },
    ignoreInternalEmail: false,
    onlySyncingMailboxFilter: false,
    resolution: { unresolveSenderIfMultiple: false, unresolveRecipientIfMultiple: false, resolveInactive: false },
    filterOf: (r) => f.filters[r.id],
    candidates: (a) => f.rows[a] ?? [],
    known: {
      byMessageKey: (k) => f.known.filter((e) => e.messageKey === k),
      byToken: (t) => f.known.filter((e) => e.trackingtoken?.toUpperCase() === t.toUpperCase()),
      byConversationRoot: (r) => f.known.filter((e) => e.conversationRoot === r),
      smartCandidates: () => [],
    },
    existing: (k, out) => f.existing.find((e) => e.messageKey === k && e.outgoing === out),
    ...over,
  };
}

/** Bob's reply to E1 arriving in Alice's Inbox (scenario P1). */
export function mail(over: Partial<MailItem> = {}): MailItem {
  return {
    graphId: 'AAMk-r1',
    internetMessageId: '<r1@fabrikam.com>',
    messageKey: 'r1@fabrikam.com',
    folder: 'inbox',
    subject: 'RE: Quote Q-100',
    from: { address: 'bob@fabrikam.com', name: 'Bob' },
    to: [{ address: 'alice@contoso.com' }],
    cc: [],
    bcc: [],
    receivedDateTime: '2025-01-10T09:00:00.000Z',
    sentDateTime: '2025-01-10T08:59:58.000Z',
    inReplyTo: ['e1@contoso.onmicrosoft.com'],
    references: [],
    categories: [],
    keptHeaders: {},
    autoReply: false,
    body: { contentType: 'html', content: '<p>Thanks</p>' },
    ...over,
  };
}
