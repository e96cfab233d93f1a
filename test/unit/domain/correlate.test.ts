// Correlation order and tracking tokens, as Dynamics 365 documents them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  correlate,
  findTrackingTokens,
  type CorrelationSettings,
  type KnownEmail,
  type KnownEmails,
} from '../../../shared/domain/correlate';
import type { MailItem } from '../../../shared/domain/item';

const E1: KnownEmail = {
  messageKey: 'e1@contoso.onmicrosoft.com',
  activityid: 'E1',
  outgoing: true,
  regarding: { type: 'opportunity', id: 'Opp1' },
  trackingtoken: 'CRM:0001001',
};
const E2: KnownEmail = {
  messageKey: 'e2@contoso.onmicrosoft.com',
  activityid: 'E2',
  outgoing: true,
  trackingtoken: 'CRM:0001002',
};

function known(list: KnownEmail[]): KnownEmails {
  return {
    byMessageKey: (k) => list.filter((e) => e.messageKey === k),
    byToken: (t) => list.filter((e) => e.trackingtoken?.toUpperCase() === t.toUpperCase()),
    byConversationRoot: (r) => list.filter((e) => e.conversationRoot === r),
    smartCandidates: () => [],
  };
}
const settings = (over: Partial<CorrelationSettings> = {}): CorrelationSettings => ({
  headerCorrelation: true,
  ignoreHeaderCorrelation: false,
  tokensEnabled: true,
  tokenPrefixes: ['CRM:'],
  tokenDigits: 7,
  ...over,
});
function mail(over: Partial<MailItem> = {}): MailItem {
  return {
    graphId: 'g',
    internetMessageId: '<r1@fabrikam.com>',
    messageKey: 'r1@fabrikam.com',
    folder: 'inbox',
    subject: 'RE: Quote Q-100',
    from: { address: 'bob@fabrikam.com' },
    to: [{ address: 'alice@contoso.com' }],
    cc: [],
    bcc: [],
    receivedDateTime: '2025-01-10T09:00:00.000Z',
    inReplyTo: [],
    references: [],
    categories: [],
    keptHeaders: {},
    autoReply: false,
    body: { contentType: 'text', content: '' },
    ...over,
  };
}

describe('correlate: In-Reply-To (P1)', () => {
  it('matches the email whose Message-ID is in In-Reply-To and sets the parent', () => {
    const r = correlate(mail({ inReplyTo: ['e1@contoso.onmicrosoft.com'] }), known([E1]), settings());
    assert.equal(r.method, 'InReplyTo');
    assert.equal(r.target?.activityid, 'E1');
    assert.equal(r.setsParent, true);
  });
  it('In-Reply-To is tried before the tracking token', () => {
    const r = correlate(
      mail({ inReplyTo: ['e1@contoso.onmicrosoft.com'], subject: 'RE: other CRM:0001002' }),
      known([E1, E2]),
      settings(),
    );
    assert.equal(r.method, 'InReplyTo');
    assert.equal(r.target?.activityid, 'E1');
  });
  it('an In-Reply-To naming an unknown message falls through to the token', () => {
    const r = correlate(mail({ inReplyTo: ['nobody@x.y'], subject: 'RE: Quote CRM:0001001' }), known([E1]), settings());
    assert.equal(r.method, 'TrackingToken');
  });
  it('prefers the outgoing row when both directions of the message are known', () => {
    const inCopy: KnownEmail = { ...E1, activityid: 'E1-in', outgoing: false };
    const r = correlate(mail({ inReplyTo: ['e1@contoso.onmicrosoft.com'] }), known([inCopy, E1]), settings());
    assert.equal(r.target?.activityid, 'E1');
  });
  it('a mail never correlates with its own Message-ID', () => {
    const self: KnownEmail = { messageKey: 'r1@fabrikam.com', activityid: 'SELF', outgoing: false };
    assert.equal(correlate(mail({ inReplyTo: ['r1@fabrikam.com'] }), known([self]), settings()).method, 'None');
  });
});

describe('correlate: References (P4, SSS-compatible)', () => {
  it('a reply carrying only References is not correlated', () => {
    assert.equal(
      correlate(mail({ references: ['x@y', 'e1@contoso.onmicrosoft.com'] }), known([E1]), settings()).method,
      'None',
    );
  });
});

describe('correlate: tracking token (P2, P3)', () => {
  it('a token-only reply correlates by token and does not set the parent', () => {
    const r = correlate(mail({ subject: 'RE: Quote Q-100 CRM:0001001' }), known([E1]), settings());
    assert.deepEqual([r.method, r.target?.activityid, r.setsParent], ['TrackingToken', 'E1', false]);
  });
  it('an unknown token does not correlate', () => {
    assert.equal(correlate(mail({ subject: 'RE: Hello CRM:0001999' }), known([E1]), settings()).method, 'None');
  });
  it('tokens switched off: a token subject does not correlate', () => {
    assert.equal(
      correlate(mail({ subject: 'RE: Quote Q-100 CRM:0001001' }), known([E1]), settings({ tokensEnabled: false }))
        .method,
      'None',
    );
  });
});

