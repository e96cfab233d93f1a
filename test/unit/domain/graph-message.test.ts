// Graph message JSON -> MailItem (docs/sss-parity.md: #which-items-are-looked-at, the invalid sender of
// #promotion-filters, the headers kept of #regarding-owner-and-queue-items).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeGraphMessage, lacksHeaders } from '../../../shared/domain/graph-message';
import type { MailItem } from '../../../shared/domain/item';

const addr = (address: string, name?: string) => ({ emailAddress: { address, ...(name ? { name } : {}) } });

function full(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'AAMk1',
    internetMessageId: '<R1@fabrikam.com>',
    subject: 'RE: Quote Q-100',
    from: addr('Bob@Fabrikam.com', 'Bob'),
    toRecipients: [addr('alice@contoso.com')],
    ccRecipients: [],
    bccRecipients: [],
    receivedDateTime: '2025-01-10T09:00:00Z',
    sentDateTime: '2025-01-10T08:59:58Z',
    internetMessageHeaders: [{ name: 'In-Reply-To', value: '<e1@contoso.onmicrosoft.com>' }],
    categories: [],
    body: { contentType: 'html', content: '<p>hi</p>' },
    ...over,
  };
}

function item(over: Record<string, unknown> = {}): MailItem {
  const n = normalizeGraphMessage(full(over), 'inbox');
  assert.equal(n.kind, 'item', JSON.stringify(n));
  return (n as { item: MailItem }).item;
}

describe('normalizeGraphMessage: payload kinds', () => {
  it('an @removed entry becomes "removed" with its reason', () => {
    const n = normalizeGraphMessage({ id: 'AAMk1', '@removed': { reason: 'changed' } }, 'inbox');
    assert.deepEqual(n, { kind: 'removed', graphId: 'AAMk1', reason: 'changed' });
  });
  it('an update carrying only some properties (isRead) is "partial", to be read in full', () => {
    const n = normalizeGraphMessage({ id: 'AAMk1', isRead: true, categories: ['Tracked to Dynamics 365'] }, 'inbox');
    assert.deepEqual(n, { kind: 'partial', graphId: 'AAMk1' });
  });
  it('an item without an id is invalid, not an exception', () => {
    assert.equal(normalizeGraphMessage({ subject: 'x' }, 'inbox').kind, 'invalid');
    assert.equal(normalizeGraphMessage(null, 'inbox').kind, 'invalid');
  });
});

describe('normalizeGraphMessage: internetMessageId', () => {
  it('a full item without internetMessageId is invalid (no dedup key)', () => {
    const n = normalizeGraphMessage(full({ internetMessageId: undefined }), 'inbox');
    assert.equal(n.kind, 'invalid');
    assert.notEqual((n as { invalidSender?: boolean }).invalidSender, true);
  });
  it('a blank internetMessageId is invalid', () => {
    assert.equal(normalizeGraphMessage(full({ internetMessageId: '   ' }), 'inbox').kind, 'invalid');
  });
  it('a malformed internetMessageId (white space inside) is invalid', () => {
    assert.equal(normalizeGraphMessage(full({ internetMessageId: '<a b@c.d>' }), 'inbox').kind, 'invalid');
  });
  it('keeps the raw Message-ID and a normalized key', () => {
    const i = item();
    assert.equal(i.internetMessageId, '<R1@fabrikam.com>');
    assert.equal(i.messageKey, 'r1@fabrikam.com');
  });
});

describe('normalizeGraphMessage: sender (x@y.z rule)', () => {
  it('a sender not of the form x@y.z (no domain dot) is an invalid sender', () => {
    const n = normalizeGraphMessage(full({ from: addr('bob@localhost') }), 'inbox');
    assert.equal(n.kind, 'invalid');
    assert.equal((n as { invalidSender?: boolean }).invalidSender, true);
  });
  it('an Exchange legacy DN sender is an invalid sender', () => {
    const n = normalizeGraphMessage(full({ from: addr('/O=EXCHANGELABS/OU=EXCHANGE/CN=RECIPIENTS/CN=BOB') }), 'inbox');
    assert.equal((n as { invalidSender?: boolean }).invalidSender, true);
  });
  it('a missing sender is an invalid sender', () => {
    const n = normalizeGraphMessage(full({ from: undefined }), 'inbox');
    assert.equal((n as { invalidSender?: boolean }).invalidSender, true);
  });
  it('falls back to "sender" when "from" is absent', () => {
    const i = item({ from: undefined, sender: addr('carol@other.com') });
    assert.equal(i.from?.address, 'carol@other.com');
  });
  it('lower-cases and trims the sender address', () => {
    assert.deepEqual(item({ from: addr(' Bob@Fabrikam.COM ', 'Bob') }).from, {
      address: 'bob@fabrikam.com',
      name: 'Bob',
    });
  });
});

