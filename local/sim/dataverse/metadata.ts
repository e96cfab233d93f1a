// The entity registry: entity set <-> logical name <-> primary key, the lookups the product reads or binds,
// read-only columns, and the columns a $filter/$select may name. Navigation-property names come from the
// Dataverse table reference (email.md, mailbox.md, activityparty.md "Many-to-One" tables).

export interface LookupDef {
  /** Logical names it may point to; '*' = polymorphic with no list (regardingobjectid). */
  targets: string[] | '*';
}

export interface EntityDef {
  set: string;
  logical: string;
  key: string;
  /** Lookup column (logical name, e.g. regardingobjectid) -> its targets. Stored as `_x_value`. */
  lookups: Record<string, LookupDef>;
  /** Exact single-valued navigation property names -> [lookup column, fixed target or undefined = take it from the bind URL]. */
  navs: Record<string, [string, string | undefined]>;
  /** Columns that cannot be written; 'create' = only not on create (appointment statecode). */
  readOnly: Record<string, 'always' | 'create'>;
  /** Columns known beyond the ones seen in records; undefined = a generic set (anything goes). */
  columns?: Set<string>;
  parties?: { nav: string; masks: number[] };
  /**
   * Activities only: columns an update may still set once the row is Completed (1) or Canceled (2); everything
   * else is refused, as the service refuses edits of closed activities.
   */
  closedWritable?: Set<string>;
  /** Default statecode/statuscode for rows created without them, and statuscode -> statecode. */
  state?: { statecode: number; statuscode: number; stateOf: Record<number, number> };
}

const words = (s: string): string[] => s.trim().split(/\s+/);
const ALWAYS_READ_ONLY = ['createdon', 'modifiedon', 'versionnumber'];
const COMMON = 'statecode statuscode createdon modifiedon versionnumber overriddencreatedon importsequencenumber';
const OWNER: Record<string, LookupDef> = { ownerid: { targets: ['systemuser', 'team'] } };

// Columns of the email table (reference/entities/email.md, "Writable" and "Read-only" lists, lower-cased).
const EMAIL_COLUMNS = `activityadditionalparams activityid actualdurationminutes actualend actualstart attachmentopencount
  baseconversationindexhash category conversationtrackingid correlatedsubjectchanged delayedemailsendtime deliveryattempts
  deliveryprioritycode deliveryreceiptrequested description directioncode emailreminderexpirytime emailremindertext
  emailremindertype emailtrackingid followemailuserpreference isbilled isduplicatesenderunresolved isworkflowcreated
  lastonholdtime lastopenedtime linksclickedcount messageid messageiddupcheck mimetype notifications opencount
  prioritycode processid readreceiptrequested regardingobjecttypecode reminderactioncardid scheduledend scheduledstart
  sender sortdate stageid subcategory subject submittedby timezoneruleversionnumber torecipients trackingtoken
  traversedpath utcconversiontimezonecode internetmessageheaders activitytypecode attachmentcount compressed
  conversationindex correlationmethod emailreminderstatus inreplyto isemailfollowed isemailreminderset isregularactivity
  onholdtime replycount safedescription scheduleddurationminutes senton acceptingentitytypecode cc bcc`;

function def(
  d: Omit<EntityDef, 'readOnly' | 'navs'> & {
    readOnly?: EntityDef['readOnly'];
    navs?: EntityDef['navs'];
    extra?: string;
  },
): EntityDef {
  const readOnly: EntityDef['readOnly'] = { ...d.readOnly };
  for (const c of ALWAYS_READ_ONLY) readOnly[c] = 'always';
  const columns = new Set(words(`${COMMON} ${d.key} ${d.extra ?? ''}`));
  for (const l of Object.keys(d.lookups)) columns.add(`_${l}_value`);
  for (const c of Object.keys(readOnly)) if (!d.lookups[c]) columns.add(c);
  const { extra: _extra, ...rest } = d;
  return { ...rest, readOnly, navs: d.navs ?? {}, columns };
}

// Closed activities stay editable for: the state itself (reopen / change status), Regarding (SSS folder tracking and
// "Set Regarding" re-apply it on tracked, closed emails), the owner (Assign works on closed activities), and the
// engagement / follow-up columns the service itself updates on sent emails. [INFERENCE: the service has no
// published list; this is the decision documented in CONFORMANCE.md.]
const CLOSED_WRITABLE_COMMON = 'statecode statuscode regardingobjectid regardingobjecttypecode ownerid';
const CLOSED_WRITABLE_EMAIL = `${CLOSED_WRITABLE_COMMON} isemailfollowed followemailuserpreference emailreminderexpirytime
  emailremindertext emailremindertype emailreminderstatus isemailreminderset lastopenedtime opencount linksclickedcount
  attachmentopencount replycount`;

