// Reads the settings SSS itself reads from Dataverse (organization, OrgDB settings, usersettings, users,
// queues, mailboxes, server profiles) into an OrgContext: typed here, once, so no stage reads a raw value.
import type { DvMailbox, OrgContext } from '../../ports';
import { ORGDB_SWITCHES, type OrgDbSwitches, type OrgSettings } from '../../domain/org-settings';
import { isKind } from '../../domain/errors';
import { DEFAULT_SMART_MATCHING } from '../../domain/smart-match';
import { keyHash } from '../../domain/message-id';
import { DEFAULT_MAX_UPLOAD_BYTES, parseBlockedExtensions } from '../../domain/attachments';
import type { TrackingFolder } from '../../ports';
import type { WebApi } from './http';

const LOOKUP_NAME = '@Microsoft.Dynamics.CRM.lookuplogicalname';
const ANNOTATIONS = { Prefer: 'odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname"' };

/** OrgDB settings live as XML elements under <OrgSettings>: name -> text. */
export function parseOrgDbSettings(xml: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof xml !== 'string') return out;
  for (const m of xml.matchAll(/<([A-Za-z][\w.]*)>([^<]*)<\/\1>/g)) if (m[1] !== 'OrgSettings') out[m[1]] = m[2].trim();
  return out;
}

/** The switches from the OrgDB settings: "true" in any case is on, empty or absent is the default. */
export function toOrgDbSwitches(raw: Record<string, string>): OrgDbSwitches {
  const out = {} as Record<keyof OrgDbSwitches, boolean>;
  for (const [key, [name, dflt]] of Object.entries(ORGDB_SWITCHES) as [
    keyof OrgDbSwitches,
    readonly [string, boolean],
  ][]) {
    const v = raw[name];
    out[key] = v === undefined || v === '' ? dflt : v.toLowerCase() === 'true';
  }
  return out;
}

const bool = (v: unknown, dflt: boolean) => (typeof v === 'boolean' ? v : dflt);
const num = (v: unknown, dflt: number) => (typeof v === 'number' && Number.isFinite(v) ? v : dflt);

export function toOrgSettings(org: Record<string, unknown> | undefined): OrgSettings {
  const o = org ?? {};
  const prefixes =
    typeof o.trackingprefix === 'string'
      ? o.trackingprefix
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean)
      : ['CRM:'];
  const userDigits = num(o.trackingtokeniddigits, 3);
  const counterDigits = String(Math.max(1, num(o.maximumtrackingnumber, 999))).length;
  return {
    emailCorrelationEnabled: bool(o.emailcorrelationenabled, true),
    ignoreInternalEmail: bool(o.ignoreinternalemail, false),
    unresolveIfMultipleMatch: bool(o.unresolveemailaddressifmultiplematch, false),
    // An organization without a tracking prefix has no tokens to match.
    tokensEnabled: prefixes.length > 0,
    trackingPrefixes: prefixes,
    tokenDigits: 1 + userDigits + counterDigits,
    requireApprovalForUserEmail: bool(o.requireapprovalforuseremail, true),
    requireApprovalForQueueEmail: bool(o.requireapprovalforqueueemail, true),
    // Dataverse's default is No: email to an unresolved recipient fails.
    allowUnresolvedRecipients: bool(o.allowunresolvedpartiesonemailsend, false),
    // System Settings, Email: alerts for errors and for information are on by default, warnings off.
    alertLevels: {
      Error: bool(o.generatealertsforerrors, true),
      Warning: bool(o.generatealertsforwarnings, false),
      Information: bool(o.generatealertsforinformation, true),
    },
    smartMatching: {
      enabled: bool(o.enablesmartmatching, false),
      filterKeywords:
        typeof o.hashfilterkeywords === 'string' && o.hashfilterkeywords
          ? o.hashfilterkeywords
          : DEFAULT_SMART_MATCHING.filterKeywords,
      maxCount: num(o.hashmaxcount, DEFAULT_SMART_MATCHING.maxCount),
      deltaSubjectCount: num(o.hashdeltasubjectcount, DEFAULT_SMART_MATCHING.deltaSubjectCount),
      minAddressCount: num(o.hashminaddresscount, DEFAULT_SMART_MATCHING.minAddressCount),
      windowDays: DEFAULT_SMART_MATCHING.windowDays,
    },
    folderTrackingEnabled: bool(o.isfolderbasedtrackingenabled, true),
    maxTrackingFolders: num(o.maxfolderbasedtrackingmappings, 25),
    attachments: {
      maxBytes: num(o.maxuploadfilesize, DEFAULT_MAX_UPLOAD_BYTES),
      blocked: parseBlockedExtensions(o.blockedattachments),
    },
    orgDb: toOrgDbSwitches(parseOrgDbSettings(o.orgdborgsettings)),
  };
}

const later = (a?: string, b?: string) => (!a ? b : !b ? a : Date.parse(a) >= Date.parse(b) ? a : b);

export async function loadOrgContext(api: WebApi): Promise<OrgContext> {
  // Tables an environment may lack (or hide from us) read as empty; the rest must be there.
  const optional = async (q: string) => {
    try {
      return await api.getAll(q, ANNOTATIONS);
    } catch (e) {
      if (isKind(e, 'permanent') && e.status === 404) return [];
      throw e;
    }
  };
  const [orgs, usersettings, users, queues, mailboxes, profiles, folders] = await Promise.all([
    api.getAll('/organizations?$top=1'),
    optional('/usersettingscollection?$select=systemuserid,incomingemailfilteringmethod'),
    api.getAll('/systemusers?$select=systemuserid,internalemailaddress,isdisabled'),
    api.getAll('/queues?$select=queueid,emailaddress,incomingemailfilteringmethod,_ownerid_value'),
    api.getAll('/mailboxes', ANNOTATIONS),
    optional('/emailserverprofiles?$select=emailserverprofileid,processemailsreceivedafter'),
    optional('/mailboxtrackingfolders'),
  ]);
  const queueMap = toQueues(queues);
  return {
    org: toOrgSettings(orgs[0]),
    userFilters: new Map(usersettings.map((u) => [String(u.systemuserid), num(u.incomingemailfilteringmethod, 1)])),
    users: toUsers(users),
    queues: queueMap,
    mailboxes: toMailboxes(mailboxes, profiles, queueMap),
    trackingFolders: toTrackingFolders(folders),
  };
}

