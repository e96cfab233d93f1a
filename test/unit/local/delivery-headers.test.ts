// The headers the Graph simulator gives a delivered message: made from the message's own fields, so they
// can never disagree with it, and never one that promotion reads unless the sender set it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deliveryHeaders, isInternalSender } from '../../../local/sim/graph/delivery-headers';
import { renderMime } from '../../../local/sim/graph/mime';

const message = {
  internetMessageId: '<q-100@fabrikam.com>',
  subject: 'Quote Q-100 \u2013 revised',
  sentDateTime: '2025-01-09T08:05:00Z',
  receivedDateTime: '2025-01-09T08:05:12Z',
  from: { emailAddress: { name: 'Bob Kelly', address: 'bob@fabrikam.com' } },
  toRecipients: [{ emailAddress: { name: 'Alice', address: 'alice@contoso.com' } }],
  ccRecipients: [],
  replyTo: [],
  conversationIndex: 'AdtKU2aAV/lM8F4EWceksbjWasBerQ==',
  body: { contentType: 'html', content: '<p>hi</p>' },
};
const names = (h: { name: string }[]) => h.map((x) => x.name.toLowerCase());

test('Mail as Exchange stores it: delivery adds no header that promotion reads, unless the sender set it', () => {
  const h = deliveryHeaders(message, { mailbox: 'alice@contoso.com', internal: false });
  for (const read of [
    'in-reply-to',
    'references',
    'auto-submitted',
    'precedence',
    'x-autoreply',
    'x-autorespond',
    'reply-to',
  ])
    assert.ok(!names(h).includes(read), read);
  const reply = deliveryHeaders(message, {
    mailbox: 'alice@contoso.com',
    internal: false,
    sender: [{ name: 'In-Reply-To', value: '<q-99@contoso.com>' }],
  });
  assert.deepEqual(
    reply.filter((x) => x.name === 'In-Reply-To'),
    [{ name: 'In-Reply-To', value: '<q-99@contoso.com>' }],
  );
});

test('Mail as Exchange stores it: header values agree with the message; the same message always gets the same headers', () => {
  const h = deliveryHeaders(message, { mailbox: 'alice@contoso.com', internal: false });
  const get = (n: string) => h.find((x) => x.name === n)?.value;
  assert.equal(get('Message-ID'), '<q-100@fabrikam.com>');
  assert.equal(get('Date'), 'Thu, 9 Jan 2025 08:05:00 +0000');
  assert.equal(get('From'), '"Bob Kelly" <bob@fabrikam.com>');
  assert.equal(get('To'), '"Alice" <alice@contoso.com>');
  assert.equal(get('Subject'), `=?utf-8?B?${Buffer.from(message.subject).toString('base64')}?=`);
  assert.equal(get('Thread-Index'), message.conversationIndex);
  assert.equal(get('Return-Path'), 'bob@fabrikam.com');
  assert.deepEqual(deliveryHeaders(structuredClone(message), { mailbox: 'alice@contoso.com', internal: false }), h);
});

test('Mail as Exchange stores it: control characters in a hostile message never break a header line', () => {
  const hostile = {
    ...message,
    subject: 'Hi\r\nBcc: victim@x.io',
    internetMessageId: '<a\r\nX: y@x.io>',
    from: { emailAddress: { name: 'Eve\r\nX: 1', address: 'eve@evil.example\r\nBcc: v@x.io' } },
  };
  const h = deliveryHeaders(hostile, { mailbox: 'alice@contoso.com', internal: false });
  for (const x of h) assert.doesNotMatch(x.value, /[\r\n]/, x.name);
  assert.doesNotMatch(renderMime(hostile, h).split('\r\n\r\n')[0]!, /^(Bcc|X):/m);
});

test('Mail as Exchange stores it: a sender of another domain is from outside; a tenant domain or no SMTP address is internal', () => {
  const domains = new Set(['contoso.com']);
  assert.equal(isInternalSender(message, domains), false);
  assert.equal(isInternalSender({ from: { emailAddress: { address: 'erin@Contoso.com' } } }, domains), true);
  assert.equal(
    isInternalSender(
      { from: { emailAddress: { address: '/O=EXCHANGELABS/OU=EXCHANGE/CN=RECIPIENTS/CN=LEGACY' } } },
      domains,
    ),
    true,
  );
  assert.equal(isInternalSender({ from: { emailAddress: { name: 'Scanner' } } }, domains), true);
});
