// Issue 10, point 9: smart matching as SSS does it, found through a hash index that holds at scale.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_SMART_MATCHING,
  entryKeys,
  lookupKeys,
  smartEntryOf,
  smartMatch,
  subjectHashes,
  type SmartMatching,
} from '../../../shared/domain/smart-match';
import type { MailItem } from '../../../shared/domain/item';

const on = (over: Partial<SmartMatching> = {}): SmartMatching => ({
  ...DEFAULT_SMART_MATCHING,
  enabled: true,
  ...over,
});
const BOB = 'bob@fabrikam.com';
const ALICE = 'alice@contoso.com';

function mail(subject: string, over: Partial<MailItem> = {}): MailItem {
  return {
    graphId: 'g',
    internetMessageId: '<r@fabrikam.com>',
    messageKey: 'r@fabrikam.com',
    folder: 'inbox',
    subject,
    from: { address: BOB },
    to: [{ address: ALICE }],
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
const earlier = (subject: string, s: SmartMatching, over: Partial<Parameters<typeof smartEntryOf>[0]> = {}) =>
  smartEntryOf(
    {
      activityid: `e-${subject}`,
      outgoing: true,
      subject,
      addresses: [ALICE, BOB],
      at: '2025-01-05T09:00:00Z',
      ...over,
    },
    s,
  );

describe("Dataverse queries that hold at scale, with SSS's semantics: the match rule", () => {
  it('word order does not matter', () => {
    const s = on();
    assert.equal(smartMatch(mail('RE: Q3 for Pricing'), [earlier('Pricing for Q3', s)], s)?.subject, 'Pricing for Q3');
  });
  it('a reply with one more word matches with HashDeltaSubjectCount 1, not with 0', () => {
    assert.ok(
      smartMatch(
        mail('RE: Pricing for Q3 update'),
        [earlier('Pricing for Q3', on({ deltaSubjectCount: 1 }))],
        on({ deltaSubjectCount: 1 }),
      ),
    );
    assert.equal(smartMatch(mail('RE: Pricing for Q3 update'), [earlier('Pricing for Q3', on())], on()), undefined);
  });
  it('a reply with one fewer word matches with HashDeltaSubjectCount 1, not with 0', () => {
    assert.ok(
      smartMatch(
        mail('RE: Pricing Q3'),
        [earlier('Pricing for Q3', on({ deltaSubjectCount: 1 }))],
        on({ deltaSubjectCount: 1 }),
      ),
    );
    assert.equal(smartMatch(mail('RE: Pricing Q3'), [earlier('Pricing for Q3', on())], on()), undefined);
  });
  it('the delta counts words that differ: one word changed is within 1, two are not', () => {
    const s = on({ deltaSubjectCount: 1 });
    assert.ok(smartMatch(mail('RE: Pricing for Q4'), [earlier('Pricing for Q3', s)], s));
    assert.equal(smartMatch(mail('RE: Invoice for Q4'), [earlier('Pricing for Q3', s)], s), undefined);
  });
  it('subjects sharing no word never match, whatever the delta', () => {
    const s = on({ deltaSubjectCount: 5 });
    assert.equal(smartMatch(mail('Hello'), [earlier('Lunch', s)], s), undefined);
  });
  it('%, _ and [ ] are characters of a word, not wildcards', () => {
    const s = on();
    const e = earlier('50% off [promo] item_1', s);
    assert.ok(smartMatch(mail('RE: [promo] item_1 50% off'), [e], s));
    assert.equal(smartMatch(mail('RE: 50_ off [promo] item%1'), [e], s), undefined);
  });
  it('case and HashFilterKeywords prefixes are ignored; only the first HashMaxCount words count', () => {
    const s = on({ maxCount: 3 });
    assert.ok(smartMatch(mail('FW: RE: PRICING for q3 and more words after'), [earlier('pricing FOR Q3', s)], s));
    assert.deepEqual(
      subjectHashes('Out of office: Pricing', s).length,
      3,
      '"Out of office:" is not a prefix by default',
    );
  });
  it('needs HashMinAddressCount shared addresses (by address, or by the row an address resolves to)', () => {
    const s = on();
    assert.equal(
      smartMatch(mail('Pricing for Q3', { from: { address: 'carol@other.com' } }), [earlier('Pricing for Q3', s)], s),
      undefined,
    );
    const byRow = smartEntryOf(
      {
        activityid: 'r',
        outgoing: true,
        subject: 'Pricing for Q3',
        addresses: [ALICE],
        partyIds: ['BOB-CONTACT'],
        at: '2025-01-05T09:00:00Z',
      },
      s,
    );
    assert.equal(smartMatch(mail('Pricing for Q3'), [byRow], s), undefined);
    assert.equal(
      smartMatch(mail('Pricing for Q3'), [byRow], s, (a) => (a === BOB ? ['bob-contact'] : []))?.activityid,
      'r',
    );
  });
  it('the best match wins whatever order candidates come in: more shared words, then more addresses, then the latest', () => {
    const s = on({ deltaSubjectCount: 2 });
    const exact = earlier('Pricing for Q3', s, { activityid: 'exact', at: '2025-01-01T00:00:00Z' });
    const close = earlier('Pricing for Q4', s, { activityid: 'close', at: '2025-01-09T00:00:00Z' });
    const newer = earlier('Pricing for Q3', s, { activityid: 'newer', at: '2025-01-08T00:00:00Z' });
    for (const list of [
      [exact, close, newer],
      [newer, close, exact],
      [close, exact, newer],
    ]) {
      assert.equal(smartMatch(mail('RE: Pricing for Q3'), list, s)?.activityid, 'newer');
    }
  });
});

describe("Dataverse queries that hold at scale, with SSS's semantics: the index finds every match by point reads", () => {
  // Any two subjects the rule matches share a key: the item's first d+1 words (in hash order) meet the
  // entry's first max(d+1, 3) words on one of their common parties.
  const vocabulary = [
    'pricing',
    'for',
    'q3',
    'q4',
    'invoice',
    'update',
    'meeting',
    'notes',
    '50%',
    'item_1',
    '[promo]',
    're',
    'the',
    'a',
  ];
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const word = () => vocabulary[Math.floor(random() * vocabulary.length)]!;
  /** A subject, and another made from it: shuffled, with up to `edits` words added, removed or replaced. */
  const pair = (edits: number): [string, string] => {
    const a = Array.from({ length: 1 + Math.floor(random() * 7) }, word);
    const b = [...a].sort(() => random() - 0.5);
    for (let n = Math.floor(random() * (edits + 1)); n > 0; n--) {
      const op = random();
      if (op < 0.33) b.push(word());
      else if (op < 0.66 && b.length > 1) b.splice(Math.floor(random() * b.length), 1);
      else b[Math.floor(random() * b.length)] = word();
    }
    return [a.join(' '), b.join(' ')];
  };
  for (const delta of [0, 1, 2]) {
    it(`HashDeltaSubjectCount ${delta}: every matching pair of 3,000 random subjects shares a key`, () => {
      const s = on({ deltaSubjectCount: delta });
      let matches = 0;
      for (let i = 0; i < 3000; i++) {
        const [a, b] = pair(delta + 1);
        const item = mail(a);
        const entry = earlier(b, s);
        if (!smartMatch(item, [entry], s)) continue;
        matches++;
        const keys = new Set(entryKeys(entry, s));
        assert.ok(
          lookupKeys(item, s, () => []).some((k) => keys.has(k)),
          `${item.subject} / ${entry.subject}`,
        );
      }
      assert.ok(matches > 500, `the sample has matches (${matches})`);
    });
  }
});
