// Internet headers and the RFC 822 rendering behind GET …/messages/{id}/$value: the fallback clients use
// when internetMessageHeaders are missing from Graph's JSON.
import type { Json } from '../../tenant/fixture';

export interface Header {
  name: string;
  value: string;
}
interface Recipient {
  emailAddress?: { address?: string; name?: string };
}

/** RFC 2047 encoded-word for non-ASCII header text. */
function encodeWord(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : `=?utf-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

function mailbox(r: unknown): string | undefined {
  const e = (r as Recipient | undefined)?.emailAddress;
  if (!e?.address) return undefined;
  if (!e.name) return e.address;
  const phrase = /^[\x20-\x7e]*$/.test(e.name) ? `"${e.name.replace(/["\\]/g, '\\$&')}"` : encodeWord(e.name);
  return `${phrase} <${e.address}>`;
}

function mailboxList(v: unknown): string | undefined {
  const list = (Array.isArray(v) ? v : []).map(mailbox).filter((x): x is string => !!x);
  return list.length ? list.join(', ') : undefined;
}

function rfc2822Date(value: unknown): string | undefined {
  const d = new Date(String(value ?? ''));
  return isNaN(d.getTime()) ? undefined : d.toUTCString().replace('GMT', '+0000');
}

/** The headers Graph reports; the fixture's own list when it has one, else what the message implies. */
export function internetHeadersOf(data: Json): Header[] {
  if (Array.isArray(data.internetMessageHeaders)) return structuredClone(data.internetMessageHeaders) as Header[];
  return impliedHeaders(data);
}

export function impliedHeaders(data: Json): Header[] {
  const out: Header[] = [];
  const add = (name: string, value: string | undefined) => value !== undefined && out.push({ name, value });
  add('From', mailbox(data.from));
  add('To', mailboxList(data.toRecipients));
  add('CC', mailboxList(data.ccRecipients));
  add('Subject', typeof data.subject === 'string' ? encodeWord(data.subject) : undefined);
  add('Date', rfc2822Date(data.sentDateTime));
  add('Message-ID', typeof data.internetMessageId === 'string' ? data.internetMessageId : undefined);
  add('Thread-Topic', typeof data.subject === 'string' ? encodeWord(data.subject) : undefined);
  add('Thread-Index', typeof data.conversationIndex === 'string' ? data.conversationIndex : undefined);
  add('MIME-Version', '1.0');
  return out;
}

const OWN = new Set(['from', 'to', 'cc', 'subject', 'date', 'message-id', 'mime-version', 'content-type', 'content-transfer-encoding']);

export function renderMime(data: Json): string {
  const headers = impliedHeaders(data).filter((h) => h.name !== 'MIME-Version');
  // Keep what the fixture's headers add (In-Reply-To, References, Auto-Submitted, …) after our own.
  for (const h of Array.isArray(data.internetMessageHeaders) ? (data.internetMessageHeaders as Header[]) : []) {
    if (h && typeof h.name === 'string' && !OWN.has(h.name.toLowerCase())) headers.push({ name: h.name, value: String(h.value ?? '') });
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
    : (Buffer.from(content, 'utf8').toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
  return headers.map((h) => `${h.name}: ${h.value}`).join('\r\n') + '\r\n\r\n' + encoded + '\r\n';
}
