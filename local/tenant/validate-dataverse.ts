import {
  type Problems,
  type Obj,
  keyPath,
  indexPath,
  isObject,
  isGuid,
  describe,
  checkOptional,
  objectsIn,
  looksLikeAddress,
} from './checks';
import { PRIMARY_KEYS, DATE_COLUMNS } from './entity-sets';

const FILTER = { min: 0, max: 4 }; // incomingemailfilteringmethod: All .. No email messages

/** Checks `dataverse`: entity set name -> array of records; stricter for the sets the pipeline reads. */
export function checkDataverse(p: Problems, dataverse: unknown): void {
  const path = 'dataverse';
  if (!isObject(dataverse)) return p.add(path, `expected an object of entity sets, got ${describe(dataverse)}`);
  const sets = new Map<string, Array<[Obj, number]>>();
  for (const [name, records] of Object.entries(dataverse)) {
    const setPath = keyPath(path, name);
    const rows = objectsIn(p, records, setPath);
    sets.set(name, rows);
    checkKeysAndColumns(p, name, setPath, rows);
  }
  const ids = (set: string) =>
    new Set(
      (sets.get(set) ?? [])
        .map(([r]) => r[PRIMARY_KEYS[set]])
        .filter(isGuid)
        .map((g) => g.toLowerCase()),
    );
  const users = ids('systemusers');
  const queues = ids('queues');

  const orgs = sets.get('organizations') ?? [];
  if (orgs.length > 1)
    p.add(
      keyPath(path, 'organizations'),
      `expected one organization (a Dataverse environment has one), got ${orgs.length}`,
    );
  for (const [org, i] of orgs) checkOrganization(p, org, indexPath(keyPath(path, 'organizations'), i));

  for (const [u, i] of sets.get('systemusers') ?? []) {
    const at = indexPath(keyPath(path, 'systemusers'), i);
    checkOptional(p, u, at, 'internalemailaddress', 'address');
    checkOptional(p, u, at, 'isdisabled', 'boolean');
  }
  for (const [s, i] of sets.get('usersettingscollection') ?? []) {
    const at = indexPath(keyPath(path, 'usersettingscollection'), i);
    if (!('systemuserid' in s))
      p.add(
        keyPath(at, 'systemuserid'),
        `expected the systemuser these settings belong to, got ${describe(undefined)}`,
      );
    else if (isGuid(s.systemuserid) && !users.has(s.systemuserid.toLowerCase()))
      p.add(
        keyPath(at, 'systemuserid'),
        `expected a systemuserid of dataverse.systemusers, got ${describe(s.systemuserid)}, which is not one`,
      );
    checkOptional(p, s, at, 'incomingemailfilteringmethod', FILTER);
  }
  for (const [q, i] of sets.get('queues') ?? []) {
    const at = indexPath(keyPath(path, 'queues'), i);
    checkOptional(p, q, at, 'emailaddress', 'address');
    checkOptional(p, q, at, 'incomingemailfilteringmethod', FILTER);
  }
  checkMailboxes(p, sets.get('mailboxes') ?? [], keyPath(path, 'mailboxes'), users, queues);
  for (const set of ['emails', 'appointments', 'tasks'])
    for (const [a, i] of sets.get(set) ?? []) checkActivity(p, a, indexPath(keyPath(path, set), i));
}

function checkKeysAndColumns(p: Problems, set: string, setPath: string, rows: Array<[Obj, number]>): void {
  const key = PRIMARY_KEYS[set];
  const seen = new Map<string, number>();
  for (const [row, i] of rows) {
    const at = indexPath(setPath, i);
    if (key && key in row) {
      const id = row[key];
      if (!isGuid(id)) p.add(keyPath(at, key), `expected a GUID, got ${describe(id)}`);
      else {
        const first = seen.get(id.toLowerCase());
        if (first !== undefined)
          p.add(keyPath(at, key), `expected a key no other row has, got the key of ${indexPath(setPath, first)}`);
        else seen.set(id.toLowerCase(), i);
      }
    }
    for (const column of Object.keys(row)) {
      // Lookups are read back as _x_value GUIDs; anything else there is a copy-paste slip
      if (/^_\w+_value$/.test(column)) checkOptional(p, row, at, column, 'guid');
    }
    for (const column of DATE_COLUMNS) checkOptional(p, row, at, column, 'date');
  }
}

function checkOrganization(p: Problems, org: Obj, at: string): void {
  if (typeof org.trackingprefix === 'string') {
    // the history list, current prefix first; each prefix is 1 to 20 characters
    for (const prefix of org.trackingprefix.split(','))
      if (prefix.trim().length < 1 || prefix.trim().length > 20)
        p.add(keyPath(at, 'trackingprefix'), `expected prefixes of 1 to 20 characters, got ${describe(prefix)}`);
  } else checkOptional(p, org, at, 'trackingprefix', 'string');
  checkOptional(p, org, at, 'trackingtokenidbase', { min: 0, max: 2147483647 });
  checkOptional(p, org, at, 'trackingtokeniddigits', { min: 1, max: 10 });
  checkOptional(p, org, at, 'maximumtrackingnumber', { min: 1, max: 999999999 });
  for (const b of [
    'emailcorrelationenabled',
    'enablesmartmatching',
    'ignoreinternalemail',
    'unresolveemailaddressifmultiplematch',
  ])
    checkOptional(p, org, at, b, 'boolean');
  for (const n of ['hashminaddresscount', 'hashdeltasubjectcount', 'hashmaxcount'])
    checkOptional(p, org, at, n, { min: 0, max: 1000 });
  if (checkOptional(p, org, at, 'hashfilterkeywords', 'string') && typeof org.hashfilterkeywords === 'string') {
    try {
      new RegExp(org.hashfilterkeywords);
    } catch (e) {
      p.add(
        keyPath(at, 'hashfilterkeywords'),
        `expected a regular expression, got ${describe(org.hashfilterkeywords)}: ${(e as Error).message}`,
      );
    }
  }
  const xml = org.orgdborgsettings;
  if (
    xml !== undefined &&
    xml !== null &&
    (typeof xml !== 'string' || !/^\s*<OrgSettings>[\s\S]*<\/OrgSettings>\s*$/.test(xml))
  )
    p.add(
      keyPath(at, 'orgdborgsettings'),
      `expected XML text of the form <OrgSettings>…</OrgSettings>, got ${describe(xml)}`,
    );
}