const OPEN = (statuscode: number, stateOf: Record<number, number>) => ({ statecode: 0, statuscode, stateOf });

const DEFS: EntityDef[] = [
  def({
    set: 'emails',
    logical: 'email',
    key: 'activityid',
    lookups: {
      regardingobjectid: { targets: '*' },
      parentactivityid: { targets: ['email'] },
      correlatedactivityid: { targets: ['email'] },
      acceptingentityid: { targets: ['queue', 'systemuser'] },
      receivingmailboxid: { targets: ['mailbox'] },
      sendermailboxid: { targets: ['mailbox'] },
      emailsender: { targets: ['account', 'contact', 'lead', 'queue', 'systemuser'] },
      ...OWNER,
    },
    // email.md Many-to-One: acceptingentityid's navigation property is `acceptingentityid` for both targets;
    // the `_queue`/`_systemuser` forms are what generated client kits (DevKit) use: not confirmed on the
    // live service, accepted anyway. parentactivityid and CorrelatedActivityId_Email are confirmed.
    navs: {
      parentactivityid: ['parentactivityid', 'email'],
      correlatedactivityid_email: ['correlatedactivityid', 'email'],
      receivingmailboxid_email: ['receivingmailboxid', 'mailbox'],
      acceptingentityid: ['acceptingentityid', undefined],
      acceptingentityid_queue: ['acceptingentityid', 'queue'],
      acceptingentityid_systemuser: ['acceptingentityid', 'systemuser'],
      ownerid_email: ['ownerid', undefined],
      ownerid: ['ownerid', undefined],
      // regardingobjectid_{entity}_email is matched by pattern; asyncoperation is the documented exception.
      regardingobjectid_asyncoperation: ['regardingobjectid', 'asyncoperation'],
    },
    readOnly: Object.fromEntries(
      words('inreplyto conversationindex correlationmethod emailsender senton sendermailboxid messageiddupcheck').map(
        (c) => [c, 'always'],
      ),
    ),
    extra: EMAIL_COLUMNS,
    parties: { nav: 'email_activity_parties', masks: [1, 2, 3, 4] },
    closedWritable: new Set(words(CLOSED_WRITABLE_EMAIL)),
    state: OPEN(1, { 1: 0, 8: 0, 2: 1, 3: 1, 4: 1, 6: 1, 7: 1, 5: 2 }),
  }),
  def({
    set: 'appointments',
    logical: 'appointment',
    key: 'activityid',
    lookups: { regardingobjectid: { targets: '*' }, ...OWNER },
    readOnly: { seriesid: 'always', instancetypecode: 'always', originalstartdate: 'always', statecode: 'create' },
    extra: `subject description location scheduledstart scheduledend scheduleddurationminutes isalldayevent globalobjectid
      outlookownerapptid isdraft ismapiprivate actualstart actualend prioritycode category subcategory`,
    parties: { nav: 'appointment_activity_parties', masks: [5, 6, 7] },
    closedWritable: new Set(words(CLOSED_WRITABLE_COMMON)),
    state: OPEN(1, { 1: 0, 2: 0, 3: 1, 4: 2, 5: 3, 6: 3 }),
  }),
  def({
    set: 'tasks',
    logical: 'task',
    key: 'activityid',
    lookups: { regardingobjectid: { targets: '*' }, ...OWNER },
    extra:
      'subject description scheduledstart scheduledend actualstart actualend prioritycode percentcomplete category subcategory',
    closedWritable: new Set(words(CLOSED_WRITABLE_COMMON)),
    state: OPEN(2, { 2: 0, 3: 0, 4: 0, 7: 0, 5: 1, 6: 2 }),
  }),
  def({
    set: 'contacts',
    logical: 'contact',
    key: 'contactid',
    lookups: { parentcustomerid: { targets: ['account', 'contact'] }, ...OWNER },
    extra:
      'fullname firstname lastname emailaddress1 emailaddress2 emailaddress3 jobtitle telephone1 mobilephone donotemail',
    state: OPEN(1, { 1: 0, 2: 1 }),
  }),
  def({
    set: 'accounts',
    logical: 'account',
    key: 'accountid',
    lookups: { parentaccountid: { targets: ['account'] }, primarycontactid: { targets: ['contact'] }, ...OWNER },
    extra: 'name accountnumber emailaddress1 emailaddress2 emailaddress3 telephone1 websiteurl donotemail',
    state: OPEN(1, { 1: 0, 2: 1 }),
  }),
  def({
    set: 'leads',
    logical: 'lead',
    key: 'leadid',
    lookups: {
      parentaccountid: { targets: ['account'] },
      parentcontactid: { targets: ['contact'] },
      customerid: { targets: ['account', 'contact'] },
      ...OWNER,
    },
    extra: 'fullname firstname lastname subject companyname emailaddress1 emailaddress2 emailaddress3 donotemail',
    state: OPEN(1, { 1: 0, 2: 0, 3: 1, 4: 2, 5: 2, 6: 2, 7: 2 }),
  }),
  def({
    set: 'opportunities',
    logical: 'opportunity',
    key: 'opportunityid',
    lookups: {
      customerid: { targets: ['account', 'contact'] },
      parentaccountid: { targets: ['account'] },
      parentcontactid: { targets: ['contact'] },
      ...OWNER,
    },
    extra: 'name description estimatedvalue estimatedclosedate',
    state: OPEN(1, { 1: 0, 2: 0, 3: 1, 4: 2, 5: 2 }),
  }),
  def({
    set: 'incidents',
    logical: 'incident',
    key: 'incidentid',
    lookups: { customerid: { targets: ['account', 'contact'] }, ...OWNER },
    extra: 'title ticketnumber description',
    state: OPEN(1, { 1: 0, 2: 0, 3: 0, 4: 0, 5: 1, 1000: 1, 6: 2, 2000: 2 }),
  }),
  def({
    set: 'systemusers',
    logical: 'systemuser',
    key: 'systemuserid',
    lookups: { businessunitid: { targets: ['businessunit'] } },
    extra: `fullname firstname lastname internalemailaddress personalemailaddress isdisabled accessmode azureactivedirectoryobjectid
      incomingemaildeliverymethod outgoingemaildeliverymethod emailrouteraccessapproval domainname`,
  }),
  def({ set: 'teams', logical: 'team', key: 'teamid', lookups: {}, extra: 'name emailaddress teamtype' }),
  def({
    set: 'queues',
    logical: 'queue',
    key: 'queueid',
    lookups: { ...OWNER },
    extra:
      'name emailaddress incomingemailfilteringmethod incomingemaildeliverymethod outgoingemaildeliverymethod emailrouteraccessapproval queueviewtype',
    state: OPEN(1, { 1: 0, 2: 1 }),
  }),
  def({
    set: 'mailboxes',
    logical: 'mailbox',
    key: 'mailboxid',
    lookups: { regardingobjectid: { targets: ['systemuser', 'queue'] }, ...OWNER },
    // mailbox.md Many-to-One: `regardingobjectid` (systemuser) and `regardingobjectid_queue` (queue).
    navs: {
      regardingobjectid: ['regardingobjectid', undefined],
      regardingobjectid_queue: ['regardingobjectid', 'queue'],
    },
    extra: `name emailaddress processemailreceivedafter incomingemaildeliverymethod outgoingemaildeliverymethod actdeliverymethod
      enabledforincomingemail enabledforoutgoingemail enabledforact emailrouteraccessapproval incomingemailstatus
      outgoingemailstatus actstatus mailboxstatus isemailaddressapprovedbyo365admin tagemailsafter lasttaggedmessageid
      processingstatecode postponemailboxprocessinguntil receivingpostponeduntil receivingpostponeduntilforact
      lastsuccessfulsynccompletedon lastsyncerror lastsyncerrorcode lastsyncerrorcount itemsprocessedforlastsync
      itemsfailedforlastsync exchangesyncstatexml folderhierarchy isforwardmailbox`,
    state: OPEN(1, { 1: 0, 2: 1 }),
  }),
  def({
    set: 'usersettingscollection',
    logical: 'usersettings',
    key: 'systemuserid',
    lookups: {},
    extra: 'incomingemailfilteringmethod timezonecode uilanguageid',
  }),
  def({
    set: 'organizations',
    logical: 'organization',
    key: 'organizationid',
    lookups: {},
    extra: `name trackingprefix trackingtokenidbase trackingtokeniddigits maximumtrackingnumber emailcorrelationenabled
      enablesmartmatching ignoreinternalemail unresolveemailaddressifmultiplematch hashminaddresscount
      hashdeltasubjectcount hashmaxcount hashfilterkeywords orgdborgsettings allowunresolvedpartiesonemailsend`,
  }),
  def({
    set: 'mailboxtrackingfolders',
    logical: 'mailboxtrackingfolder',
    key: 'mailboxtrackingfolderid',
    lookups: { mailboxid: { targets: ['mailbox'] }, regardingobjectid: { targets: '*' }, ...OWNER },
    extra: 'exchangefolderid exchangefoldername folderonboardingstatus',
  }),
];

