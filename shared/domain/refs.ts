// A pointer to a Dataverse row by logical name and id, as lookups and parties carry it.
export interface EntityRef {
  /** Logical name: systemuser, queue, contact, account, lead, opportunity, … */
  type: string;
  id: string;
}

/** ParticipationTypeMask values used on email (Dataverse activityparty). */
export const PARTY_MASK = { from: 1, to: 2, cc: 3, bcc: 4 } as const;
export type EmailPartyMask = (typeof PARTY_MASK)[keyof typeof PARTY_MASK];