function checkMailboxes(
  p: Problems,
  rows: Array<[Obj, number]>,
  setPath: string,
  users: Set<string>,
  queues: Set<string>,
): void {
  const byOwner = new Map<string, number>();
  const byAddress = new Map<string, number>();
  for (const [m, i] of rows) {
    const at = indexPath(setPath, i);
    if (!looksLikeAddress(m.emailaddress))
      p.add(keyPath(at, 'emailaddress'), `expected the mailbox address, got ${describe(m.emailaddress)}`);
    else {
      const first = byAddress.get(m.emailaddress.toLowerCase());
      if (first !== undefined)
        p.add(
          keyPath(at, 'emailaddress'),
          `expected an address no other mailbox has, got the address of ${indexPath(setPath, first)}`,
        );
      else byAddress.set(m.emailaddress.toLowerCase(), i);
    }
    const owner = m._regardingobjectid_value;
    const typeKey = 'regardingobjectid@odata.type';
    const type = m[typeKey];
    if (!isGuid(owner)) {
      if (!('_regardingobjectid_value' in m))
        p.add(
          keyPath(at, '_regardingobjectid_value'),
          `expected the systemuser or queue the mailbox belongs to, got ${describe(undefined)}`,
        );
    } else {
      const o = owner.toLowerCase();
      if (type !== undefined && type !== 'systemuser' && type !== 'queue')
        p.add(keyPath(at, typeKey), `expected "systemuser" or "queue", got ${describe(type)}`);
      else if (type === 'systemuser' && !users.has(o))
        p.add(
          keyPath(at, '_regardingobjectid_value'),
          `expected a systemuserid of dataverse.systemusers, got ${describe(owner)}, which is not one`,
        );
      else if (type === 'queue' && !queues.has(o))
        p.add(
          keyPath(at, '_regardingobjectid_value'),
          `expected a queueid of dataverse.queues, got ${describe(owner)}, which is not one`,
        );
      else if (type === undefined && !users.has(o) && !queues.has(o))
        p.add(
          keyPath(at, '_regardingobjectid_value'),
          `expected the id of a systemuser or queue, got ${describe(owner)}, which is neither`,
        );
      // one mailbox per user or queue, as in Dynamics 365: a second row would process its mail twice
      const first = byOwner.get(o);
      if (first !== undefined)
        p.add(
          keyPath(at, '_regardingobjectid_value'),
          `expected an owner without another mailbox, got the owner of ${indexPath(setPath, first)}`,
        );
      else byOwner.set(o, i);
    }
    checkOptional(p, m, at, 'incomingemaildeliverymethod', { min: 0, max: 3 });
    checkOptional(p, m, at, 'outgoingemaildeliverymethod', { min: 0, max: 2 });
    checkOptional(p, m, at, 'actdeliverymethod', { min: 0, max: 2 });
    checkOptional(p, m, at, 'emailrouteraccessapproval', { min: 0, max: 3 });
    checkOptional(p, m, at, 'statecode', { min: 0, max: 1 });
    for (const b of ['enabledforincomingemail', 'enabledforoutgoingemail', 'enabledforact'])
      checkOptional(p, m, at, b, 'boolean');
  }
}

function checkActivity(p: Problems, a: Obj, at: string): void {
  checkOptional(p, a, at, 'subject', 'string');
  checkOptional(p, a, at, 'messageid', 'string');
  checkOptional(p, a, at, 'trackingtoken', 'string');
  checkOptional(p, a, at, 'directioncode', 'boolean');
  checkOptional(p, a, at, 'statuscode', { min: 0, max: 2147483647 });
  if (!('email_activity_parties' in a)) return;
  const partiesPath = keyPath(at, 'email_activity_parties');
  for (const [party, j] of objectsIn(p, a.email_activity_parties, partiesPath)) {
    const pp = indexPath(partiesPath, j);
    // 1 From, 2 To, 3 Cc, 4 Bcc, … 11 Customer; a party without one cannot be placed on the mail
    if (!('participationtypemask' in party))
      p.add(
        keyPath(pp, 'participationtypemask'),
        `expected the party's role (1 From, 2 To, 3 Cc, 4 Bcc … 11 Customer), got ${describe(undefined)}`,
      );
    else checkOptional(p, party, pp, 'participationtypemask', { min: 1, max: 11 });
    if (!('_partyid_value' in party) && typeof party.addressused !== 'string')
      p.add(pp, 'expected _partyid_value or, for an unresolved address, addressused, got neither');
    checkOptional(p, party, pp, 'addressused', 'string');
    checkOptional(p, party, pp, '_partyid_value', 'guid');
  }
}
