// Party resolution for promotion: who the sender and recipients are in Dataverse, who owns the row, and
// which queues get a queue item.
import type { ActivityParty } from './activity';
import type { Address, MailItem } from './item';
import type { EntityRef } from './refs';
import { PARTY_MASK } from './refs';
import type { Candidate, ResolutionOptions } from './party';
import { resolveRecipient, resolveSender } from './party';
import type { KnownEmail } from './correlate';
import type { Acceptance } from './accept';
import type { PromotionContext } from './promotion';

/** The mail's parties as resolved: sender, To, Cc and Bcc, and the options they were resolved with. */
export interface ResolvedParties {
  opts: ResolutionOptions;
  senderCandidates: Candidate[];
  sender?: EntityRef;
  to: ActivityParty[];
  cc: ActivityParty[];
  bcc: ActivityParty[];
  /** From, To, Cc, Bcc: the row's activity parties. */
  all: ActivityParty[];
  /** Users and queues among the To and Cc recipients: who may accept the mail. */
  recipientPrincipals: EntityRef[];
}

const isPrincipal = (r: EntityRef) => r.type === 'systemuser' || r.type === 'queue';
const refsOf = (parties: ActivityParty[]) => parties.flatMap((p) => (p.party ? [p.party] : []));

function parties(
  mask: ActivityParty['mask'],
  addresses: Address[],
  ctx: PromotionContext,
  opts: ResolutionOptions,
): ActivityParty[] {
  const out: ActivityParty[] = [];
  for (const a of addresses) {
    const refs = resolveRecipient(ctx.candidates(a.address), opts);
    if (refs.length === 0) out.push({ mask, addressused: a.address });
    for (const r of refs) out.push({ mask, party: r, addressused: a.address });
  }
  return out;
}

export function resolveParties(item: MailItem, outgoing: boolean, ctx: PromotionContext): ResolvedParties {
  const opts: ResolutionOptions = {
    ...ctx.resolution,
    mailboxOwnerId: ownerUserOf(ctx.mailbox.owner, ctx) ?? ctx.mailbox.owner.id,
  };
  const senderCandidates = ctx.candidates(item.from!.address);
  const sender = resolveSender(senderCandidates, opts);
  const to = parties(PARTY_MASK.to, item.to, ctx, opts);
  const cc = parties(PARTY_MASK.cc, item.cc, ctx, opts);
  // The Bcc field is empty on received mail, as in Dynamics 365.
  const bcc = outgoing ? parties(PARTY_MASK.bcc, item.bcc, ctx, opts) : [];
  const from: ActivityParty = {
    mask: PARTY_MASK.from,
    ...(sender ? { party: sender } : {}),
    addressused: item.from!.address,
  };
  return {
    opts,
    senderCandidates,
    ...(sender ? { sender } : {}),
    to,
    cc,
    bcc,
    all: [from, ...to, ...cc, ...bcc],
    recipientPrincipals: refsOf([...to, ...cc]).filter(isPrincipal),
  };
}

/** The user who owns a mailbox: the user itself, or the owner of a queue. */
function ownerUserOf(ref: EntityRef, ctx: PromotionContext): string | undefined {
  if (ref.type === 'systemuser') return ref.id;
  if (ref.type === 'queue') return ctx.queueOwnerOf?.(ref.id);
  return undefined;
}

/**
 * The row's owner: eligible candidates are the users behind To, then Cc, then Bcc recipients (a user,
 * or a queue's owner); prefer one who owns the correlated email, then the owner of the sender's contact,
 * account or lead, then the first. Sent mail belongs to its sender, the mailbox owner.
 */
export function chooseOwner(
  outgoing: boolean,
  p: ResolvedParties,
  correlatedWith: KnownEmail | undefined,
  ctx: PromotionContext,
): string | undefined {
  const mailboxUser = ownerUserOf(ctx.mailbox.owner, ctx);
  if (outgoing) return mailboxUser;
  const eligibleUsers: string[] = [];
  for (const party of [...p.to, ...p.cc, ...p.bcc]) {
    const ref = party.party;
    const user = ref
      ? (ownerUserOf(ref, ctx) ??
        (ref.type === 'queue'
          ? ctx.candidates(party.addressused).find((c) => c.ref.id === ref.id)?.ownerId
          : undefined))
      : undefined;
    if (user && !eligibleUsers.includes(user)) eligibleUsers.push(user);
  }
  if (correlatedWith?.ownerId && eligibleUsers.includes(correlatedWith.ownerId)) return correlatedWith.ownerId;
  const sender = p.sender;
  if (sender && ['contact', 'account', 'lead'].includes(sender.type)) {
    const senderOwner = p.senderCandidates.find((c) => c.ref.id === sender.id)?.ownerId;
    if (senderOwner && eligibleUsers.includes(senderOwner)) return senderOwner;
  }
  return eligibleUsers[0] ?? mailboxUser;
}

/** The queues that get a queue item for the new row: accepting queue recipients, and the syncing queue. */
export function queueItemsFor(
  acceptance: Acceptance,
  acceptedBy: EntityRef,
  recipientPrincipals: EntityRef[],
  ctx: PromotionContext,
): string[] {
  const out = new Set<string>();
  if (ctx.queueItems?.acceptingQueues) {
    for (const c of acceptance.checked)
      if (c.accepted && c.entity.type === 'queue' && recipientPrincipals.some((r) => r.id === c.entity.id))
        out.add(c.entity.id);
    if (acceptedBy.type === 'queue' && recipientPrincipals.some((r) => r.id === acceptedBy.id)) out.add(acceptedBy.id);
  }
  // The syncing queue gets one even when the mail reached it through a DL or Bcc.
  if (
    ctx.queueItems?.syncingQueue &&
    ctx.mailbox.owner.type === 'queue' &&
    acceptedBy.type === 'queue' &&
    acceptedBy.id === ctx.mailbox.owner.id
  )
    out.add(ctx.mailbox.owner.id);
  return [...out];
}
