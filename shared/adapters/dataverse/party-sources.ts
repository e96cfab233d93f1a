// The email-enabled tables and columns a page's addresses are resolved against (the lookup batch reads them).
import { entitySet } from './navigation';

export interface PartySource {
  set: string;
  type: string;
  key: string;
  columns: readonly string[];
  extra: readonly string[];
}

/** Email-format columns of the email-enabled tables SSS resolves against by default; PARTY_EXTRA_TABLES adds more. */
export const PARTY_SOURCES: readonly PartySource[] = [
  {
    set: 'systemusers',
    type: 'systemuser',
    key: 'systemuserid',
    columns: ['internalemailaddress'],
    extra: ['isdisabled'],
  },
  { set: 'queues', type: 'queue', key: 'queueid', columns: ['emailaddress'], extra: ['statecode', '_ownerid_value'] },
  {
    set: 'contacts',
    type: 'contact',
    key: 'contactid',
    columns: ['emailaddress1', 'emailaddress2', 'emailaddress3'],
    extra: ['statecode', '_ownerid_value'],
  },
  {
    set: 'accounts',
    type: 'account',
    key: 'accountid',
    columns: ['emailaddress1', 'emailaddress2', 'emailaddress3'],
    extra: ['statecode', '_ownerid_value'],
  },
  {
    set: 'leads',
    type: 'lead',
    key: 'leadid',
    columns: ['emailaddress1', 'emailaddress2', 'emailaddress3'],
    extra: ['statecode', '_ownerid_value'],
  },
];

export function partySources(extra: { logicalName: string; columns: string[] }[]): PartySource[] {
  return [
    ...PARTY_SOURCES,
    ...extra.map((t) => ({
      set: entitySet(t.logicalName),
      type: t.logicalName,
      key: `${t.logicalName}id`,
      columns: t.columns,
      extra: ['statecode'],
    })),
  ];
}
