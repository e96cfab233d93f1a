// Hostile input (the robustness issue's list): every item must get a decision with a reason, oversize
// fields are cut to Dataverse's limits with the cut recorded, nothing crashes, the rest syncs.
import { acceptanceFixtureF, withInboxMessage, ALICE, BOB, SALES } from '../../local/tenant/acceptance';
import type { FixtureMessage, TenantFixture } from '../../local/tenant/fixture';

const from = (address: string) => ({ emailAddress: { address } });
const to = (...addresses: string[]) => addresses.map((a) => ({ emailAddress: { address: a } }));

export const HOSTILE: Record<string, FixtureMessage> = {
  notAnAddress: {
    internetMessageId: '<h-notaddr@x.io>',
    subject: 'bad sender',
    from: from('bob at fabrikam dot com'),
    toRecipients: to(SALES),
  },
  tenThousand: {
    internetMessageId: '<h-10k@x.io>',
    subject: 'to everyone',
    from: from(BOB),
    toRecipients: [...to(SALES), ...Array.from({ length: 10_000 }, (_, i) => from(`person${i}@list.example.com`))],
  },
  hugeBody: {
    internetMessageId: '<h-5mb@x.io>',
    subject: 'large',
    from: from(BOB),
    toRecipients: to(SALES),
    body: { contentType: 'text', content: 'x'.repeat(5 * 1024 * 1024) },
  },
  longSubject: {
    internetMessageId: '<h-subject@x.io>',
    subject: `Long ${'subject '.repeat(400)}`,
    from: from(BOB),
    toRecipients: to(SALES),
  },
  loneSurrogate: {
    internetMessageId: '<h-surrogate@x.io>',
    subject: `broken \ud800 text \udfff`,
    from: from(BOB),
    toRecipients: to(SALES),
    body: { contentType: 'text', content: 'a\ud83d' },
  },
  headerInjection: {
    internetMessageId: '<h-inject@x.io>',
    subject: 'Hello\r\nBcc: attacker@evil.example\r\nX-Injected: 1',
    from: from(BOB),
    toRecipients: to(SALES),
  },
  missingSender: { internetMessageId: '<h-nosender@x.io>', subject: 'who sent this', toRecipients: to(SALES) },
  sameIdFirst: {
    internetMessageId: '<h-twice@x.io>',
    subject: 'first content',
    from: from(BOB),
    toRecipients: to(SALES),
  },
  sameIdSecond: {
    internetMessageId: '<h-twice@x.io>',
    subject: 'second, different content',
    from: from(BOB),
    toRecipients: to(SALES),
    body: { contentType: 'text', content: 'not the same' },
  },
  rtlEmoji: {
    internetMessageId: '<h-rtl@x.io>',
    subject: 'שלום עולם 👋🏽 مرحبا 🎉',
    from: from(BOB),
    toRecipients: to(SALES),
    body: { contentType: 'html', content: '<p dir="rtl">مرحبا بالعالم 🌍</p>' },
  },
};

export function hostileTenant(): TenantFixture {
  let f = acceptanceFixtureF();
  for (const m of Object.values(HOSTILE)) f = withInboxMessage(f, SALES, m);
  return withInboxMessage(f, ALICE, {
    internetMessageId: '<h-normal@fabrikam.com>',
    subject: 'RE: Quote Q-100',
    from: from(BOB),
    internetMessageHeaders: [{ name: 'In-Reply-To', value: '<e1@contoso.onmicrosoft.com>' }],
  });
}

/** One mailbox whose Inbox holds `count` small messages (the "folder with 50,000 messages" case). */
export function bigFolderTenant(count: number): TenantFixture {
  const f = acceptanceFixtureF();
  const inbox = f.exchange[SALES]!.mailFolders.find((x) => x.wellKnownName === 'inbox')!;
  const start = Date.parse('2025-01-05T00:00:00Z');
  inbox.messages = Array.from({ length: count }, (_, i) => ({
    id: `AAMkA-big-${i}`,
    internetMessageId: `<big-${i}@x.io>`,
    subject: `Message ${i}`,
    from: from(`sender${i % 500}@customers.example.com`),
    toRecipients: to(SALES),
    receivedDateTime: new Date(start + i * 1000).toISOString(),
    internetMessageHeaders: [],
    body: { contentType: 'text', content: 'hello' },
  }));
  return f;
}
