// The pure ACT rules: field mapping per contact and task field, the task rules, the conflict rule and the sync
// filters (docs/sss-parity.md#appointments-contacts-and-tasks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contactModule } from '../../../shared/domain/act/contact';
import { taskModule } from '../../../shared/domain/act/task';
import { mergeFields } from '../../../shared/domain/act/conflict';
import { rowMatches, type SyncFilter } from '../../../shared/domain/act/sync-filters';
import { fromGraphDateTime } from '../../../shared/domain/act/time';
import type { ActLink } from '../../../shared/domain/act/types';

const ctx = { mailboxId: 'mb', ownerId: 'alice', now: new Date('2025-01-10T10:00:00Z') };

test('Field mapping (contacts): each Dataverse column maps to its Exchange property and back', () => {
  const row = {
    firstname: 'Oda',
    middlename: 'K',
    lastname: 'Nansen',
    company: 'Fabrikam',
    jobtitle: 'Buyer',
    department: 'Sales',
    emailaddress1: 'a@x.no',
    emailaddress2: 'b@x.no',
    emailaddress3: 'c@x.no',
    telephone1: '+47 1',
    telephone2: '+47 2',
    mobilephone: '+47 3',
    address1_line1: 'Storgata 1',
    address1_city: 'Oslo',
    address1_stateorprovince: 'Oslo',
    address1_postalcode: '0155',
    address1_country: 'Norway',
    birthdate: '1980-02-29',
  };
  const f = contactModule.fromDataverse(row, ctx);
  const graph = contactModule.toExchange(f, contactModule.fields, ctx);
  assert.deepEqual(graph.emailAddresses, [
    { address: 'a@x.no', name: 'a@x.no' },
    { address: 'b@x.no', name: 'b@x.no' },
    { address: 'c@x.no', name: 'c@x.no' },
  ]);
  assert.deepEqual(graph.businessPhones, ['+47 1']);
  assert.deepEqual(graph.homePhones, ['+47 2']);
  assert.equal(graph.mobilePhone, '+47 3');
  assert.equal(graph.companyName, 'Fabrikam');
  assert.deepEqual(graph.businessAddress, {
    street: 'Storgata 1',
    city: 'Oslo',
    state: 'Oslo',
    postalCode: '0155',
    countryOrRegion: 'Norway',
  });
  assert.equal(graph.birthday, '1980-02-29T00:00:00Z');
  // Back: the Exchange item maps to the same fields, and those to the same columns.
  assert.deepEqual(contactModule.fromExchange(graph, ctx), f);
  assert.deepEqual(contactModule.toDataverse(f, contactModule.fields, ctx, false).columns, row);
});

test('Contacts: deleted in Exchange only when the syncing user is not the original owner; an Exchange delete only unlinks', () => {
  const link = { ownerId: 'david', base: {} } as unknown as ActLink;
  assert.equal(contactModule.dataverseDelete(link, {}, ctx), 'delete');
  assert.equal(contactModule.dataverseDelete({ ...link, ownerId: 'alice' }, {}, ctx), 'unlink');
  assert.equal(contactModule.exchangeDelete(link, ctx), 'unlink');
});

test('Field mapping (tasks): scheduledend ↔ dueDateTime, actualend ↔ completedDateTime, subject, description, priority', () => {
  const f = taskModule.fromDataverse(
    { subject: 'S', description: 'D', scheduledend: '2025-01-12T09:00:00Z', prioritycode: 2, statecode: 0 },
    ctx,
  );
  const g = taskModule.toExchange(f, taskModule.fields, ctx);
  assert.equal(g.title, 'S');
  assert.deepEqual(g.body, { content: 'D', contentType: 'text' });
  assert.deepEqual(g.dueDateTime, { dateTime: '2025-01-12T09:00:00.0000000', timeZone: 'UTC' });
  assert.equal(g.importance, 'high');
  assert.equal(g.status, 'notStarted', 'Open maps to Not Started');
  const back = taskModule.fromExchange({ ...g, completedDateTime: null }, ctx);
  assert.deepEqual(back, f);
});

test('Tasks: a reminder when the due date is after one day ago and the task is open', () => {
  const at = (due: string, statecode = 0) =>
    taskModule.toExchange(taskModule.fromDataverse({ scheduledend: due, statecode }, ctx), ['due', 'status'], ctx);
  assert.equal(at('2025-01-09T12:00:00Z').isReminderOn, true, 'due 22 hours ago');
  assert.equal(at('2025-01-08T12:00:00Z').isReminderOn, false, 'due 46 hours ago');
  assert.equal(at('2025-01-12T12:00:00Z', 1).isReminderOn, false, 'completed');
});

test('Tasks: Completed or Canceled maps to Completed, and an actualend in the past auto-completes the Exchange task', () => {
  assert.equal(taskModule.fromDataverse({ statecode: 1 }, ctx).status, 'completed');
  assert.equal(taskModule.fromDataverse({ statecode: 2 }, ctx).status, 'completed');
  assert.equal(taskModule.fromDataverse({ statecode: 0, actualend: '2025-01-01T00:00:00Z' }, ctx).status, 'completed');
  assert.equal(taskModule.fromDataverse({ statecode: 0, actualend: '2025-02-01T00:00:00Z' }, ctx).status, 'notStarted');
});

