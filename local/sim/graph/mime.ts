// Internet headers and the RFC 822 rendering behind GET …/messages/{id}/$value: the fallback clients use
// when internetMessageHeaders are missing from Graph's JSON.
import type { Json } from '../../tenant/fixture';
import { scalarText } from '../json-scalar';

export interface Header {
  name: string;
  value: string;
}
interface Recipient {
  emailAddress?: { address?: string; name?: string };
}

/** RFC 2047 encoded-word for header text that is not printable ASCII (also what keeps CR/LF out of a header). */
export function encodeWord(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?utf-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

/** An address as a header may carry it: controls and angle brackets dropped (fixtures can be hostile). */
export function headerAddress(address: string): string {
  return address.replace(/[\x00-\x20\x7f<>]/g, '');
}

export function mailbox(r: unknown): string | undefined {
  const e = (r as Recipient | undefined)?.emailAddress;
  const address = e?.address ? headerAddress(e.address) : '';
  if (!address) return undefined;
  if (!e!.name) return address;
  const phrase = /^[\x20-\x7e]*$/.test(e!.name) ? `"${e!.name.replace(/["\\]/g, '\\$&')}"` : encodeWord(e!.name);
  return `${phrase} <${address}>`;
}

export function mailboxList(v: unknown): string | undefined {
  const list = (Array.isArray(v) ? v : []).map(mailbox).filter((x): x is string => !!x);
  return list.length ? list.join(', ') : undefined;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** RFC 5322 date-time as Exchange Online writes it, in UTC: "Thu, 9 Jan 2025 10:00:00 +0000". */
export function rfc5322Date(value: unknown): string | undefined {
  const d = new Date(scalarText(value) ?? '');
  if (isNaN(d.getTime())) return undefined;
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
}

export function impliedHeaders(data: Json): Header[] {
  const out: Header[] = [];
  const add = (name: string, value: string | undefined) => value !== undefined && out.push({ name, value });
  add('From', mailbox(data.from));
  add('To', mailboxList(data.toRecipients));
  add('CC', mailboxList(data.ccRecipients));
  add('Subject', typeof data.subject === 'string' ? encodeWord(data.subject) : undefined);
  add('Date', rfc5322Date(data.sentDateTime));
  add('Message-ID', typeof data.internetMessageId === 'string' ? data.internetMessageId : undefined);
  add('Thread-Topic', typeof data.subject === 'string' ? encodeWord(data.subject) : undefined);
  add('Thread-Index', typeof data.conversationIndex === 'string' ? data.conversationIndex : undefined);
  add('MIME-Version', '1.0');
  return out;
}

const OWN = new Set([
  'from',
  'to',
  'cc',
  'subject',
  'date',
  'message-id',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
]);

/** RFC 822 text of a message; `delivered` = the headers Exchange keeps on a delivered copy without a fixture list. */
export function renderMime(data: Json, delivered?: Header[]): string {
  const headers = delivered
    ? delivered.filter((h) => !/^(mime-version|content-type|content-transfer-encoding)$/i.test(h.name))
    : impliedHeaders(data).filter((h) => h.name !== 'MIME-Version');
  // Keep what the fixture's headers add (In-Reply-To, References, Auto-Submitted, …) after our own.
  for (const h of !delivered && Array.isArray(data.internetMessageHeaders)
    ? (data.internetMessageHeaders as Header[])
    : []) {
    if (h && typeof h.name === 'string' && !OWN.has(h.name.toLowerCase()))
      headers.push({ name: h.name, value: String(h.value ?? '') });
  }
  const body = (data.body ?? {}) as { contentType?: string; content?: string };
  const content = String(body.content ?? '');
  const subtype = String(body.contentType ?? '').toLowerCase() === 'html' ? 'html' : 'plain';
  const ascii = /^[\x00-\x7f]*$/.test(content);
  headers.push({ name: 'MIME-Version', value: '1.0' });
  headers.push({ name: 'Content-Type', value: `text/${subtype}; charset="utf-8"` });
  headers.push({ name: 'Content-Transfer-Encoding', value: ascii ? '7bit' : 'base64' });
  const encoded = ascii
    ? content.replace(/\r?\n/g, '\r\n')
    : (
        Buffer.from(content, 'utf8')
          .toString('base64')
          .match(/.{1,76}/g) ?? []
      ).join('\r\n');
  return headers.map((h) => `${h.name}: ${h.value}`).join('\r\n') + '\r\n\r\n' + encoded + '\r\n';
}
