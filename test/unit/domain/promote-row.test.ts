// The email row promotion builds: direction, status and headers (docs/sss-parity.md#regarding-owner-and-queue-items),
// lengths (#field-lengths).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { promote } from '../../../shared/domain/promote';
import { emailActivityId } from '../../../shared/domain/message-id';
import { PARTY_MASK } from '../../../shared/domain/refs';
import { context, fixture, mail, ALICE, BOB, SALES } from './promote-fixture';

describe('promote: status and direction', () => {
  it('received mail is statuscode 4 (Received), directioncode false', () => {
    const a = promote(mail(), context()).activity!;
    assert.deepEqual([a.statuscode, a.directioncode], [4, false]);
  });
  it('Sent Items mail is statuscode 3 (Sent), directioncode true', () => {
    const f = fixture();
    f.filters.alice = 0;
    const a = promote(
      mail({
        folder: 'sentitems',
        from: { address: 'alice@contoso.com' },
        to: [{ address: 'bob@fabrikam.com' }],
        inReplyTo: [],
      }),
      context(f),
    ).activity!;
    assert.deepEqual([a.statuscode, a.directioncode], [3, true]);
  });
  it('the activity id is the deterministic id for Message-ID and direction', () => {
    const p = promote(mail(), context());
    assert.equal(p.activity?.activityid, emailActivityId('r1@fabrikam.com', false));
    assert.equal(p.decision.activityid, p.activity?.activityid);
  });
});

describe('promote: field lengths', () => {
  it('a subject over 800 characters is cut to 800 and the cut is recorded in the decision', () => {
    const p = promote(mail({ subject: 'x'.repeat(900) }), context());
    assert.equal(p.activity?.subject.length, 800);
    assert.match(p.decision.detail ?? '', /truncated: .*subject/);
  });
  it('a subject of exactly 800 characters is kept whole with no truncation recorded', () => {
    const p = promote(mail({ subject: 'y'.repeat(800) }), context());
    assert.equal(p.activity?.subject.length, 800);
    assert.equal(p.decision.detail, undefined);
  });
});

describe('promote: internetmessageheaders', () => {
  it('holds Auto-Submitted and Reply-To as JSON (P17: an auto-reply is still promoted)', () => {
    const p = promote(
      mail({ keptHeaders: { 'Auto-Submitted': 'auto-replied', 'Reply-To': 'noreply@fabrikam.com' } }),
      context(),
    );
    assert.equal(p.decision.correlationMethod, 'InReplyTo');
    assert.deepEqual(JSON.parse(p.activity!.internetmessageheaders!), {
      'Auto-Submitted': 'auto-replied',
      'Reply-To': 'noreply@fabrikam.com',
    });
  });
  it('is absent when the mail has neither header', () => {
    assert.equal(promote(mail(), context()).activity?.internetmessageheaders, undefined);
  });
  it('stays valid JSON of at most 500 characters when a header value is very long', () => {
    const p = promote(
      mail({ keptHeaders: { 'Auto-Submitted': 'auto-generated', 'Reply-To': `${'r'.repeat(700)}@fabrikam.com` } }),
      context(),
    );
    const h = p.activity!.internetmessageheaders!;
    assert.ok(h.length <= 500, `length ${h.length}`);
    const parsed = JSON.parse(h) as Record<string, string>;
    assert.equal(parsed['Auto-Submitted'], 'auto-generated');
    assert.match(p.decision.detail ?? '', /internetmessageheaders/);
  });
});

describe('promote: parties', () => {
  it('an unknown sender stays an unresolved From with its address (P9)', () => {
    const f = fixture();
    f.filters.alice = 0;
    const a = promote(mail({ from: { address: 'unknown@nowhere.io' }, inReplyTo: [] }), context(f)).activity!;
    assert.deepEqual(a.parties[0], { mask: PARTY_MASK.from, addressused: 'unknown@nowhere.io' });
  });
  it('a known sender is the From party; To lists every match of a shared address', () => {
    const f = fixture();
    f.rows['alice@contoso.com'] = [
      { ref: ALICE, active: true },
      { ref: SALES, active: true },
    ];
    const a = promote(mail(), context(f)).activity!;
    assert.deepEqual(a.parties[0], { mask: PARTY_MASK.from, party: BOB, addressused: 'bob@fabrikam.com' });
    assert.deepEqual(
      a.parties.filter((p) => p.mask === PARTY_MASK.to).map((p) => p.party),
      [ALICE, SALES],
    );
  });
  it('Bcc is left empty on received mail', () => {
    const f = fixture();
    f.filters.alice = 0;
    const a = promote(mail({ inReplyTo: [], bcc: [{ address: 'david@contoso.com' }] }), context(f)).activity!;
    assert.equal(a.parties.filter((p) => p.mask === PARTY_MASK.bcc).length, 0);
  });
  it('Bcc is kept on sent mail', () => {
    const f = fixture();
    f.filters.alice = 0;
    const a = promote(
      mail({
        folder: 'sentitems',
        from: { address: 'alice@contoso.com' },
        inReplyTo: [],
        bcc: [{ address: 'david@contoso.com' }],
      }),
      context(f),
    ).activity!;
    assert.equal(a.parties.filter((p) => p.mask === PARTY_MASK.bcc).length, 1);
  });
});
