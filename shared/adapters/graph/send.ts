// Sending mail through Graph as the mailbox: create the message with the activity id as a single-value
// extended property, then send it (learn.microsoft.com/graph/api/user-post-messages and
// learn.microsoft.com/graph/api/message-send): the message keeps its internetMessageId, and Exchange saves
// the sent copy in Sent Items, where a retry finds it by that property (and a draft an earlier attempt could
// not send, in Drafts, by the same property)
// ($filter=singleValueExtendedProperties/Any(ep: ep/id eq '…' and ep/value eq '…')).
import type { MailSendPort, OutgoingAddress, OutgoingMail, SentCopy } from '../../ports-send';
import { ACTIVITY_ID_PROPERTY, headerSafe } from '../../domain/send';
import { isExsyncError, transient } from '../../domain/errors';
import { asObject } from './answers';
import { openSession, type GraphClientOptions, type GraphSession } from './client';
import { missingOn, placeAttachments } from '../../domain/outgoing-attachments';
import { attachFiles, attachmentNames, fileAttachment } from './upload-session';

const user = (mailbox: string) => `/users/${encodeURIComponent(mailbox)}`;
const recipients = (list: OutgoingAddress[]) =>
  list.map((a) => ({
    emailAddress: { address: headerSafe(a.address), ...(a.name ? { name: headerSafe(a.name) } : {}) },
  }));

export function createGraphSender(o: GraphClientOptions): MailSendPort {
  const g = openSession(o);
  return {
    async findSent(mailbox, activityid) {
      const found = await findIn(g, mailbox, 'sentitems', activityid);
      return found ? toCopy(found) : undefined;
    },
    async send(mailbox, mail: OutgoingMail) {
      // A draft an earlier attempt created and could not send is sent now, not left behind beside a new one;
      // the files it does not hold yet (an upload cut off midway leaves none) are attached first.
      const files = mail.attachments ?? [];
      const found = await findIn(g, mailbox, 'drafts', mail.activityid).catch(noFolder);
      const place = placeAttachments(files, Buffer.byteLength(JSON.stringify(toMessage(mail))));
      const message = {
        ...toMessage(mail),
        ...(place.inCreate.length ? { attachments: place.inCreate.map(fileAttachment) } : {}),
      };
      const draft =
        found ??
        asObject(
          await g.call<unknown>('messages.create', () => g.client.api(`${user(mailbox)}/messages`).post(message)),
        );
      const id = typeof draft?.id === 'string' ? draft.id : undefined;
      if (!draft || !id) throw transient('graph', 'Graph messages.create: answer without an id');
      const rest = found
        ? files.length
          ? missingOn(files, await attachmentNames(g, mailbox, id))
          : []
        : [...place.posted, ...place.uploaded];
      await attachFiles(g, mailbox, id, rest);
      await g.call('messages.send', () =>
        g.client.api(`${user(mailbox)}/messages/${encodeURIComponent(id)}/send`).post({}),
      );
      return toCopy(draft);
    },
  };
}

/** A mailbox without that folder (404) has nothing in it. */
function noFolder(e: unknown): undefined {
  if (isExsyncError(e) && e.status === 404) return undefined;
  throw e;
}

/** The message in a well-known folder that carries the activity id, if any. */
async function findIn(g: GraphSession, mailbox: string, folder: 'sentitems' | 'drafts', activityid: string) {
  const filter = `singleValueExtendedProperties/Any(ep: ep/id eq '${ACTIVITY_ID_PROPERTY}' and ep/value eq '${activityid.replace(/'/g, "''")}')`;
  const path = `${user(mailbox)}/mailFolders/${folder}/messages?$select=id,internetMessageId,subject,sentDateTime&$filter=${encodeURIComponent(filter)}&$top=1`;
  const res = asObject(await g.call<unknown>(`messages.find.${folder}`, () => g.client.api(path).get()));
  return asObject(Array.isArray(res?.value) ? (res.value as unknown[])[0] : undefined);
}

function toMessage(m: OutgoingMail): Record<string, unknown> {
  return {
    subject: headerSafe(m.subject),
    body: m.body,
    toRecipients: recipients(m.to),
    ccRecipients: recipients(m.cc),
    bccRecipients: recipients(m.bcc),
    ...(m.importance ? { importance: m.importance } : {}),
    singleValueExtendedProperties: [{ id: ACTIVITY_ID_PROPERTY, value: m.activityid }],
  };
}

function toCopy(j: Record<string, unknown>): SentCopy {
  if (typeof j.internetMessageId !== 'string') throw transient('graph', 'Graph message without internetMessageId');
  return {
    internetMessageId: j.internetMessageId,
    subject: typeof j.subject === 'string' ? j.subject : '',
    ...(typeof j.sentDateTime === 'string' ? { sentDateTime: j.sentDateTime } : {}),
  };
}
