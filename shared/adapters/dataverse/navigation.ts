// Entity set names and single-valued navigation property names for the binds we write. Names are the
// ReferencingEntityNavigationPropertyName values of the email relationships in the Dataverse table
// reference (powerapps-docs reference/entities/email.md); they are not synthesized where the docs differ.

const ENTITY_SETS: Record<string, string> = {
  systemuser: 'systemusers',
  queue: 'queues',
  contact: 'contacts',
  account: 'accounts',
  lead: 'leads',
  opportunity: 'opportunities',
  incident: 'incidents',
  mailbox: 'mailboxes',
  email: 'emails',
  team: 'teams',
  businessunit: 'businessunits',
  equipment: 'equipments',
  knowledgearticle: 'knowledgearticles',
};

/** Entity set of a logical name; custom tables follow the default plural the maker portal gives (+s). */
export function entitySet(logicalName: string): string {
  return ENTITY_SETS[logicalName] ?? (logicalName.endsWith('y') ? `${logicalName.slice(0, -1)}ies` : `${logicalName}s`);
}

export const EMAIL_NAV = {
  regarding: (type: string) => `regardingobjectid_${type}_email`,
  parentActivity: 'parentactivityid',
  correlatedActivity: 'CorrelatedActivityId_Email',
  receivingMailbox: 'ReceivingMailboxId_Email',
  // One navigation property for both targets (queue, systemuser); the bound URL carries the type.
  acceptingEntity: (_type: string) => 'acceptingentityid',
  owner: 'ownerid',
  party: (type: string) => `partyid_${type}`,
} as const;

export const bind = (nav: string, type: string, id: string) => ({
  [`${nav}@odata.bind`]: `/${entitySet(type)}(${id})`,
});
