// Contacts: a Dataverse contact as an Exchange contact and back. One mailing address (address 1 ↔ Outlook's
// business address), three email addresses, business, home and mobile phones, names, company, job title, birthday.
import type { ActModule, Json } from './module';
import type { Fields } from './types';
import { dateOnly } from './time';

export const CONTACT_FIELDS = [
  'givenName',
  'middleName',
  'surname',
  'company',
  'jobTitle',
  'department',
  'email1',
  'email2',
  'email3',
  'businessPhone',
  'homePhone',
  'mobilePhone',
  'street',
  'city',
  'state',
  'postalCode',
  'country',
  'birthday',
] as const;

/** Exchange field name → Dataverse column, for the plain text fields. */
const COLUMNS: Record<string, string> = {
  givenName: 'firstname',
  middleName: 'middlename',
  surname: 'lastname',
  company: 'company',
  jobTitle: 'jobtitle',
  department: 'department',
  email1: 'emailaddress1',
  email2: 'emailaddress2',
  email3: 'emailaddress3',
  businessPhone: 'telephone1',
  homePhone: 'telephone2',
  mobilePhone: 'mobilephone',
  street: 'address1_line1',
  city: 'address1_city',
  state: 'address1_stateorprovince',
  postalCode: 'address1_postalcode',
  country: 'address1_country',
  birthday: 'birthdate',
};
const ADDRESS = {
  street: 'street',
  city: 'city',
  state: 'state',
  postalCode: 'postalCode',
  country: 'countryOrRegion',
};

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);
const first = (v: unknown, i = 0): unknown => (Array.isArray(v) ? v[i] : undefined);

function emails(item: Json): (string | null)[] {
  const list = Array.isArray(item.emailAddresses) ? (item.emailAddresses as Json[]) : [];
  return [0, 1, 2].map((i) => text(list[i]?.address));
}

export const contactModule: ActModule = {
  workload: 'contact',
  entitySet: 'contacts',
  key: 'contactid',
  logicalName: 'contact',
  fields: CONTACT_FIELDS,
  fromExchange(item) {
    const [email1, email2, email3] = emails(item);
    const addr = (item.businessAddress ?? {}) as Json;
    return {
      givenName: text(item.givenName),
      middleName: text(item.middleName),
      surname: text(item.surname),
      company: text(item.companyName),
      jobTitle: text(item.jobTitle),
      department: text(item.department),
      email1,
      email2,
      email3,
      businessPhone: text(first(item.businessPhones)),
      homePhone: text(first(item.homePhones)),
      mobilePhone: text(item.mobilePhone),
      street: text(addr.street),
      city: text(addr.city),
      state: text(addr.state),
      postalCode: text(addr.postalCode),
      country: text(addr.countryOrRegion),
      birthday: dateOnly(item.birthday),
    };
  },
  fromDataverse(row) {
    const f: Fields = {};
    for (const name of CONTACT_FIELDS)
      f[name] = name === 'birthday' ? dateOnly(row.birthdate) : text(row[COLUMNS[name]]);
    return f;
  },
  toExchange(f, names) {
    const body: Json = {};
    const has = (...n: string[]) => n.some((x) => names.includes(x));
    if (has('givenName')) body.givenName = f.givenName;
    if (has('middleName')) body.middleName = f.middleName;
    if (has('surname')) body.surname = f.surname;
    if (has('givenName', 'surname'))
      body.displayName = [f.givenName, f.surname].filter((x) => typeof x === 'string').join(' ') || null;
    if (has('company')) body.companyName = f.company;
    if (has('jobTitle')) body.jobTitle = f.jobTitle;
    if (has('department')) body.department = f.department;
    if (has('email1', 'email2', 'email3'))
      body.emailAddresses = [f.email1, f.email2, f.email3]
        .filter((a): a is string => typeof a === 'string')
        .map((address) => ({ address, name: address }));
    if (has('businessPhone')) body.businessPhones = f.businessPhone ? [f.businessPhone] : [];
    if (has('homePhone')) body.homePhones = f.homePhone ? [f.homePhone] : [];
    if (has('mobilePhone')) body.mobilePhone = f.mobilePhone;
    if (has(...Object.keys(ADDRESS)))
      body.businessAddress = Object.fromEntries(
        Object.entries(ADDRESS).map(([k, g]) => [g, (f[k] as string | null) ?? null]),
      );
    if (has('birthday')) body.birthday = f.birthday ? `${String(f.birthday)}T00:00:00Z` : null;
    return body;
  },
  toDataverse(f, names, ctx, create) {
    const columns: Json = {};
    for (const n of names) columns[COLUMNS[n]] = f[n] ?? null;
    if (create) columns['ownerid@odata.bind'] = `/systemusers(${ctx.ownerId})`;
    return { columns };
  },
  // As documented for server-side synchronization: the Exchange contact goes only when the syncing user is not
  // the contact's original owner; the owner's own copy is unlinked and stays.
  dataverseDelete: (link, _ex, ctx) => (link.ownerId && link.ownerId !== ctx.ownerId ? 'delete' : 'unlink'),
  // A contact is a shared record: deleting the Outlook copy does not delete it in Dynamics 365.
  exchangeDelete: () => 'unlink',
};
