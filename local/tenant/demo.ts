import type { TenantFixture, FixtureMailbox } from './fixture';
import { Random } from './demo-random';
import { demoDirectory } from './demo-directory';
import { demoDataverse, sentFromDataverse } from './demo-dataverse';
import { DAY, DemoGenerator, HOUR } from './demo-generator';
import { newBox, boxFolders, iso } from './demo-mail';
import { malformed, oneMessage } from './demo-mix';

export interface DemoOptions {
  /** Mailboxes in Dataverse and Exchange (users, with a queue among them); default 4: Alice, David, Erin, Sales. */
  mailboxes?: number;
  /** Messages generated per mailbox on average (copies in several mailboxes count once each); default 100. */
  messagesPerMailbox?: number;
  seed?: number;
}

export const DEMO_NOW = '2025-01-10T10:00:00Z';
/** processemailreceivedafter of every demo mailbox: three weeks before `now`. */
export const DEMO_PROCESS_AFTER = '2024-12-20T00:00:00Z';

/**
 * A deterministic tenant for `exsync run` with no fixture, the simulators and `bench`: the same options
 * give the same tenant, byte for byte. The mail covers what SSS must decide on (docs/sss-parity.md,
 * the email-promotion acceptance tests): replies to Dataverse email by In-Reply-To, token, References only and
 * auto-reply; threads among demo mail; unknown senders; internal mail in two mailboxes; one mail in
 * several mailboxes; distribution-list and Bcc mail; mail before the watermark; mail in an untracked
 * subfolder; and a few malformed items. Time and memory are linear in mailboxes × messagesPerMailbox.
 */
export function demoTenant(opts: DemoOptions = {}): TenantFixture {
  const mailboxCount = Math.max(1, Math.floor(opts.mailboxes ?? 4));
  const perMailbox = Math.max(0, Math.floor(opts.messagesPerMailbox ?? 100));
  const r = new Random(opts.seed ?? 1);
  const dir = demoDirectory(mailboxCount);
  const now = Date.parse(DEMO_NOW);
  const watermark = Date.parse(DEMO_PROCESS_AFTER);
  const boxes = dir.mailboxes.map(newBox);
  const byAddress = new Map(boxes.map((b) => [b.mailbox.address, b]));
  const gen = new DemoGenerator(r, dir, boxes, opts.seed ?? 1, mailboxCount * perMailbox);

  const sent = sentFromDataverse(dir, watermark + 2 * HOUR);
  for (const e of sent)
    gen.sentFromDynamics(byAddress.get(e.user.address)!, e.contact, e.topic, e.token, e.messageId, e.sentAt);
  malformed(gen, boxes[0], now - 36 * HOUR);

  // Time follows the budget spent, so a reply (drawn from threads made earlier) is always later than its parent
  const start = watermark + DAY;
  const span = now - 5 * 60000 - start;
  for (let k = 0; gen.remaining > 0; k++) {
    const box = boxes[k % boxes.length];
    const at =
      Math.floor((start + (span * (gen.total - gen.remaining + r.next())) / Math.max(1, gen.total)) / 1000) * 1000;
    oneMessage(gen, box, at, watermark);
  }

  const exchange: Record<string, FixtureMailbox> = {};
  for (const b of boxes)
    exchange[b.mailbox.address] = {
      mailFolders: boxFolders(b),
      events: [],
      contacts: [],
      todoLists: [{ displayName: 'Tasks', wellknownListName: 'defaultList', tasks: [] }],
    };
  return { now: DEMO_NOW, dataverse: demoDataverse(dir, sent, DEMO_PROCESS_AFTER, iso), exchange };
}