const BY_SET = new Map(DEFS.map((d) => [d.set, d]));
const BY_LOGICAL = new Map(DEFS.map((d) => [d.logical, d]));

/** Well-known logical names of sets the registry does not model, so binds like /businessunits(…) resolve. */
const EXTRA_SETS: Record<string, string> = {
  businessunits: 'businessunit',
  knowledgearticles: 'knowledgearticle',
  asyncoperations: 'asyncoperation',
  equipments: 'equipment',
  transactioncurrencies: 'transactioncurrency',
  templates: 'template',
};

/** The set's definition, or a generic one guessed from the name (unknown sets are stored as given). */
export function entityDef(set: string, sample?: Record<string, unknown>): EntityDef {
  const known = BY_SET.get(set);
  if (known) return known;
  const logical = logicalOfSet(set);
  const ids = sample ? Object.keys(sample).filter((k) => /^[a-z0-9_]+id$/i.test(k) && !k.startsWith('_')) : [];
  const key = ids.find((k) => k === `${logical}id`) ?? `${logical}id`;
  return {
    set,
    logical,
    key,
    lookups: {},
    navs: {},
    readOnly: Object.fromEntries(ALWAYS_READ_ONLY.map((c) => [c, 'always'])),
  };
}

export function isKnownSet(set: string): boolean {
  return BY_SET.has(set);
}

