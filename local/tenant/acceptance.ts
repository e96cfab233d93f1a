// Fixture F (acceptance-fixture.ts) and the small edits the acceptance scenarios make to it. Every edit returns
// a new fixture; the one passed in is left as it was, so tests can share F.
import { emptyMailbox, F_NOW, mailbox } from './acceptance-fixture';
import type { TenantFixture, FixtureFolder, FixtureMessage, Json } from './fixture';
import { stableGraphId, stableGuid } from './ids';

export * from './acceptance-fixture';

function findFolder(folders: FixtureFolder[], name: string): FixtureFolder | undefined {
  const n = name.toLowerCase();
  for (const f of folders) {
    if (f.id === name || f.wellKnownName?.toLowerCase() === n || f.displayName.toLowerCase() === n) return f;
    const child = findFolder(f.childFolders ?? [], name);
    if (child) return child;
  }
  return undefined;
}

function messageCount(folders: FixtureFolder[]): number {
  return folders.reduce((n, f) => n + (f.messages?.length ?? 0) + messageCount(f.childFolders ?? []), 0);
}

/**
 * Adds a message to a folder (id, well-known name or display name) of a mailbox. Fills what the test
 * leaves out the way Graph would show it: id, times (an hour before `now`, a minute apart per message,
 * so they sort in the order added), conversationId, the mailbox as sole To recipient, empty lists.
 * internetMessageId and from are never filled: scenarios about their absence must be expressible.
 */
export function withMessage(
  fixture: TenantFixture,
  address: string,
  folder: string,
  message: FixtureMessage,
): TenantFixture {
  const next = structuredClone(fixture);
  const key = Object.keys(next.exchange).find((a) => a.toLowerCase() === address.toLowerCase());
  if (!key) throw new Error(`no mailbox ${address} in the fixture`);
  const box = next.exchange[key];
  const target = findFolder(box.mailFolders, folder);
  if (!target) throw new Error(`no folder ${folder} in ${address}`);
  const n = messageCount(box.mailFolders);
  const received = new Date(Date.parse(next.now ?? F_NOW) - 3600000 + n * 60000).toISOString().replace('.000Z', 'Z');
  const sent = new Date(Date.parse((message.receivedDateTime as string | undefined) ?? received) - 2000)
    .toISOString()
    .replace('.000Z', 'Z');
  const filled: FixtureMessage = {
    id: stableGraphId(`acceptance:item:${key}:${n}`),
    receivedDateTime: received,
    sentDateTime: sent,
    conversationId: stableGraphId(`acceptance:conversation:${message.internetMessageId ?? `${key}:${n}`}`, 'AAQkA'),
    parentFolderId: target.id,
    toRecipients: [{ emailAddress: { address: key } }],
    ccRecipients: [],
    bccRecipients: [],
    categories: [],
    internetMessageHeaders: [],
    isRead: false,
    ...structuredClone(message),
  };
  (target.messages ??= []).push(filled);
  return next;
}

export function withInboxMessage(fixture: TenantFixture, address: string, message: FixtureMessage): TenantFixture {
  return withMessage(fixture, address, 'inbox', message);
}

/** Sets a user's incomingemailfilteringmethod (0 all … 4 none), adding the usersettings row if missing. */
export function withUserFilter(fixture: TenantFixture, systemuserid: string, filter: number): TenantFixture {
  const next = structuredClone(fixture);
  const settings = (next.dataverse.usersettingscollection ??= []);
  const row = settings.find((s) => s.systemuserid === systemuserid);
  if (row) row.incomingemailfilteringmethod = filter;
  else settings.push({ systemuserid, incomingemailfilteringmethod: filter });
  return next;
}

/** Merges columns into the organization row (enablesmartmatching, trackingprefix, …). */
export function withOrgSettings(fixture: TenantFixture, columns: Json): TenantFixture {
  const next = structuredClone(fixture);
  const org = next.dataverse.organizations?.[0];
  if (!org) throw new Error('no organization in the fixture');
  Object.assign(org, columns);
  return next;
}

/** Sets one OrgDB setting (IgnoreConversationIndexAndInReplyToForCorrelation, AutoTrackSentFolderItems, …). */
export function withOrgDbSetting(
  fixture: TenantFixture,
  name: string,
  value: string | number | boolean,
): TenantFixture {
  if (!/^\w+$/.test(name)) throw new Error(`not an OrgDB setting name: ${name}`);
  const next = structuredClone(fixture);
  const org = next.dataverse.organizations?.[0];
  if (!org) throw new Error('no organization in the fixture');
  const xml = typeof org.orgdborgsettings === 'string' ? org.orgdborgsettings : '<OrgSettings></OrgSettings>';
  const element = `<${name}>${String(value)}</${name}>`;
  const existing = new RegExp(`<${name}>[^<]*</${name}>`);
  org.orgdborgsettings = existing.test(xml)
    ? xml.replace(existing, element)
    : xml.replace('</OrgSettings>', `${element}</OrgSettings>`);
  return next;
}

/** The ids withUser gives a user: derived from the address, so a test can know them in advance. */
export function acceptanceUserIds(address: string): { systemuserid: string; mailboxid: string } {
  const a = address.toLowerCase();
  return { systemuserid: stableGuid(`acceptance:systemuser:${a}`), mailboxid: stableGuid(`acceptance:mailbox:${a}`) };
}

/** Adds another user with an approved, enabled mailbox like Alice's (a second user of the acceptance scenarios). */
export function withUser(
  fixture: TenantFixture,
  user: { fullname: string; address: string; filter: number },
): TenantFixture {
  const next = structuredClone(fixture);
  const address = user.address.toLowerCase();
  const { systemuserid, mailboxid } = acceptanceUserIds(address);
  const dv = next.dataverse;
  (dv.systemusers ??= []).push({
    systemuserid,
    fullname: user.fullname,
    internalemailaddress: address,
    domainname: address,
    isdisabled: false,
  });
  (dv.usersettingscollection ??= []).push({ systemuserid, incomingemailfilteringmethod: user.filter });
  (dv.mailboxes ??= []).push(mailbox(mailboxid, user.fullname, address, systemuserid, 'systemuser'));
  next.exchange[address] = emptyMailbox(address);
  return next;
}
