// Organizer and attendees ↔ the appointment's activity parties (required 5, optional 6, organizer 7). Addresses
// resolve by the same rules as email parties (party.ts): every eligible match of an attendee becomes a party;
// the organizer, a user only in Dataverse, is chosen as the email sender is.
import type { Candidate, ResolutionOptions } from '../party';
import { resolveRecipient, resolveSender } from '../party';
import type { EntityRef } from '../refs';
import type { AppointmentParty, AppointmentPartyMask, EventJson, GraphAttendee } from './appointment-types';
import { APPOINTMENT_PARTY_MASK as MASK } from './appointment-types';

export interface PartyResolver {
  /** Every row whose email column holds the address (as promotion's lookups give them). */
  candidates(address: string): Candidate[];
  opts: ResolutionOptions;
}

const norm = (a: string | undefined) => (a ?? '').trim().toLowerCase();

/** The address a party stands for: addressused, else the resolved row's primary address. */
export function partyAddress(p: AppointmentParty, addressOf?: (ref: EntityRef) => string | undefined): string {
  return norm(p.addressused) || norm(p.party ? addressOf?.(p.party) : undefined);
}

/**
 * Dataverse → Exchange: required and optional parties as Graph attendees, once per address, never the
 * organizer (Exchange makes the calendar's owner the organizer).
 */
export function attendeesFor(
  parties: readonly AppointmentParty[],
  addressOf?: (ref: EntityRef) => string | undefined,
): GraphAttendee[] {
  const organizer = parties.find((p) => p.mask === MASK.organizer);
  const skip = new Set(organizer ? [partyAddress(organizer, addressOf)] : []);
  const out: GraphAttendee[] = [];
  for (const mask of [MASK.required, MASK.optional]) {
    for (const p of parties) {
      if (p.mask !== mask) continue;
      const address = partyAddress(p, addressOf);
      if (!address || skip.has(address)) continue;
      skip.add(address);
      out.push({ type: mask === MASK.required ? 'required' : 'optional', emailAddress: { address } });
    }
  }
  return out;
}

function attendeeParties(mask: AppointmentPartyMask, address: string, r: PartyResolver): AppointmentParty[] {
  const refs = resolveRecipient(r.candidates(address), r.opts);
  if (refs.length === 0) return [{ mask, addressused: address }];
  return refs.map((party) => ({ mask, party, addressused: address }));
}

/**
 * Exchange → Dataverse: the organizer (resolved to a user, or kept as an address) and the attendees. A
 * resource attendee (a room, equipment) is an optional attendee: an appointment has no resource party.
 * `organizerFallback` stands in when the event names no organizer.
 */
export function partiesFromEvent(
  event: Pick<EventJson, 'organizer' | 'attendees'>,
  r: PartyResolver,
  organizerFallback?: AppointmentParty,
): AppointmentParty[] {
  const out: AppointmentParty[] = [];
  const organizerAddress = norm(event.organizer?.emailAddress?.address);
  if (organizerAddress) {
    const users = r.candidates(organizerAddress).filter((c) => c.ref.type === 'systemuser');
    const user = resolveSender(users, r.opts);
    out.push({ mask: MASK.organizer, ...(user ? { party: user } : {}), addressused: organizerAddress });
  } else if (organizerFallback) out.push({ ...organizerFallback, mask: MASK.organizer });
  const seen = new Set([organizerAddress]);
  for (const a of event.attendees ?? []) {
    const address = norm(a.emailAddress?.address);
    if (!address || seen.has(address)) continue;
    seen.add(address);
    out.push(...attendeeParties(a.type === 'required' ? MASK.required : MASK.optional, address, r));
  }
  return out;
}

/** The organizer's user id, when the organizer resolved to one. */
export function organizerUserId(parties: readonly AppointmentParty[]): string | undefined {
  const o = parties.find((p) => p.mask === MASK.organizer);
  return o?.party?.type === 'systemuser' ? o.party.id : undefined;
}

/** Whether any required or optional attendee is on the row. */
export const hasAttendees = (parties: readonly AppointmentParty[]): boolean =>
  parties.some((p) => p.mask === MASK.required || p.mask === MASK.optional);
