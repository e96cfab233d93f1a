// The tables the simulator models: keys, lookups and their navigation properties, read-only columns, known
// columns, activity parties, the columns a closed activity keeps writable, and default states.
import type { EntityDef, LookupDef } from './metadata';

const words = (s: string): string[] => s.trim().split(/\s+/);
export const ALWAYS_READ_ONLY = ['createdon', 'modifiedon', 'versionnumber'];
const COMMON = 'statecode statuscode createdon modifiedon versionnumber overriddencreatedon importsequencenumber';
const OWNER: Record<string, LookupDef> = { ownerid: { targets: ['systemuser', 'team'] } };

// Columns of the email table, its "Writable" and "Read-only" lists lower-cased
// (https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/email).
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

export const DEFS: EntityDef[] = [
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
  // A recurring series (https://learn.microsoft.com/power-apps/developer/data-platform/reference/entities/recurringappointmentmaster):
  // the pattern columns; the service expands instances itself, the simulator does not.
  def({
    set: 'recurringappointmentmasters',
    logical: 'recurringappointmentmaster',
    key: 'activityid',
    lookups: { regardingobjectid: { targets: '*' }, ...OWNER },
    extra: `subject description location scheduledstart scheduledend isalldayevent globalobjectid prioritycode
      ismapiprivate recurrencepatterntype interval daysofweekmask isweekdaypattern dayofmonth monthofyear instance
      isnthmonthly isnthyearly firstdayofweek patternendtype occurrences patternstartdate patternenddate starttime
      endtime duration isregenerate effectivestartdate effectiveenddate`,
    parties: { nav: 'recurringappointmentmaster_activity_parties', masks: [5, 6, 7] },
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
    extra: `fullname firstname middlename lastname emailaddress1 emailaddress2 emailaddress3 jobtitle department company
      telephone1 telephone2 mobilephone fax birthdate donotemail address1_line1 address1_line2 address1_city
      address1_stateorprovince address1_postalcode address1_country`,
    state: OPEN(1, { 1: 0, 2: 1 }),
  }),
  // Saved views of a user; query type 256 rows are the Outlook sync filters the ACT job reads.
  def({
    set: 'userqueries',
    logical: 'userquery',
    key: 'userqueryid',
    lookups: { ...OWNER },
    extra: 'name description returnedtypecode querytype fetchxml layoutxml',
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
      itemsfailedforlastsync exchangesyncstatexml folderhierarchy isforwardmailbox testemailconfigurationscheduled
      testmailboxaccesscompletedon testemailconfigurationretrycount postponetestemailconfigurationuntil`,
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
      hashdeltasubjectcount hashmaxcount hashfilterkeywords orgdborgsettings allowunresolvedpartiesonemailsend
      maxuploadfilesize blockedattachments generatealertsforerrors generatealertsforwarnings generatealertsforinformation
      notifymailboxownerofemailserverlevelalerts`,
  }),
  // activitymimeattachment.md: objectid is the activity; `objectid_email` is its navigation property for emails.
  def({
    set: 'activitymimeattachments',
    logical: 'activitymimeattachment',
    key: 'activitymimeattachmentid',
    lookups: { objectid: { targets: ['email', 'appointment', 'task'] } },
    navs: {
      objectid_email: ['objectid', 'email'],
      objectid_appointment: ['objectid', 'appointment'],
      objectid_task: ['objectid', 'task'],
      objectid_activitypointer: ['objectid', 'email'],
    },
    extra: 'objecttypecode filename mimetype body attachmentnumber attachmentcontentid subject',
  }),
  def({
    set: 'mailboxtrackingfolders',
    logical: 'mailboxtrackingfolder',
    key: 'mailboxtrackingfolderid',
    lookups: { mailboxid: { targets: ['mailbox'] }, regardingobjectid: { targets: '*' }, ...OWNER },
    extra: 'exchangefolderid exchangefoldername folderonboardingstatus',
  }),
  // tracelog.md: mailbox alerts; `regardingobjectid` is the mailbox the alert is about.
  def({
    set: 'tracelogs',
    logical: 'tracelog',
    key: 'tracelogid',
    lookups: { regardingobjectid: { targets: ['mailbox'] } },
    navs: { regardingobjectid_mailbox: ['regardingobjectid', 'mailbox'] },
    extra: 'level text tracecode errortypedisplay machinename collationlevel tracestatus regardingobjecttypecode',
  }),
];
