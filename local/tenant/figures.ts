import type { TenantFixture, FixtureFolder, FixtureMessage, Json } from './fixture';

// Figures of a tenant fixture, for `bench`/`run` output and for tests that check the demo tenant has the
// mix of mail it promises. Counted from the fixture's own JSON, not from how it was generated.

export interface TenantFigures {
  mailboxes: number;
  users: number;
  queues: number;
  /** message copies in all folders of all mailboxes */
  messages: number;
  distinctMessageIds: number;
  inbox: number;
  sentItems: number;
  /** copies in folders other than Inbox and Sent Items (subfolders included) */
  otherFolders: number;
  /** from an address of a user or queue (every Sent Items copy of a user is one) */
  fromInternal: number;
  /** from a user or queue to users and queues only: mail between colleagues */
  internalMail: number;
  /** from an address no Dataverse row holds */
  unknownSender: number;
  withInReplyTo: number;
  /** References but no In-Reply-To */
  referencesOnly: number;
  withTrackingToken: number;
  autoReplies: number;
  /** Message-IDs with copies in more than one mailbox */
  inSeveralMailboxes: number;
  /** received before the mailbox's processemailreceivedafter */
  beforeWatermark: number;
  missingInternetMessageId: number;
  /** from missing or without an x@y.z address */
  invalidSender: number;
  dataverseEmails: number;
  contacts: number;
  accounts: number;
  leads: number;
  opportunities: number;
}

const EMAIL_COLUMNS = ['emailaddress', 'emailaddress1', 'emailaddress2', 'emailaddress3', 'internalemailaddress'];

export function tenantFigures(t: TenantFixture): TenantFigures {
  const dv = t.dataverse;
  const rows = (set: string): Json[] => dv[set] ?? [];
  const known = new Set<string>();
  const internal = new Set<string>();
  for (const [set, records] of Object.entries(dv)) {
    if (set === 'mailboxes' || set === 'emails') continue;
    for (const r of records)
      for (const c of EMAIL_COLUMNS)
        if (typeof r[c] === 'string') {
          known.add(r[c].toLowerCase());
          if (set === 'systemusers' || set === 'queues') internal.add(r[c].toLowerCase());
        }
  }
  const watermark = new Map<string, string>();
  for (const m of rows('mailboxes'))
    if (typeof m.emailaddress === 'string' && typeof m.processemailreceivedafter === 'string')
      watermark.set(m.emailaddress.toLowerCase(), m.processemailreceivedafter);
  const prefixes = rows('organizations').flatMap((o) =>
    typeof o.trackingprefix === 'string' ? o.trackingprefix.split(',') : ['CRM:'],
  );
  const token = new RegExp(`(${prefixes.map((p) => p.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\d+`);

  const f: TenantFigures = {
    mailboxes: rows('mailboxes').length,
    users: rows('systemusers').length,
    queues: rows('queues').length,
    messages: 0,
    distinctMessageIds: 0,
    inbox: 0,
    sentItems: 0,
    otherFolders: 0,
    fromInternal: 0,
    internalMail: 0,
    unknownSender: 0,
    withInReplyTo: 0,
    referencesOnly: 0,
    withTrackingToken: 0,
    autoReplies: 0,
    inSeveralMailboxes: 0,
    beforeWatermark: 0,
    missingInternetMessageId: 0,
    invalidSender: 0,
    dataverseEmails: rows('emails').length,
    contacts: rows('contacts').length,
    accounts: rows('accounts').length,
    leads: rows('leads').length,
    opportunities: rows('opportunities').length,
  };
  const mailboxesById = new Map<string, Set<string>>();
  const count = (address: string, folder: FixtureFolder, top: boolean) => {
    for (const m of folder.messages ?? []) {
      f.messages++;
      if (top && folder.wellKnownName === 'inbox') f.inbox++;
      else if (top && folder.wellKnownName === 'sentitems') f.sentItems++;
      else f.otherFolders++;
      countMessage(m, address);
    }
    for (const child of folder.childFolders ?? []) count(address, child, false);
  };
  const countMessage = (m: FixtureMessage, address: string) => {
    const id = typeof m.internetMessageId === 'string' ? m.internetMessageId : undefined;
    if (!id) f.missingInternetMessageId++;
    else (mailboxesById.get(id) ?? mailboxesById.set(id, new Set()).get(id)!).add(address);
    const from = ((m.from as Json | undefined)?.emailAddress as Json | undefined)?.address;
    if (typeof from !== 'string' || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(from)) f.invalidSender++;
    else if (internal.has(from.toLowerCase())) {
      f.fromInternal++;
      const to = [m.toRecipients, m.ccRecipients].flatMap((l) => (Array.isArray(l) ? (l as Json[]) : []));
      const address = (r: Json) =>
        ((r.emailAddress as Json | undefined)?.address as string | undefined)?.toLowerCase() ?? '';
      if (to.length > 0 && to.every((r) => internal.has(address(r)))) f.internalMail++;
    } else if (!known.has(from.toLowerCase())) f.unknownSender++;
    const headers = Array.isArray(m.internetMessageHeaders) ? (m.internetMessageHeaders as Json[]) : [];
    const has = (name: string) => headers.some((h) => typeof h.name === 'string' && h.name.toLowerCase() === name);
    if (has('in-reply-to')) f.withInReplyTo++;
    else if (has('references')) f.referencesOnly++;
    if (has('auto-submitted')) f.autoReplies++;
    if (typeof m.subject === 'string' && token.test(m.subject)) f.withTrackingToken++;
    const after = watermark.get(address.toLowerCase());
    if (after && typeof m.receivedDateTime === 'string' && Date.parse(m.receivedDateTime) < Date.parse(after))
      f.beforeWatermark++;
  };
  for (const [address, mailbox] of Object.entries(t.exchange))
    for (const folder of mailbox.mailFolders) count(address, folder, true);
  f.distinctMessageIds = mailboxesById.size;
  for (const boxes of mailboxesById.values()) if (boxes.size > 1) f.inSeveralMailboxes++;
  return f;
}