describe('correlate: header switches (P5)', () => {
  it('IgnoreConversationIndexAndInReplyToForCorrelation switches In-Reply-To off', () => {
    const r = correlate(
      mail({ inReplyTo: ['e1@contoso.onmicrosoft.com'] }),
      known([E1]),
      settings({ ignoreHeaderCorrelation: true }),
    );
    assert.equal(r.method, 'None');
  });
  it('IgnoreConversationIndexAndInReplyToForCorrelation leaves tokens working', () => {
    const r = correlate(
      mail({ inReplyTo: ['e1@contoso.onmicrosoft.com'], subject: 'RE: Quote Q-100 CRM:0001001' }),
      known([E1]),
      settings({ ignoreHeaderCorrelation: true }),
    );
    assert.equal(r.method, 'TrackingToken');
  });
  it('"use correlation" off disables In-Reply-To', () => {
    assert.equal(
      correlate(
        mail({ inReplyTo: ['e1@contoso.onmicrosoft.com'] }),
        known([E1]),
        settings({ headerCorrelation: false }),
      ).method,
      'None',
    );
  });
});

describe('findTrackingTokens', () => {
  it('finds the default-layout token (prefix + 7 digits) and upper-cases it', () => {
    assert.deepEqual(findTrackingTokens('RE: Quote crm:0001001', settings()), ['CRM:0001001']);
  });
  it('does not take a longer digit run than the layout (no partial match)', () => {
    assert.deepEqual(findTrackingTokens('RE: CRM:00010012', settings()), []);
  });
  it('does not take a shorter digit run', () => {
    assert.deepEqual(findTrackingTokens('RE: CRM:000100', settings()), []);
  });
  it('uses the digit count from the org layout (1 + 4 user + 2 counter = 7; 1 + 2 + 2 = 5)', () => {
    assert.deepEqual(findTrackingTokens('RE: x CRM:00101', settings({ tokenDigits: 5 })), ['CRM:00101']);
    assert.deepEqual(findTrackingTokens('RE: x CRM:00101', settings()), []);
  });
  it('recognises an earlier prefix from the history', () => {
    assert.deepEqual(findTrackingTokens('RE: Quote CRM:0001001', settings({ tokenPrefixes: ['FAB:', 'CRM:'] })), [
      'CRM:0001001',
    ]);
  });
  it('escapes regex characters in the prefix', () => {
    assert.deepEqual(findTrackingTokens('RE: x A.B0001001', settings({ tokenPrefixes: ['A+B'] })), []);
    assert.deepEqual(findTrackingTokens('RE: x A+B0001001', settings({ tokenPrefixes: ['A+B'] })), ['A+B0001001']);
  });
  it('lists the token nearest the end of the subject first, whatever the prefix order', () => {
    const s = settings({ tokenPrefixes: ['FAB:', 'CRM:'] });
    assert.deepEqual(findTrackingTokens('RE: FW: CRM:0001001 x FAB:0001002', s)[0], 'FAB:0001002');
    assert.deepEqual(findTrackingTokens('RE: FW: FAB:0001002 x CRM:0001001', s)[0], 'CRM:0001001');
  });
});

describe('correlate: several candidates (one thread, many rows)', () => {
  // Thread-Index: a 22-byte root, then 5 bytes per reply.
  const root = Buffer.alloc(22, 7);
  const idx = (...blocks: number[]) =>
    Buffer.concat([root, ...blocks.map((b) => Buffer.alloc(5, b))]).toString('base64');
  const rootHex = root.toString('hex');
  const row = (activityid: string, index: string, outgoing = false): KnownEmail => ({
    messageKey: `${activityid}@x`,
    activityid,
    outgoing,
    conversationRoot: rootHex,
    conversationIndex: index,
  });
  const reply = mail({ conversationIndex: idx(1, 2), conversationRoot: rootHex });

  it('ConversationIndex picks the nearest ancestor, whatever order the rows were found in', () => {
    const rows = [
      row('A-root', idx()),
      row('B-parent', idx(1)),
      row('C-sibling', idx(9)),
      row('D-child', idx(1, 2, 3)),
    ];
    for (const order of [rows, [...rows].reverse(), [rows[2]!, rows[0]!, rows[3]!, rows[1]!]]) {
      const r = correlate(reply, known(order), settings());
      assert.equal(r.method, 'ConversationIndex');
      assert.equal(r.target?.activityid, 'B-parent');
    }
  });
  it('the outgoing row (the email Dynamics sent) still comes first', () => {
    const r = correlate(reply, known([row('B-parent', idx(1)), row('C-sibling', idx(9), true)]), settings());
    assert.equal(r.target?.activityid, 'C-sibling');
  });
  it('without an ancestor: the row nearest the root, then the activity id', () => {
    const a = correlate(reply, known([row('Z', idx(9, 9)), row('Y', idx(8)), row('X', idx(7))]), settings());
    assert.equal(a.target?.activityid, 'X');
    const b = correlate(reply, known([row('Y', idx(7)), row('X', idx(7))].reverse()), settings());
    assert.equal(b.target?.activityid, 'X');
  });
  it('a tracking token several rows carry resolves the same way in any order', () => {
    const t = (id: string): KnownEmail => ({
      messageKey: `${id}@x`,
      activityid: id,
      outgoing: true,
      trackingtoken: 'CRM:0001001',
    });
    const item = mail({ subject: 'RE: Quote CRM:0001001' });
    const one = correlate(item, known([t('T2'), t('T1')]), settings());
    const two = correlate(item, known([t('T1'), t('T2')]), settings());
    assert.equal(one.method, 'TrackingToken');
    assert.equal(one.target?.activityid, two.target?.activityid);
  });
});
