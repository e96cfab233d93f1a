// Fixture F with ACT on for Alice (ACT test passed), her sync filters, and contacts and tasks on both sides.
import { acceptanceFixtureF, ALICE, ALICE_ID } from '../../local/tenant/acceptance';
import type { Json, TenantFixture } from '../../local/tenant/fixture';

export const OSLO_CONTACT_ID = 'c0000000-0000-4000-8000-000000000010';
export const OTHER_OWNER_ID = 'b0000000-0000-4000-8000-000000000099';
export const PAST_TASK_ID = 'd0000000-0000-4000-8000-000000000020';
export const TRACKED = 'Tracked to Dynamics 365';

export const filter = (id: string, table: string, conditions: string, enabled = true): Json => ({
  userqueryid: id,
  name: `filter ${id.slice(-2)}`,
  returnedtypecode: table,
  querytype: 256,
  statecode: enabled ? 0 : 1,
  statuscode: enabled ? 1 : 2,
  _ownerid_value: ALICE_ID,
  fetchxml: `<fetch version="1.0"><entity name="${table}"><filter type="and">${conditions}</filter></entity></fetch>`,
});
export const OWNER_IS_ME = '<condition attribute="ownerid" operator="eq-userid" />';
export const CITY_OSLO = '<condition attribute="address1_city" operator="eq" value="Oslo" />';

export function actTenant(o: { contactFilters?: Json[]; taskFilters?: Json[]; orgdb?: string } = {}): TenantFixture {
  const f = acceptanceFixtureF();
  f.dataverse.mailboxes[0].actstatus = 1;
  if (o.orgdb) f.dataverse.organizations[0].orgdborgsettings = o.orgdb;
  f.dataverse.contacts.push({
    contactid: OSLO_CONTACT_ID,
    firstname: 'Oda',
    lastname: 'Nansen',
    address1_city: 'Oslo',
    emailaddress1: 'oda@example.no',
    _ownerid_value: OTHER_OWNER_ID,
    statecode: 0,
  });
  f.dataverse.userqueries = [
    ...(o.contactFilters ?? [filter('f1000000-0000-4000-8000-000000000001', 'contact', OWNER_IS_ME)]),
    ...(o.taskFilters ?? [filter('f1000000-0000-4000-8000-000000000003', 'task', OWNER_IS_ME)]),
  ];
  f.dataverse.tasks = [
    {
      activityid: PAST_TASK_ID,
      subject: 'Call Bob',
      scheduledend: '2025-01-12T09:00:00Z',
      actualend: '2025-01-01T00:00:00Z',
      _ownerid_value: ALICE_ID,
      statecode: 0,
      statuscode: 2,
    },
  ];
  const mbx = f.exchange[ALICE] as { contacts: Json[] };
  mbx.contacts = [
    { givenName: 'Eve', surname: 'Tracked', emailAddresses: [{ address: 'eve@example.com' }], categories: [TRACKED] },
    { givenName: 'Mallory', surname: 'Private' },
  ];
  return f;
}

export type AliceExchange = { contacts: Json[]; todoLists: { tasks: Json[] }[] };
export const aliceExchange = (exchange: Record<string, unknown>) => exchange[ALICE] as AliceExchange;
