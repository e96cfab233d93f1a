// Small builders shared by the acceptance scenarios: messages as Graph shows them.
import type { FixtureMessage } from '../../local/tenant/fixture';

export const msg = (
  internetMessageId: string,
  from: string,
  to: string[],
  subject: string,
  headers: Record<string, string> = {},
  extra: FixtureMessage = {},
): FixtureMessage => ({
  internetMessageId,
  subject,
  from: { emailAddress: { address: from } },
  toRecipients: to.map((address) => ({ emailAddress: { address } })),
  internetMessageHeaders: Object.entries(headers).map(([name, value]) => ({ name, value })),
  body: { contentType: 'html', content: `<p>${subject}</p>` },
  ...extra,
});