test('Tasks: a D365 delete reaches Exchange only if the Exchange task is not Completed; an Exchange delete deletes in D365; create sets actualstart=now', () => {
  const link = { base: { status: 'notStarted' } } as unknown as ActLink;
  assert.equal(taskModule.dataverseDelete(link, { status: 'notStarted' }, ctx), 'delete');
  assert.equal(taskModule.dataverseDelete(link, { status: 'completed' }, ctx), 'unlink');
  assert.equal(taskModule.exchangeDelete(link, ctx), 'delete');
  const w = taskModule.toDataverse(
    taskModule.fromExchange({ title: 'T', status: 'notStarted' }, ctx),
    taskModule.fields,
    ctx,
    true,
  );
  assert.equal(w.columns.actualstart, '2025-01-10T10:00:00.000Z');
  assert.deepEqual(w.state, { statecode: 0, statuscode: 2 }, 'Not Started');
});

test('Time zones: a To Do date in a Windows or IANA zone is read as the right UTC instant', () => {
  assert.equal(
    fromGraphDateTime({ dateTime: '2025-07-01T10:00:00.0000000', timeZone: 'W. Europe Standard Time' }),
    '2025-07-01T08:00:00Z',
  );
  assert.equal(
    fromGraphDateTime({ dateTime: '2025-01-01T10:00:00.0000000', timeZone: 'America/New_York' }),
    '2025-01-01T15:00:00Z',
  );
  assert.equal(fromGraphDateTime({ dateTime: '2025-01-01T10:00:00', timeZone: 'UTC' }), '2025-01-01T10:00:00Z');
});

test('Conflicts: field by field, one side changed takes that side, both changed takes Dynamics 365', () => {
  const base = { a: '1', b: '1', c: '1', d: '1' };
  const r = mergeFields(
    ['a', 'b', 'c', 'd'],
    base,
    { a: '2', b: '1', c: 'x', d: 'same' },
    { a: '1', b: '3', c: 'y', d: 'same' },
  );
  assert.deepEqual(r.fields, { a: '2', b: '3', c: 'y', d: 'same' });
  assert.deepEqual(r.toExchange, ['b', 'c']);
  assert.deepEqual(r.toDataverse, ['a']);
  assert.deepEqual(r.conflicts, [{ field: 'c', kept: 'dataverse' }]);
});

const f = (fetch: string, enabled = true): SyncFilter => ({ id: fetch, table: 'contact', fetchxml: fetch, enabled });
const fx = (cond: string, type = 'and') =>
  `<fetch><entity name="contact"><filter type="${type}">${cond}</filter></entity></fetch>`;
const fctx = { userId: 'alice', teamIds: ['team1'], now: ctx.now };

test('Sync filters: eq, ne, in, null, like, begins-with, owner = me, dates, and/or; several filters OR-ed', () => {
  const row = {
    address1_city: 'Oslo',
    _ownerid_value: 'team1',
    statecode: 0,
    lastname: 'Nansen',
    createdon: '2025-01-09T08:00:00Z',
  };
  const yes = (c: string, type?: string) =>
    assert.deepEqual(rowMatches([f(fx(c, type))], row, fctx), { match: true }, c);
  const no = (c: string) =>
    assert.deepEqual(rowMatches([f(fx(c))], row, fctx), { match: false, why: 'NotInSyncFilter' }, c);
  yes('<condition attribute="address1_city" operator="eq" value="oslo"/>');
  no('<condition attribute="address1_city" operator="ne" value="Oslo"/>');
  yes('<condition attribute="statecode" operator="in"><value>0</value><value>1</value></condition>');
  yes('<condition attribute="emailaddress1" operator="null"/>');
  yes('<condition attribute="lastname" operator="like" value="Nan%"/>');
  yes('<condition attribute="lastname" operator="begins-with" value="nan"/>');
  no('<condition attribute="ownerid" operator="eq-userid"/>');
  yes('<condition attribute="ownerid" operator="eq-useroruserteams"/>');
  yes('<condition attribute="createdon" operator="last-x-days" value="3"/>');
  yes('<condition attribute="createdon" operator="on-or-after" value="2025-01-09"/>');
  yes(
    '<condition attribute="ownerid" operator="eq-userid"/><condition attribute="address1_city" operator="eq" value="Oslo"/>',
    'or',
  );
  const union = rowMatches(
    [
      f(fx('<condition attribute="ownerid" operator="eq-userid"/>')),
      f(fx('<condition attribute="address1_city" operator="eq" value="Oslo"/>')),
    ],
    row,
    fctx,
  );
  assert.deepEqual(union, { match: true }, 'several filters on one table are OR-ed');
});

test('Sync filters: no enabled filter means nothing syncs; an unsupported condition is reported, never guessed', () => {
  assert.deepEqual(rowMatches([], {}, fctx), { match: false, why: 'NoSyncFilter' });
  const r = rowMatches([f(fx('<condition attribute="x" operator="under" value="1"/>'))], { x: 1 }, fctx);
  assert.deepEqual(r, { unsupported: 'operator under' });
  const linked = `<fetch><entity name="contact"><link-entity name="account" from="accountid" to="parentcustomerid"/></entity></fetch>`;
  assert.deepEqual(rowMatches([f(linked)], {}, fctx), { unsupported: 'link-entity account' });
});
