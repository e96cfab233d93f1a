// The entity sets the pipeline reads, with their primary key columns. Other sets are stored as given
// (generic OData store), so only these get key checks and generated ids.
export const PRIMARY_KEYS: Readonly<Record<string, string>> = {
  organizations: 'organizationid',
  systemusers: 'systemuserid',
  // usersettings is keyed by the user it belongs to, as in the Web API
  usersettingscollection: 'systemuserid',
  queues: 'queueid',
  mailboxes: 'mailboxid',
  contacts: 'contactid',
  accounts: 'accountid',
  leads: 'leadid',
  opportunities: 'opportunityid',
  incidents: 'incidentid',
  emails: 'activityid',
  appointments: 'activityid',
  tasks: 'activityid',
  phonecalls: 'activityid',
  activitypointers: 'activityid',
  activityparties: 'activitypartyid',
  queueitems: 'queueitemid',
  mailboxtrackingfolders: 'mailboxtrackingfolderid',
  tracelogs: 'tracelogid',
  teams: 'teamid',
  businessunits: 'businessunitid',
  emailserverprofiles: 'emailserverprofileid',
};

/** Date columns worth checking wherever they appear: a typo there silently moves a watermark. */
export const DATE_COLUMNS: readonly string[] = [
  'processemailreceivedafter',
  'processemailsreceivedafter',
  'createdon',
  'modifiedon',
  'overriddencreatedon',
  'senton',
  'scheduledstart',
  'scheduledend',
  'actualstart',
  'actualend',
];
