// Party (address) resolution as SSS does it (docs/sss-parity.md#party-resolution): one sender party chosen by rank,
// every active match for a recipient, unresolved addresses kept in addressused.
import type { EntityRef } from './refs';

export interface Candidate {
  ref: EntityRef;
  ownerId?: string;
  createdon?: string;
  active: boolean;
}

export interface ResolutionOptions {
  /** The owner of the mailbox being processed: a row they own wins the sender tie-break. */
  mailboxOwnerId: string;
  unresolveSenderIfMultiple: boolean;
  unresolveRecipientIfMultiple: boolean;
  resolveInactive: boolean;
}

/** More matches than this leaves the sender unresolved (docs/sss-parity.md#party-resolution). */
export const SENDER_MATCH_CAP = 100;

const SENDER_RANK: Record<string, number> = {
  systemuser: 0,
  contact: 1,
  account: 2,
  lead: 3,
  equipment: 4,
  team: 5,
  businessunit: 6,
};
const rank = (type: string) => SENDER_RANK[type] ?? 7;

/** Disabled users never resolve; other inactive rows only when ResolveForInactiveEntities is on. */
export function eligible(
  candidates: readonly Candidate[],
  opts: Pick<ResolutionOptions, 'resolveInactive'>,
): Candidate[] {
  return candidates.filter((c) => c.active || (opts.resolveInactive && c.ref.type !== 'systemuser'));
}

/** Earliest created first; a row whose creation time is unknown is not known to be earliest, so it goes last. */
const byCreated = (a: Candidate, b: Candidate) => {
  const ta = a.createdon ? Date.parse(a.createdon) : NaN;
  const tb = b.createdon ? Date.parse(b.createdon) : NaN;
  if (Number.isNaN(ta) || Number.isNaN(tb))
    return Number.isNaN(ta) === Number.isNaN(tb) ? 0 : Number.isNaN(ta) ? 1 : -1;
  return ta - tb;
};

export function resolveSender(candidates: readonly Candidate[], opts: ResolutionOptions): EntityRef | undefined {
  // A single match resolves whatever its state; disabled users still never resolve
  // (docs/sss-parity.md#party-resolution).
  const matches = candidates.filter((c) => c.active || c.ref.type !== 'systemuser');
  if (matches.length === 1) return matches[0].ref;
  const all = eligible(candidates, opts);
  if (all.length === 0 || all.length > SENDER_MATCH_CAP) return undefined;
  if (all.length === 1) return all[0].ref;
  if (opts.unresolveSenderIfMultiple) return undefined;
  const owned = all.filter((c) => c.ownerId === opts.mailboxOwnerId);
  const pool = owned.length > 0 ? owned : all;
  const sorted = [...pool].sort(
    (a, b) => rank(a.ref.type) - rank(b.ref.type) || byCreated(a, b) || a.ref.id.localeCompare(b.ref.id),
  );
  return sorted[0].ref;
}

/** Every eligible match becomes a party; with "unresolve if multiple" several matches become one unresolved value. */
export function resolveRecipient(candidates: readonly Candidate[], opts: ResolutionOptions): EntityRef[] {
  const all = eligible(candidates, opts);
  if (all.length > 1 && opts.unresolveRecipientIfMultiple) return [];
  const seen = new Set<string>();
  const out: EntityRef[] = [];
  for (const c of all) {
    const k = `${c.ref.type}:${c.ref.id}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(c.ref);
  }
  return out;
}
