// What promotion correlates and dedups against: Dataverse rows, the correlation index, this page.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PageKnowledge, withoutOwnPage } from '../../../shared/pipeline/known-emails';
import type { ExistingEmail, PageLookup } from '../../../shared/ports';
import type { IndexedEmail } from '../../../shared/domain/activity';

const dv = (over: Partial<ExistingEmail> = {}): ExistingEmail => ({
  activityid: 'E1',
  messageid: '<e1@contoso.onmicrosoft.com>',
  messageKey: 'e1@contoso.onmicrosoft.com',
  outgoing: true,
  trackingtoken: 'CRM:0001001',
  ...over,
});
function lookup(emails: ExistingEmail[], tokens: ExistingEmail[] = []): PageLookup {
  const by = (list: ExistingEmail[], k: (e: ExistingEmail) => string) => {
    const m = new Map<string, ExistingEmail[]>();
    for (const e of list) m.set(k(e), [...(m.get(k(e)) ?? []), e]);
    return m;
  };
  return {
    emails: by(emails, (e) => e.messageKey),
    tokens: by(tokens, (e) => e.trackingtoken!.toUpperCase()),
    conversations: new Map(),
    parties: new Map(),
  };
}
const index = (list: IndexedEmail[]) => new Map(list.map((e) => [e.messageKey, [e]]));

describe('PageKnowledge', () => {
  it('finds a Dataverse row by Message-ID and by tracking token, case-insensitively', () => {
    const k = new PageKnowledge(lookup([dv()], [dv()]), new Map());
    assert.equal(k.byMessageKey('e1@contoso.onmicrosoft.com')[0]?.activityid, 'E1');
    assert.equal(k.byToken('crm:0001001')[0]?.activityid, 'E1');
  });
  it('lists a row found both by Message-ID and by token once', () => {
    const k = new PageKnowledge(lookup([dv()], [dv()]), new Map());
    assert.equal(k.byMessageKey('e1@contoso.onmicrosoft.com').length, 1);
  });
  it('existing() answers per direction', () => {
    const k = new PageKnowledge(lookup([dv({ outgoing: true })]), new Map());
    assert.equal(k.existing('e1@contoso.onmicrosoft.com', true)?.activityid, 'E1');
    assert.equal(k.existing('e1@contoso.onmicrosoft.com', false), undefined);
  });
  it("Dataverse's receiving mailbox wins over the index's for the same row", () => {
    const k = new PageKnowledge(
      lookup([dv({ receivingMailboxId: 'mbx-sales' })]),
      index([{ messageKey: 'e1@contoso.onmicrosoft.com', activityid: 'E1', outgoing: true, mailboxId: 'mbx-alice' }]),
    );
    assert.equal(k.existing('e1@contoso.onmicrosoft.com', true)?.receivingMailboxId, 'mbx-sales');
  });
  it('the index supplies the creating mailbox when Dataverse does not say', () => {
    const k = new PageKnowledge(
      lookup([dv()]),
      index([{ messageKey: 'e1@contoso.onmicrosoft.com', activityid: 'E1', outgoing: true, mailboxId: 'mbx-alice' }]),
    );
    assert.equal(k.existing('e1@contoso.onmicrosoft.com', true)?.receivingMailboxId, 'mbx-alice');
  });
  it('an index-only row (decided, not yet written) is known', () => {
    const k = new PageKnowledge(
      lookup([]),
      index([
        {
          messageKey: 'r0@x.y',
          activityid: 'R0',
          outgoing: false,
          trackingtoken: 'CRM:0001005',
          mailboxId: 'mbx-alice',
        },
      ]),
    );
    assert.equal(k.byMessageKey('r0@x.y')[0]?.activityid, 'R0');
    assert.equal(k.byToken('CRM:0001005')[0]?.activityid, 'R0');
  });
  it('a row added during the page is found by the next item (reply on the same page as its original)', () => {
    const k = new PageKnowledge(lookup([]), new Map());
    k.add({ messageKey: 'orig@x.y', activityid: 'O', outgoing: false, receivingMailboxId: 'mbx-alice' });
    assert.equal(k.byMessageKey('orig@x.y')[0]?.activityid, 'O');
  });
});

describe('withoutOwnPage (a page run again after a crash)', () => {
  const entry = (activityid: string, graphId: string, mailboxId = 'mbx-david'): IndexedEmail => ({
    messageKey: `${activityid}@x`,
    activityid,
    outgoing: false,
    mailboxId,
    graphId,
    conversationRoot: 'r',
  });
  it("drops this mailbox's index entries and Dataverse rows for items on the page, and keeps the rest", () => {
    const idx = new Map([
      ['own@x', [entry('own', 'g-on-page')]],
      ['earlier@x', [entry('earlier', 'g-earlier-page')]],
      ['other@x', [entry('other', 'g-on-page', 'mbx-alice')]],
    ]);
    const conv = new Map([['r', [entry('own', 'g-on-page'), entry('earlier', 'g-earlier-page')]]]);
    const lk = lookup([
      dv({ activityid: 'own', messageKey: 'own@x' }),
      dv({ activityid: 'sss-row', messageKey: 'sss@x' }),
    ]);
    const seen = withoutOwnPage(lk, idx, conv, 'mbx-david', new Set(['g-on-page']));
    assert.deepEqual([...seen.index.keys()].sort(), ['earlier@x', 'other@x']);
    assert.deepEqual(
      seen.conversations.get('r')?.map((e) => e.activityid),
      ['earlier'],
    );
    assert.deepEqual(
      [...seen.lookup.emails.values()].flat().map((e) => e.activityid),
      ['sss-row'],
    );
  });
  it('changes nothing on a first attempt', () => {
    const lk = lookup([dv()]);
    const idx = new Map([['earlier@x', [entry('earlier', 'g-earlier-page')]]]);
    const seen = withoutOwnPage(lk, idx, new Map(), 'mbx-david', new Set(['g-on-page']));
    assert.equal(seen.lookup, lk);
    assert.equal(seen.index, idx);
  });
});