type Row = Record<string, unknown>;

function toUsers(rows: Row[]): OrgContext['users'] {
  return new Map(
    rows.map((u) => [
      String(u.systemuserid),
      { address: (u.internalemailaddress as string | undefined)?.toLowerCase(), disabled: u.isdisabled === true },
    ]),
  );
}

function toQueues(rows: Row[]): OrgContext['queues'] {
  return new Map(
    rows.map((q) => [
      String(q.queueid),
      {
        address: (q.emailaddress as string | undefined)?.toLowerCase(),
        filter: num(q.incomingemailfilteringmethod, 0),
        ...(typeof q._ownerid_value === 'string' ? { ownerId: q._ownerid_value } : {}),
      },
    ]),
  );
}

/** Mailboxes with an owner and an address; the start date is the later of the mailbox's and its server profile's. */
function toMailboxes(rows: Row[], profiles: Row[], queues: OrgContext['queues']): DvMailbox[] {
  const profileStart = new Map(
    profiles.map((p) => [String(p.emailserverprofileid), p.processemailsreceivedafter as string | undefined]),
  );
  const out: DvMailbox[] = [];
  for (const m of rows) {
    const ownerId = m._regardingobjectid_value as string | undefined;
    if (!ownerId || typeof m.emailaddress !== 'string') continue;
    const type =
      (m[`_regardingobjectid_value${LOOKUP_NAME}`] as string | undefined) ??
      (m['regardingobjectid@odata.type'] as string | undefined) ??
      (queues.has(ownerId) ? 'queue' : 'systemuser');
    const profile = m._emailserverprofile_value as string | undefined;
    out.push({
      mailboxid: String(m.mailboxid),
      address: m.emailaddress.toLowerCase(),
      owner: { type, id: ownerId },
      incomingDeliveryMethod: num(m.incomingemaildeliverymethod, 2),
      enabledForIncoming: bool(m.enabledforincomingemail, true),
      approval: num(m.emailrouteraccessapproval, 1),
      processEmailReceivedAfter: later(
        m.processemailreceivedafter as string | undefined,
        profile ? profileStart.get(profile) : undefined,
      ),
      active: num(m.statecode, 0) === 0,
      // Dataverse's default is 0, Not Run: a mailbox never tested does not sync incoming.
      incomingStatus: num(m.incomingemailstatus, 0),
      testRequested: bool(m.testemailconfigurationscheduled, false),
      testRetryCount: num(m.testemailconfigurationretrycount, 0),
      ...(typeof m.postponetestemailconfigurationuntil === 'string'
        ? { testPostponedUntil: m.postponetestemailconfigurationuntil }
        : {}),
      outgoingDeliveryMethod: num(m.outgoingemaildeliverymethod, 2),
      outgoingStatus: num(m.outgoingemailstatus, 0),
      actDeliveryMethod: num(m.actdeliverymethod, 1),
      enabledForAct: bool(m.enabledforact, true),
      actStatus: num(m.actstatus, 0),
      enabledForOutgoing: bool(m.enabledforoutgoingemail, true),
      ...(typeof m.modifiedon === 'string' ? { modifiedon: m.modifiedon } : {}),
    });
  }
  return out;
}

/** mailboxtrackingfolder rows: a mailbox, an Exchange folder (id and/or name) and the record it maps to. */
export function toTrackingFolders(rows: Row[]): Map<string, TrackingFolder[]> {
  const out = new Map<string, TrackingFolder[]>();
  for (const r of rows) {
    const mailboxId = r._mailboxid_value;
    const regardingId = r._regardingobjectid_value;
    const regardingType = (r[`_regardingobjectid_value${LOOKUP_NAME}`] ?? r['regardingobjectid@odata.type']) as
      string | undefined;
    if (typeof mailboxId !== 'string' || typeof regardingId !== 'string' || !regardingType) continue;
    if (r.statecode !== undefined && r.statecode !== 0) continue;
    const f: TrackingFolder = {
      // Alerts name a mapping by this id: a fallback made of the folder's name is hashed.
      id:
        typeof r.mailboxtrackingfolderid === 'string'
          ? r.mailboxtrackingfolderid
          : `h-${keyHash(`${mailboxId}:${String(r.exchangefolderid ?? r.exchangefoldername)}`).slice(0, 16)}`,
      mailboxId,
      ...(typeof r.exchangefolderid === 'string' ? { folderId: r.exchangefolderid } : {}),
      ...(typeof r.exchangefoldername === 'string' ? { folderName: r.exchangefoldername } : {}),
      regarding: { type: regardingType, id: regardingId },
      ...(typeof r.createdon === 'string' ? { createdon: r.createdon } : {}),
    };
    if (!f.folderId && !f.folderName) continue;
    const list = out.get(mailboxId) ?? [];
    list.push(f);
    out.set(mailboxId, list);
  }
  for (const list of out.values())
    list.sort((a, b) => (a.createdon ?? '').localeCompare(b.createdon ?? '') || a.id.localeCompare(b.id));
  return out;
}