export function logicalOfSet(set: string): string {
  const known = BY_SET.get(set)?.logical ?? EXTRA_SETS[set];
  if (known) return known;
  if (set.endsWith('ies')) return `${set.slice(0, -3)}y`;
  if (/(ses|xes|ches|shes)$/.test(set)) return set.slice(0, -2);
  return set.endsWith('s') ? set.slice(0, -1) : set;
}

export function setOfLogical(logical: string): string {
  const known = BY_LOGICAL.get(logical)?.set ?? Object.entries(EXTRA_SETS).find(([, l]) => l === logical)?.[0];
  if (known) return known;
  if (/[^aeiou]y$/.test(logical)) return `${logical.slice(0, -1)}ies`;
  if (/(s|x|ch|sh)$/.test(logical)) return `${logical}es`;
  return `${logical}s`;
}

/**
 * Which lookup column a `nav@odata.bind` sets, and the target's logical name. Matching is case-insensitive
 * (the service is not) so a client's casing slip does not hide a real bug elsewhere; unknown names on
 * unmodelled sets fall back to `<column>_<target>` or the bare column.
 */
export function resolveNav(
  d: EntityDef,
  nav: string,
  boundLogical: string,
): { column: string; logical: string } | undefined {
  const n = nav.toLowerCase();
  const explicit = d.navs[n];
  if (explicit) return { column: explicit[0], logical: explicit[1] ?? boundLogical };
  for (const column of Object.keys(d.lookups)) {
    if (n === column) return { column, logical: boundLogical };
    const m = new RegExp(`^${column}_([a-z0-9_]+?)(?:_${d.logical})?$`).exec(n);
    if (m) return { column, logical: m[1] };
  }
  if (d.columns) return undefined;
  if (n.endsWith(`_${boundLogical}`)) return { column: n.slice(0, -boundLogical.length - 1), logical: boundLogical };
  return { column: n, logical: boundLogical };
}

/** Participation types and the party types each may point to (activityparty.md; organizer is systemuser only). */
export const PARTY_TYPES = ['account', 'contact', 'lead', 'queue', 'systemuser', 'knowledgearticle', 'equipment'];
export const ORGANIZER_MASK = 7;

/** Completed (1) or Canceled (2) activity: read-only except `closedWritable`. */
export function isClosedActivity(d: EntityDef, values: Record<string, unknown>): boolean {
  return !!d.closedWritable && (values.statecode === 1 || values.statecode === 2);
}

/** Every modelled entity definition (for $metadata and EntityDefinitions). */
export function allDefs(): EntityDef[] {
  return [...DEFS];
}

/** Well-known non-modelled sets (bind targets) as [set, logical]. */
export function extraSets(): [string, string][] {
  return Object.entries(EXTRA_SETS);
}

/**
 * Targets listed in $metadata for polymorphic Regarding lookups (`regardingobjectid_{target}_{activity}`). The
 * simulator accepts any target by pattern; these are the base tables plus the common Dynamics 365 apps ones.
 */
export const REGARDING_TARGETS = ['account', 'contact', 'lead', 'opportunity', 'incident', 'knowledgearticle'];

export function activityDefs(): EntityDef[] {
  return DEFS.filter((d) => d.parties);
}
