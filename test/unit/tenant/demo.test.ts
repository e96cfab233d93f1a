import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoTenant, DEMO_NOW, DEMO_PROCESS_AFTER } from '../../../local/tenant/demo';
import { tenantFigures } from '../../../local/tenant/figures';
import { validateTenant } from '../../../local/tenant/validate';
import type { FixtureMessage, TenantFixture } from '../../../local/tenant/fixture';

const demo = demoTenant();

function messages(t: TenantFixture): Array<{ address: string; folder: string; m: FixtureMessage }> {
  const out: Array<{ address: string; folder: string; m: FixtureMessage }> = [];
  for (const [address, box] of Object.entries(t.exchange))
    for (const f of box.mailFolders) {
      for (const m of f.messages ?? []) out.push({ address, folder: f.wellKnownName ?? f.displayName, m });
      for (const c of f.childFolders ?? [])
        for (const m of c.messages ?? []) out.push({ address, folder: c.displayName, m });
    }
  return out;
}
const header = (m: FixtureMessage, name: string) =>
  (m.internetMessageHeaders as Array<{ name: string; value: string }> | undefined)?.find((h) => h.name === name)?.value;

test('the demo tenant validates', () => {
  const r = validateTenant(demo);
  assert.deepEqual(r.ok ? [] : r.problems, []);
});

test('the demo tenant is deterministic; another seed gives other mail', () => {
  assert.deepEqual(demoTenant(), demo);
  assert.equal(JSON.stringify(demoTenant({ seed: 1 })), JSON.stringify(demo));
  assert.notDeepEqual(demoTenant({ seed: 2 }).exchange, demo.exchange);
});

test('default: Alice, David, Erin (filters 1, 0, 2) and queue Sales (0), approved and enabled', () => {
  const dv = demo.dataverse;
  assert.equal(demo.now, DEMO_NOW);
  assert.deepEqual(
    dv.systemusers!.map((u) => u.internalemailaddress),
    ['alice@contoso.com', 'david@contoso.com', 'erin@contoso.com'],
  );
  assert.deepEqual(
    dv.usersettingscollection!.map((s) => s.incomingemailfilteringmethod),
    [1, 0, 2],
  );
  assert.deepEqual(
    dv.queues!.map((q) => [q.emailaddress, q.incomingemailfilteringmethod]),
    [['sales@contoso.com', 0]],
  );
  for (const m of dv.mailboxes!) {
    assert.equal(m.emailrouteraccessapproval, 1);
    assert.equal(m.enabledforincomingemail, true);
    assert.equal(m.incomingemaildeliverymethod, 2);
    assert.equal(m.processemailreceivedafter, DEMO_PROCESS_AFTER);
  }
  assert.deepEqual(
    Object.keys(demo.exchange),
    dv.mailboxes!.map((m) => m.emailaddress),
  );
  assert.match(
    dv.organizations![0]!.orgdborgsettings as string,
    /<AutoTrackSentFolderItems>true<\/AutoTrackSentFolderItems>/,
  );
});

test('Dataverse holds customers, opportunities and emails sent from D365 with tokens', () => {
  const dv = demo.dataverse;
  assert.ok(
    dv.contacts!.length >= 24 && dv.accounts!.length >= 8 && dv.leads!.length >= 8 && dv.opportunities!.length >= 8,
  );
  for (const set of ['contacts', 'accounts', 'leads'])
    for (const r of dv[set]!) assert.equal(typeof r.emailaddress1, 'string');
  const opps = new Set(dv.opportunities!.map((o) => o.opportunityid));
  assert.ok(dv.emails!.length >= 3);
  for (const e of dv.emails!) {
    assert.match(e.trackingtoken as string, /^CRM:0\d{6}$/);
    assert.ok((e.subject as string).endsWith(e.trackingtoken as string));
    assert.equal(e.directioncode, true);
    assert.ok(opps.has(e._regardingobjectid_value as string));
    assert.equal((e.email_activity_parties as unknown[]).length, 2);
  }
  assert.equal(dv.emails![0]!.subject, 'Quote Q-100 CRM:0001001');
  assert.equal(dv.emails![0]!.messageid, '<e1@contoso.onmicrosoft.com>');
});

