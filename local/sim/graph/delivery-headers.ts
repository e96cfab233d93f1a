// The internet headers Exchange Online keeps on a message it delivered, made from the message's own fields:
// what Graph returns for `$select=internetMessageHeaders` on a received item ("message headers indicating
// the network path taken by a message from the sender to the recipient", learn.microsoft.com/graph/api/
// resources/message). Mail from outside passes Exchange Online Protection (Received chain from the sending
// host, Authentication-Results, Received-SPF, anti-spam stamps, AuthAs Anonymous); mail between mailboxes of
// the tenant only hops between mailbox servers (AuthAs Internal, SCL -1). Deterministic: the same message
// always gets the same servers, addresses and ids. The copy in Sent Items has none (see CONFORMANCE.md).
import { createHash } from 'node:crypto';
import type { Json } from '../../tenant/fixture';
import { encodeWord, headerAddress, mailbox, mailboxList, rfc5322Date, type Header } from './mime';
import { topicOf } from './message-defaults';
import { scalarText } from '../json-scalar';

export interface Delivery {
  /** The mailbox the copy was delivered to. */
  mailbox: string;
  /** The sender is a mailbox of this tenant (its domain is one of the tenant's). */
  internal: boolean;
  /** Headers the sender set (In-Reply-To, References, Auto-Submitted, …), kept in their place. */
  sender?: Header[];
}

/** The sender's address domain, when the sender has an SMTP address. */
export function senderDomain(data: Json): string | undefined {
  const address = ((data.from ?? data.sender) as { emailAddress?: { address?: unknown } } | undefined)?.emailAddress
    ?.address;
  if (typeof address !== 'string') return undefined;
  const at = address.lastIndexOf('@');
  return at > 0 ? address.slice(at + 1).toLowerCase() : undefined;
}

/** From outside unless the sender's domain is one of the tenant's; an X.500 or missing sender address is Exchange's own. */
export function isInternalSender(data: Json, tenantDomains: ReadonlySet<string>): boolean {
  const domain = senderDomain(data);
  return domain === undefined || tenantDomains.has(domain);
}

const SITES = ['eurprd04', 'eurprd07', 'namprd11', 'namprd03'];

const hash = (...parts: string[]) => createHash('sha256').update(parts.join('\u0000')).digest();

/** A server name of the recipient's site; `kind` as Exchange Online names mailbox, front-end and EOP hosts. */
function server(site: string, b: Buffer, i: number, kind: 'MB' | 'CA' | 'PEPF'): string {
  const region = site.startsWith('eur') ? ['AM', 'DB', 'VI', 'PA'][b[i] % 4] : ['SA', 'DM', 'BN', 'CH'][b[i] % 4];
  const n = String(b.readUInt16BE(i + 1) % 10000).padStart(4, '0');
  const name =
    kind === 'MB'
      ? `${region}${(b[i + 3] % 9) + 1}PR0${(b[i + 4] % 9) + 1}MB${n}`
      : kind === 'CA'
        ? `${region}${(b[i + 3] % 9) + 1}P${190 + (b[i + 4] % 60)}CA${n}`
        : `${region}${(b[i + 3] % 4) + 1}PEPF0000${b
            .subarray(i + 4, i + 7)
            .toString('hex')
            .toUpperCase()
            .slice(0, 5)}`;
  return `${name}.${site}.prod.outlook.com`;
}

const ipv6 = (b: Buffer, i: number) =>
  `2603:10a6:${b.readUInt16BE(i).toString(16)}:${b.readUInt16BE(i + 2).toString(16)}::${b[i + 4].toString(16)}`;
/** RFC 5737 documentation addresses: never a real sender. */
const ipv4 = (b: Buffer, i: number) => `${b[i] % 2 ? '198.51.100' : '203.0.113'}.${(b[i + 1] % 250) + 2}`;

