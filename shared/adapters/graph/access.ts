// Test & Enable's access checks of one mailbox through Graph: a small read per workload, and for outgoing
// the test mail Dynamics 365 sends the mailbox itself (sendMail, learn.microsoft.com/graph/api/user-sendmail),
// the one way to prove Mail.Send without a side door. Not saved to Sent Items, so Sent Items sync never sees it.
import type { Client } from '@microsoft/microsoft-graph-client';
import type { AccessCheck } from '../../ports';

/** The subject of the test mail; its body names no one. */
const TEST_SUBJECT = 'Your mailbox is now connected to Dynamics 365';

interface Caller {
  client: Client;
  call<T>(route: string, run: () => Promise<T>): Promise<T>;
}

export async function checkAccess(g: Caller, mailbox: string, check: AccessCheck): Promise<void> {
  const user = `/users/${encodeURIComponent(mailbox)}`;
  const read = (path: string) =>
    g.call(`access.${check}`, () => g.client.api(`${user}${path}`).get() as Promise<unknown>);
  if (check === 'incoming') await read(`/mailFolders/inbox/messages?$top=1&$select=id`);
  else if (check === 'calendar') await read(`/events?$top=1&$select=id`);
  else if (check === 'contacts') await read(`/contacts?$top=1&$select=id`);
  else if (check === 'tasks') await read(`/todo/lists`);
  else
    await g.call(
      'access.outgoing',
      () =>
        g.client.api(`${user}/sendMail`).post({
          message: {
            subject: TEST_SUBJECT,
            body: {
              contentType: 'Text',
              content: 'Test & Enable sent this message to check that the mailbox can send.',
            },
            toRecipients: [{ emailAddress: { address: mailbox } }],
          },
          saveToSentItems: false,
        }) as Promise<unknown>,
    );
}
