// The fault suite's tenant: the demo generator's mail, minus what makes SSS's outcome depend on which
// mailbox is synced first (a message seen by two mailboxes, replies and conversation indexes that point
// into another mailbox). Faults reorder mailboxes, so with those the "same state as the fault-free run"
// would measure scheduling luck, not the pipeline's guarantees; within a mailbox order is kept by the
// checkpoints, so replies to the mailbox's own mail and to Dataverse's emails stay.
import type { FixtureFolder, FixtureMessage, TenantFixture } from '../../local/tenant/fixture';
import { demoTenant } from '../../local/tenant/demo';
import { normalizeMessageId } from '../../shared/domain/message-id';

const walk = (folders: FixtureFolder[], fn: (f: FixtureFolder) => void) => {
  for (const f of folders) {
    fn(f);
    walk(f.childFolders ?? [], fn);
  }
};
const key = (m: FixtureMessage) => (typeof m.internetMessageId === 'string' ? normalizeMessageId(m.internetMessageId) : undefined);

export function faultTenant(opts: { mailboxes?: number; messagesPerMailbox?: number } = {}): TenantFixture {
  const t = demoTenant({ mailboxes: opts.mailboxes ?? 3, messagesPerMailbox: opts.messagesPerMailbox ?? 40 });
  const mailboxesOf = new Map<string, number>();
  const inMailbox = new Map<string, Set<string>>();
  for (const [address, box] of Object.entries(t.exchange)) {
    const own = new Set<string>();
    walk(box.mailFolders, (f) => {
      for (const m of f.messages ?? []) {
        const k = key(m);
        if (!k) continue;
        own.add(k);
      }
    });
    inMailbox.set(address, own);
    for (const k of own) mailboxesOf.set(k, (mailboxesOf.get(k) ?? 0) + 1);
  }
  const inDataverse = new Set((t.dataverse.emails ?? []).map((e) => normalizeMessageId(String(e.messageid ?? ''))));
  for (const [address, box] of Object.entries(t.exchange)) {
    const own = inMailbox.get(address)!;
    walk(box.mailFolders, (f) => {
      f.messages = (f.messages ?? []).filter((m) => {
        const k = key(m);
        return !k || (mailboxesOf.get(k) ?? 0) <= 1;
      });
      for (const m of f.messages) {
        delete m.conversationIndex;
        const headers = (m.internetMessageHeaders as { name: string; value: string }[] | undefined) ?? [];
        m.internetMessageHeaders = headers.filter((h) => {
          if (!/^(in-reply-to|references)$/i.test(h.name)) return true;
          const ids = [...h.value.matchAll(/<([^<>]+)>/g)].map((x) => normalizeMessageId(x[1]!));
          return ids.every((id) => inDataverse.has(id) || own.has(id));
        });
      }
    });
  }
  return t;
}