function guid(b: Buffer, i: number): string {
  const x = b.subarray(i, i + 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** Exchange's arrival stamp: "09 Jan 2025 10:00:05.1234 (UTC)". */
function arrivalTime(iso: unknown, b: Buffer): string | undefined {
  const full = rfc5322Date(iso);
  if (!full) return undefined;
  const [, day, month, year, time] = /^\w+, (\d+) (\w+) (\d+) (\S+)/.exec(full)!;
  return `${day.padStart(2, '0')} ${month} ${year} ${time}.${String(b.readUInt16BE(30) % 10000).padStart(4, '0')} (UTC)`;
}

const TLS = 'version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384';

/** The headers of one delivered copy, in the order Exchange Online lists them. */
export function deliveryHeaders(data: Json, d: Delivery): Header[] {
  // A mailbox lives on one server; what a message passed through depends on the message.
  const b = hash(scalarText(data.internetMessageId) ?? scalarText(data.subject) ?? '', d.mailbox.toLowerCase());
  const home = hash(d.mailbox.toLowerCase());
  const site = SITES[home[0] % SITES.length];
  const out: Header[] = [];
  const add = (name: string, value: string | undefined) => {
    if (value !== undefined) out.push({ name, value });
  };
  const received = rfc5322Date(data.receivedDateTime) ?? rfc5322Date(data.sentDateTime);
  const sent = rfc5322Date(data.sentDateTime) ?? received;
  const subject = typeof data.subject === 'string' ? data.subject : undefined;
  const fromAddress = ((data.from ?? data.sender) as { emailAddress?: { address?: unknown } } | undefined)?.emailAddress
    ?.address;
  const returnPath =
    typeof fromAddress === 'string' && fromAddress.includes('@') ? headerAddress(fromAddress) : undefined;
  const domain = senderDomain(data);
  const mbx = server(site, home, 1, 'MB');
  const senderMbx =
    d.internal && typeof fromAddress === 'string'
      ? server(site, hash(fromAddress.toLowerCase()), 1, 'MB')
      : server(site, b, 0, 'MB');
  const edge = server(site, b, 12, 'CA');
  const eop = server(site, b, 18, 'PEPF');

  add('Received', `from ${senderMbx.toUpperCase()} (${ipv6(b, 6)}) by ${mbx.toUpperCase()} with HTTPS; ${received}`);
  if (d.internal) {
    add(
      'Received',
      `from ${senderMbx.toUpperCase()} ([fe80::${b.readUInt16BE(24).toString(16)}:${b.readUInt16BE(26).toString(16)}]) by ${senderMbx.toUpperCase()} ([fe80::${b.readUInt16BE(24).toString(16)}:${b.readUInt16BE(26).toString(16)}%5]) with mapi id 15.20.8335.010; ${sent}`,
    );
  } else {
    const ip = ipv4(b, 24);
    const helo = `mail.${domain ?? 'unknown.invalid'}`;
    add(
      'Received',
      `from ${edge.toUpperCase()} (${ipv6(b, 12)}) by ${senderMbx.toUpperCase()} (${ipv6(b, 6)}) with Microsoft SMTP Server (${TLS}) id 15.20.8335.10; ${received}`,
    );
    add(
      'Received',
      `from ${eop} (${ipv6(b, 18)}) by ${edge} (${ipv6(b, 12)}) with Microsoft SMTP Server (${TLS}) id 15.20.8335.10 via Frontend Transport; ${received}`,
    );
    add(
      'Authentication-Results',
      domain
        ? `spf=pass (sender IP is ${ip}) smtp.mailfrom=${domain}; dkim=pass (signature was verified) header.d=${domain};dmarc=pass action=none header.from=${domain};compauth=pass reason=100`
        : 'spf=none (sender IP is ' +
            ip +
            ') smtp.mailfrom=unknown.invalid; dkim=none (message not signed) header.d=none;dmarc=none action=none header.from=unknown.invalid;compauth=fail reason=001',
    );
    add(
      'Received-SPF',
      domain
        ? `Pass (protection.outlook.com: domain of ${domain} designates ${ip} as permitted sender) receiver=protection.outlook.com; client-ip=${ip}; helo=${helo}; pr=C`
        : undefined,
    );
    add(
      'Received',
      `from ${helo} (${ip}) by ${eop.replace('.prod.outlook.com', '.mail.protection.outlook.com')} (10.167.${b[28] % 250}.${b[29] % 250}) with Microsoft SMTP Server (${TLS}) id 15.20.8335.10 via Frontend Transport; ${sent}`,
    );
  }
  add('From', mailbox(data.from ?? data.sender));
  add('To', mailboxList(data.toRecipients));
  add('CC', mailboxList(data.ccRecipients));
  add('Reply-To', mailboxList(data.replyTo));
  add('Subject', subject !== undefined ? encodeWord(subject) : undefined);
  add('Thread-Topic', subject !== undefined ? encodeWord(topicOf(subject)) : undefined);
  add('Thread-Index', typeof data.conversationIndex === 'string' ? data.conversationIndex : undefined);
  add('Date', sent);
  add(
    'Message-ID',
    typeof data.internetMessageId === 'string' ? data.internetMessageId.replace(/[\x00-\x1f\x7f]/g, ' ') : undefined,
  );
  for (const h of d.sender ?? []) out.push({ name: h.name, value: h.value });
  add('Accept-Language', 'en-US');
  add('Content-Language', 'en-US');
  add('X-MS-Has-Attach', data.hasAttachments === true ? 'yes' : '');
  const body = (data.body ?? {}) as { contentType?: unknown };
  add(
    'Content-Type',
    `${String(body.contentType).toLowerCase() === 'html' ? 'text/html' : 'text/plain'}; charset="utf-8"`,
  );
  add('MIME-Version', '1.0');
  add('Return-Path', returnPath);
  add('X-MS-Exchange-Organization-Network-Message-Id', guid(b, 8));
  if (d.internal) {
    add('X-MS-Exchange-Organization-SCL', '-1');
    add('X-MS-Exchange-Organization-AuthSource', senderMbx.toUpperCase());
    add('X-MS-Exchange-Organization-AuthAs', 'Internal');
    add('X-MS-Exchange-Organization-AuthMechanism', '04');
  } else {
    add('X-MS-Exchange-Organization-AuthSource', eop);
    add('X-MS-Exchange-Organization-AuthAs', 'Anonymous');
    add('X-MS-Exchange-Organization-SCL', '1');
    add('X-MS-Exchange-CrossTenant-OriginalArrivalTime', arrivalTime(data.receivedDateTime ?? data.sentDateTime, b));
    add(
      'X-Forefront-Antispam-Report',
      `CIP:${ipv4(b, 24)};CTRY:;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;H:mail.${domain ?? 'unknown.invalid'};PTR:mail.${domain ?? 'unknown.invalid'};CAT:NONE;SFS:;DIR:INB;`,
    );
  }
  return out;
}
