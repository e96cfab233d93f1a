// Edge cases the issue names: token digit layouts and counter wrap, an empty subject, smart matching at
// the edge of its window (correlation and field limits as Dynamics 365 documents them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findTrackingTokens } from '../../../shared/domain/correlate';
import { smartEntryOf, smartMatch, DEFAULT_SMART_MATCHING } from '../../../shared/domain/smart-match';
import { toOrgSettings } from '../../../shared/adapters/dataverse/org';
import { promote } from '../../../shared/domain/promote';
import type { MailItem } from '../../../shared/domain/item';
import { context, mail } from './promote-fixture';

test('token layout: digits are 1 designator + trackingtokeniddigits + the digits of maximumtrackingnumber', () => {
  const s = toOrgSettings({ trackingprefix: 'TKT-', trackingtokeniddigits: 5, maximumtrackingnumber: 99 });
  assert.equal(s.tokenDigits, 1 + 5 + 2);
  assert.deepEqual(
    findTrackingTokens('RE: order TKT-00000412', { tokenPrefixes: s.trackingPrefixes, tokenDigits: s.tokenDigits }),
    ['TKT-00000412'],
  );
  // The default 7-digit token is not read under an 8-digit layout (nor a longer run of digits as a shorter token).
  assert.deepEqual(
    findTrackingTokens('RE: order TKT-0001001', { tokenPrefixes: s.trackingPrefixes, tokenDigits: s.tokenDigits }),
    [],
  );
  assert.deepEqual(findTrackingTokens('RE: CRM:00010012', { tokenPrefixes: ['CRM:'], tokenDigits: 7 }), []);
});

test('counter wrap: after 999 the counter starts again at 000 and such a token still matches', () => {
  assert.deepEqual(findTrackingTokens('RE: Proposal CRM:0001000', { tokenPrefixes: ['CRM:'], tokenDigits: 7 }), [
    'CRM:0001000',
  ]);
  assert.deepEqual(
    findTrackingTokens('RE: Proposal CRM:0001999 CRM:0001000', { tokenPrefixes: ['CRM:'], tokenDigits: 7 }),
    ['CRM:0001000', 'CRM:0001999'],
    'the newest (last) token first',
  );
});

test('an empty subject is promoted with an empty subject, and smart matching finds nothing to match on', () => {
  const p = promote(mail({ subject: '', inReplyTo: ['e1@contoso.onmicrosoft.com'] }), context());
  assert.equal(p.decision.outcome, 'promoted');
  assert.equal(p.activity!.subject, '');
  const item = mail({ subject: '' }) as MailItem;
  const s = { ...DEFAULT_SMART_MATCHING, enabled: true };
  assert.equal(
    smartMatch(
      item,
      [
        smartEntryOf(
          { activityid: 'x', outgoing: true, subject: '', addresses: ['bob@fabrikam.com', 'alice@contoso.com'] },
          s,
        ),
      ],
      s,
    ),
    undefined,
  );
});

test('smart matching window: an email 90 days old still matches, one a second older does not', () => {
  const s = { ...DEFAULT_SMART_MATCHING, enabled: true };
  const item = mail({
    subject: 'RE: Pricing for Q3',
    receivedDateTime: '2025-04-10T10:00:00.000Z',
    inReplyTo: [],
  }) as MailItem;
  const at = (iso: string) =>
    smartEntryOf(
      {
        activityid: iso,
        outgoing: true,
        subject: 'Pricing for Q3',
        addresses: ['bob@fabrikam.com', 'alice@contoso.com'],
        at: iso,
      },
      s,
    );
  const edge = new Date(Date.parse(item.receivedDateTime) - 90 * 86_400_000).toISOString();
  const older = new Date(Date.parse(edge) - 1000).toISOString();
  assert.equal(smartMatch(item, [at(edge)], s)?.activityid, edge);
  assert.equal(smartMatch(item, [at(older)], s), undefined);
});
