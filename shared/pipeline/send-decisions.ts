// The send stage's decisions in the ledger, keyed by the activity id, where `exsync explain --item <activityid>`
// finds why an email went out, waits or failed.
import type { DvMailbox } from '../ports';
import type { PendingEmail } from '../ports-send';
import { sendDecision } from '../domain/send';
import type { Hold } from '../domain/send-rules';
import type { PipelineDeps } from './deps';

export async function decideSend(
  deps: Pick<PipelineDeps, 'ledger' | 'clock'>,
  mb: DvMailbox,
  activityid: string,
  result: Parameters<typeof sendDecision>[2],
): Promise<void> {
  await deps.ledger.record([
    sendDecision({ mailboxId: mb.mailboxid, address: mb.address }, activityid, result, deps.clock.now()),
  ]);
}

/** The email waits in Pending Send for this reason; written only when the ledger does not say so already. */
export async function holdEmail(
  deps: Pick<PipelineDeps, 'ledger' | 'clock'>,
  mb: DvMailbox,
  email: PendingEmail,
  hold: Hold,
): Promise<void> {
  const known = await deps.ledger.get(mb.mailboxid, 'email', email.activityid);
  if (known?.outcome === 'pending' && known.reason === hold.reason && known.detail === hold.detail) return;
  await decideSend(deps, mb, email.activityid, { outcome: 'pending', reason: hold.reason, detail: hold.detail });
}
