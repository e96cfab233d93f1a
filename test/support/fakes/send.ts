// The send stage's ports in memory: an outbox of email rows with ETags, and a mailbox that records what it
// sent and keeps the copies in Sent Items by activity id.
import type {
  MailSendPort,
  OutboxPort,
  OutgoingMail,
  PendingEmail,
  SentCopy,
  SentFacts,
} from '../../../shared/ports-send';
import type { TokenFormat } from '../../../shared/domain/tracking-token';

export interface FakeRow extends Omit<PendingEmail, 'etag'> {
  sender: string;
  version: number;
  sent?: SentFacts;
}

export function fakeOutbox(rows: FakeRow[], format: TokenFormat | undefined, tokens: string[] = []) {
  const port: OutboxPort = {
    pending: async (owner) =>
      rows
        .filter((r) => r.sender === owner.id && (r.statuscode === 6 || r.statuscode === 7))
        .map(({ sender: _s, version, sent: _x, ...r }) => ({ ...structuredClone(r), etag: `W/"${version}"` })),
    waitingSenders: async () =>
      new Set(rows.filter((r) => r.statuscode === 6 || r.statuscode === 7).map((r) => r.sender)),
    tokenFormat: async () => format,
    userNumber: async () => 1,
    queuePosition: async () => 1,
    lastToken: async (stem) => [...tokens].reverse().find((t) => t.startsWith(stem)),
    async claim(email) {
      const r = rows.find((x) => x.activityid === email.activityid)!;
      if (`W/"${r.version}"` !== email.etag) return false;
      r.statuscode = 7;
      r.deliveryattempts++;
      r.version++;
      return true;
    },
    async markSent(id, facts) {
      const r = rows.find((x) => x.activityid === id)!;
      Object.assign(r, { statuscode: 3, sent: facts, version: r.version + 1 });
      if (facts.trackingtoken) tokens.push(facts.trackingtoken);
    },
    async release(id) {
      rows.find((x) => x.activityid === id)!.statuscode = 6;
    },
    async markFailed(id) {
      rows.find((x) => x.activityid === id)!.statuscode = 8;
    },
  };
  return { port, rows };
}

export function fakeMailSend() {
  const sent: { mailbox: string; mail: OutgoingMail }[] = [];
  const sentItems = new Map<string, SentCopy>();
  let fail: Error | undefined;
  let n = 0;
  const port: MailSendPort = {
    findSent: async (_mailbox, id) => sentItems.get(id),
    async send(mailbox, mail) {
      if (fail) throw fail;
      sent.push({ mailbox, mail: structuredClone(mail) });
      const copy = { internetMessageId: `<m${++n}@exchange.test>`, subject: mail.subject };
      sentItems.set(mail.activityid, copy);
      return copy;
    },
  };
  return {
    port,
    sent,
    sentItems,
    failWith: (e: Error | undefined) => void (fail = e),
  };
}
