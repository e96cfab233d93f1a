// Reads the settings SSS itself reads from Dataverse (organization, OrgDB settings, usersettings, users,
// queues, mailboxes, server profiles) into an OrgContext.
import type { DvMailbox, OrgContext, OrgSettings } from '../../ports';
import { PermanentError } from '../../domain/errors';
import type { WebApi } from './http';

const LOOKUP_NAME = '@Microsoft.Dynamics.CRM.lookuplogicalname';
const ANNOTATIONS = { Prefer: 'odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname"' };

/** OrgDB settings live as XML elements under <OrgSettings>: name -> text. */
export function parseOrgDbSettings(xml: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof xml !== 'string') return out;
  for (const m of xml.matchAll(/<([A-Za-z][\w.]*)>([^<]*)<\/\1>/g)) if (m[1] !== 'OrgSettings') out[m[1]!] = m[2]!.trim();
  return out;
}

const bool = (v: unknown, dflt: boolean) => (typeof v === 'boolean' ? v : dflt);
const num = (v: unknown, dflt: number) => (typeof v === 'number' && Number.isFinite(v) ? v : dflt);

export function toOrgSettings(org: Record<string, unknown> | undefined): OrgSettings {
  const o = org ?? {};
  const prefixes = typeof o.trackingprefix === 'string' ? o.trackingprefix.split(',').map((p) => p.trim()).filter(Boolean) : ['CRM:'];
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
    orgDb: parseOrgDbSettings(o.orgdborgsettings),
  };
}

const later = (a?: string, b?: string) => (!a ? b : !b ? a : Date.parse(a) >= Date.parse(b) ? a : b);

export async function loadOrgContext(api: WebApi): Promise<OrgContext> {
  const optional = async (q: string) => {
    try {
      return await api.getAll(q, ANNOTATIONS);
    } catch (e) {
      if (e instanceof PermanentError && e.status === 404) return [];
      throw e;
    }
  };
  const [orgs, usersettings, users, queues, mailboxes, profiles] = await Promise.all([
    api.getAll('/organizations?$top=1'),
    optional('/usersettingscollection?$select=systemuserid,incomingemailfilteringmethod'),
    api.getAll('/systemusers?$select=systemuserid,internalemailaddress,isdisabled'),
    api.getAll('/queues?$select=queueid,emailaddress,incomingemailfilteringmethod'),
    api.getAll('/mailboxes', ANNOTATIONS),
    optional('/emailserverprofiles?$select=emailserverprofileid,processemailsreceivedafter'),
  ]);
  const userMap = new Map(users.map((u) => [String(u.systemuserid), { address: (u.internalemailaddress as string | undefined)?.toLowerCase(), disabled: u.isdisabled === true }]));
  const queueMap = new Map(queues.map((q) => [String(q.queueid), { address: (q.emailaddress as string | undefined)?.toLowerCase(), filter: num(q.incomingemailfilteringmethod, 0) }]));
  const profileStart = new Map(profiles.map((p) => [String(p.emailserverprofileid), p.processemailsreceivedafter as string | undefined]));
  const dvMailboxes: DvMailbox[] = [];
  for (const m of mailboxes) {
    const ownerId = m._regardingobjectid_value as string | undefined;
    if (!ownerId || typeof m.emailaddress !== 'string') continue;
    const type = (m[`_regardingobjectid_value${LOOKUP_NAME}`] as string | undefined) ?? (m['regardingobjectid@odata.type'] as string | undefined) ?? (queueMap.has(ownerId) ? 'queue' : 'systemuser');
    const profile = m._emailserverprofile_value as string | undefined;
    dvMailboxes.push({
      mailboxid: String(m.mailboxid),
      address: m.emailaddress.toLowerCase(),
      owner: { type, id: ownerId },
      incomingDeliveryMethod: num(m.incomingemaildeliverymethod, 2),
      enabledForIncoming: bool(m.enabledforincomingemail, true),
      approval: num(m.emailrouteraccessapproval, 1),
      processEmailReceivedAfter: later(m.processemailreceivedafter as string | undefined, profile ? profileStart.get(profile) : undefined),
      active: num(m.statecode, 0) === 0,
    });
  }
  return {
    org: toOrgSettings(orgs[0]),
    userFilters: new Map(usersettings.map((u) => [String(u.systemuserid), num(u.incomingemailfilteringmethod, 1)])),
    users: userMap,
    queues: queueMap,
    mailboxes: dvMailboxes,
  };
}