test('the mail mix covers what SSS decides on', () => {
  const f = tenantFigures(demo);
  assert.equal(f.messages, 400, 'messagesPerMailbox 100 x 4 mailboxes');
  assert.ok(f.internalMail >= 20, `internal ${f.internalMail}`);
  assert.ok(f.unknownSender >= 20, `unknown ${f.unknownSender}`);
  assert.ok(f.withInReplyTo >= 30, `In-Reply-To ${f.withInReplyTo}`);
  assert.ok(f.referencesOnly >= 1 && f.autoReplies >= 1 && f.withTrackingToken >= 5);
  assert.ok(f.inSeveralMailboxes >= 10);
  assert.ok(f.beforeWatermark >= 1);
  assert.ok(f.otherFolders >= 1, 'mail in an untracked subfolder');
  assert.equal(f.missingInternetMessageId, 1);
  assert.equal(f.invalidSender, 2);
  assert.ok(f.inbox > f.sentItems && f.sentItems > 0);
});

test('replies point at earlier mail: E1 in Dataverse and other demo messages', () => {
  const all = messages(demo);
  const byId = new Map(all.filter((x) => x.m.internetMessageId).map((x) => [x.m.internetMessageId as string, x.m]));
  const dvIds = new Set(demo.dataverse.emails!.map((e) => e.messageid as string));
  let toDataverse = 0;
  let toDemo = 0;
  for (const { m } of all) {
    const parent = header(m, 'In-Reply-To');
    if (!parent) continue;
    if (dvIds.has(parent)) toDataverse++;
    const earlier = byId.get(parent);
    if (earlier) {
      toDemo++;
      assert.ok((earlier.sentDateTime as string) < (m.sentDateTime as string), 'a reply is later than its parent');
    }
    assert.ok(byId.has(parent) || dvIds.has(parent), `In-Reply-To ${parent} names a known message`);
    assert.ok(header(m, 'References')!.split(' ').includes(parent));
  }
  assert.ok(toDataverse >= 3, `replies to Dataverse email ${toDataverse}`);
  assert.ok(toDemo >= 20, `replies to demo mail ${toDemo}`);
  assert.ok(
    all.some(({ m }) => m.internetMessageId === '<e1@contoso.onmicrosoft.com>'),
    "E1 is in Alice's Sent Items too",
  );
});

test("internal mail: the same Message-ID in the sender's Sent Items and the recipient's Inbox", () => {
  const users = new Set(demo.dataverse.systemusers!.map((u) => u.internalemailaddress as string));
  const sent = messages(demo).filter(
    (x) =>
      x.folder === 'sentitems' &&
      (x.m.toRecipients as Array<{ emailAddress: { address: string } }>).every((r) =>
        users.has(r.emailAddress.address),
      ),
  );
  assert.ok(sent.length > 0);
  const inboxes = new Map<string, string[]>();
  for (const x of messages(demo))
    if (x.folder === 'inbox')
      inboxes.set(x.m.internetMessageId as string, [
        ...(inboxes.get(x.m.internetMessageId as string) ?? []),
        x.address,
      ]);
  for (const { m } of sent) {
    const to = (m.toRecipients as Array<{ emailAddress: { address: string } }>)[0]!.emailAddress.address;
    assert.ok(inboxes.get(m.internetMessageId as string)?.includes(to), `${m.internetMessageId} reached ${to}`);
  }
});

test('scales: 20 mailboxes x 500 messages gives 10,000 message copies', () => {
  const big = demoTenant({ mailboxes: 20, messagesPerMailbox: 500 });
  const f = tenantFigures(big);
  assert.equal(f.mailboxes, 20);
  assert.equal(f.messages, 10000);
  assert.ok(f.queues >= 2 && f.users >= 15);
  assert.ok(validateTenant(big).ok);
  assert.equal(new Set(Object.keys(big.exchange)).size, 20);
});

test('tiny tenants work', () => {
  assert.ok(validateTenant(demoTenant({ mailboxes: 1, messagesPerMailbox: 0 })).ok);
  assert.equal(tenantFigures(demoTenant({ mailboxes: 1, messagesPerMailbox: 5 })).messages, 5);
  assert.equal(tenantFigures(demoTenant({ mailboxes: 2, messagesPerMailbox: 1 })).messages, 2);
});
