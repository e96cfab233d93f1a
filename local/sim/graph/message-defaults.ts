// Fills what a fixture leaves out with what Graph would return, but never invents an internetMessageId:
// a message without one is bad input the pipeline has to cope with.
import type { Json } from '../../tenant/fixture';
import { conversationIdFor, conversationIndexFor } from './ids';
import { hasVisibleAttachments } from './attachment-routes';

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** HTML reduced to its text, for bodyPreview and Prefer: outlook.body-content-type="text". */
export function plainTextOf(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<br\s*\/?>|<\/p>|<\/div>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .trim();
}

/** Graph's bodyPreview: the first 255 characters of the body as plain text. */
export function bodyPreviewOf(body: unknown): string {
  const b = (body ?? {}) as { contentType?: string; content?: string };
  const content = String(b.content ?? '');
  const text = String(b.contentType ?? '').toLowerCase() === 'html' ? plainTextOf(content) : content;
  return text.replace(/\s+/g, ' ').trim().slice(0, 255);
}

/** The thread topic: the subject without reply and forward prefixes. */
export function topicOf(subject: string): string {
  return subject.replace(/^(\s*(re|fw|fwd|aw|wg|sv|vs)\s*:\s*)+/i, '').trim();
}

export function withDefaults(given: Json, address: string, now: Date): Json {
  const data: Json = { ...structuredClone(given) };
  const received = typeof data.receivedDateTime === 'string' ? data.receivedDateTime : iso(now);
  const subject = typeof data.subject === 'string' ? data.subject : '';
  const topic = topicOf(subject);
  const defaults: Json = {
    createdDateTime: received,
    receivedDateTime: received,
    sentDateTime: received,
    subject,
    toRecipients: [],
    ccRecipients: [],
    bccRecipients: [],
    replyTo: [],
    categories: [],
    isRead: false,
    isDraft: false,
    importance: 'normal',
    hasAttachments: false,
    inferenceClassification: 'focused',
    body: { contentType: 'text', content: '' },
    conversationId: conversationIdFor(address, topic),
  };
  if (data.hasAttachments === undefined && Array.isArray(data.attachments))
    data.hasAttachments = hasVisibleAttachments(data.attachments);
  for (const [k, v] of Object.entries(defaults)) if (data[k] === undefined) data[k] = v;
  if (data.conversationIndex === undefined) {
    const sent = new Date(String(data.sentDateTime));
    data.conversationIndex = conversationIndexFor(
      `${address.toLowerCase()}\u0000${topic}`,
      isNaN(sent.getTime()) ? now : sent,
    );
  }
  if (data.bodyPreview === undefined) data.bodyPreview = bodyPreviewOf(data.body);
  if (data.sender === undefined && data.from !== undefined) data.sender = data.from;
  return data;
}