describe('normalizeGraphMessage: recipients', () => {
  it('drops recipients not of the form x@y.z and keeps the valid ones in order', () => {
    const i = item({ toRecipients: [addr('team'), addr('alice@contoso.com'), addr('x@y'), addr('dave@contoso.com')] });
    assert.deepEqual(
      i.to.map((a) => a.address),
      ['alice@contoso.com', 'dave@contoso.com'],
    );
  });
  it('drops a repeated recipient address within one list', () => {
    const i = item({ ccRecipients: [addr('Dave@contoso.com'), addr('dave@contoso.com')] });
    assert.deepEqual(
      i.cc.map((a) => a.address),
      ['dave@contoso.com'],
    );
  });
});

describe('normalizeGraphMessage: headers', () => {
  it('keeps Auto-Submitted and Reply-To, whatever their case in the message', () => {
    const i = item({
      internetMessageHeaders: [
        { name: 'auto-submitted', value: 'auto-replied' },
        { name: 'REPLY-TO', value: 'noreply@fabrikam.com' },
        { name: 'X-Mailer', value: 'Outlook' },
      ],
    });
    assert.deepEqual(i.keptHeaders, { 'Auto-Submitted': 'auto-replied', 'Reply-To': 'noreply@fabrikam.com' });
  });
  it('parses In-Reply-To and References into normalized ids', () => {
    const i = item({
      internetMessageHeaders: [
        { name: 'In-Reply-To', value: '<E1@contoso.onmicrosoft.com>' },
        { name: 'References', value: '<x@y> <E1@contoso.onmicrosoft.com>' },
      ],
    });
    assert.deepEqual(i.inReplyTo, ['e1@contoso.onmicrosoft.com']);
    assert.deepEqual(i.references, ['x@y', 'e1@contoso.onmicrosoft.com']);
  });
  it('Mail as Exchange stores it: without internetMessageHeaders (Sent Items), In-Reply-To and References come from PidTagInReplyToId and PidTagInternetReferences, normalized the same way', () => {
    const i = item({
      internetMessageHeaders: undefined,
      singleValueExtendedProperties: [
        { id: 'String 0x1042', value: ' <E1@contoso.onmicrosoft.com> ' },
        { id: 'String 0x1039', value: '<x@y>\r\n <E1@contoso.onmicrosoft.com>' },
      ],
    });
    assert.deepEqual(i.inReplyTo, ['e1@contoso.onmicrosoft.com']);
    assert.deepEqual(i.references, ['x@y', 'e1@contoso.onmicrosoft.com']);
  });
  it('Mail as Exchange stores it: a header Graph gives wins over the property; each falls back on its own', () => {
    const i = item({
      internetMessageHeaders: [{ name: 'In-Reply-To', value: '<header@x>' }],
      singleValueExtendedProperties: [
        { id: 'String 0x1042', value: '<prop@x>' },
        { id: 'String 0x1039', value: '<ref@x>' },
      ],
    });
    assert.deepEqual(i.inReplyTo, ['header@x']);
    assert.deepEqual(i.references, ['ref@x']);
  });
  it("Mail as Exchange stores it: property ids match in Graph's spelling and the caller's; other ids, types and values are ignored", () => {
    const props = (list: unknown[]) =>
      item({ internetMessageHeaders: [], singleValueExtendedProperties: list }).inReplyTo;
    assert.deepEqual(props([{ id: 'string 0x01042', value: '<a@x>' }]), ['a@x']);
    assert.deepEqual(props([{ id: 'Binary 0x1042', value: '<a@x>' }]), []);
    assert.deepEqual(props([{ id: 'String 0x1043', value: '<a@x>' }]), []);
    assert.deepEqual(
      props([{ id: 'String {00020386-0000-0000-c000-000000000046} Name In-Reply-To', value: '<a@x>' }]),
      [],
    );
    assert.deepEqual(props([{ id: 'String 0x1042', value: 42 }, null, 'x', { value: '<b@x>' }]), []);
    assert.deepEqual(item({ singleValueExtendedProperties: 'not a list' }).inReplyTo, ['e1@contoso.onmicrosoft.com']);
  });
  it('a payload without internetMessageHeaders is flagged so they are read separately', () => {
    assert.equal(lacksHeaders(full({ internetMessageHeaders: undefined })), true);
    assert.equal(lacksHeaders(full()), false);
  });
});

describe('normalizeGraphMessage: dates and folder', () => {
  it('a malformed receivedDateTime makes the item invalid', () => {
    assert.equal(normalizeGraphMessage(full({ receivedDateTime: 'yesterday' }), 'inbox').kind, 'invalid');
  });
  it('records the folder it was found in', () => {
    const n = normalizeGraphMessage(full(), 'sentitems');
    assert.equal(n.kind === 'item' && n.item.folder, 'sentitems');
  });
});
