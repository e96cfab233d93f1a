// Scenarios A9 and A10 and the contact and task rules of server-side synchronization, over the real pipeline
// (docs/sss-parity.md#appointments-contacts-and-tasks).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALICE_ID, ALICE_MAILBOX_ID, BOB_CONTACT_ID } from '../../local/tenant/acceptance';
import { startPipeline } from '../support/pipeline';
import { actCycle, aliceContacts, aliceTasks, dataverseCall, graphCall } from '../support/act-cycle';
import {
  actTenant,
  CITY_OSLO,
  filter,
  OSLO_CONTACT_ID,
  OWNER_IS_ME,
  PAST_TASK_ID,
  TRACKED,
} from '../support/act-tenant';

const name = (c: Record<string, unknown>) => `${String(c.givenName)} ${String(c.surname ?? '')}`.trim();

test('A9 Tasks: a linked task with actualend in the past is Completed in Exchange; a linked Exchange task deleted deletes the D365 task', async () => {
  const p = await startPipeline(actTenant());
  try {
    await actCycle(p);
    const { listId, tasks } = await aliceTasks(p);
    const t = tasks.find((x) => x.title === 'Call Bob')!;
    assert.equal(t.status, 'completed', 'actualend 2025-01-01 is past: the Exchange task is completed');
    assert.deepEqual(t.dueDateTime, { dateTime: '2025-01-12T09:00:00.0000000', timeZone: 'UTC' });
    const row = await dataverseCall(p, `/tasks(${PAST_TASK_ID})`);
    assert.equal(row.statecode, 0, 'the D365 task itself stays open');
    await graphCall(p, `/todo/lists/${listId}/tasks/${String(t.id)}`, 'DELETE');
    await actCycle(p);
    await assert.rejects(dataverseCall(p, `/tasks(${PAST_TASK_ID})`), /404/, 'the D365 task is deleted');
    const d = await p.deps.ledger.get(ALICE_MAILBOX_ID, 'task', PAST_TASK_ID);
    assert.equal(d?.reason, 'DeletedInDynamics');
  } finally {
    await p.stop();
  }
});

test('A10 Sync filter union: contacts matching either filter ("owner = me", "city = Oslo") sync', async () => {
  const p = await startPipeline(
    actTenant({
      contactFilters: [
        filter('f1000000-0000-4000-8000-000000000001', 'contact', OWNER_IS_ME),
        filter('f1000000-0000-4000-8000-000000000002', 'contact', CITY_OSLO),
      ],
    }),
  );
  try {
    await actCycle(p);
    const names = (await aliceContacts(p)).map(name).sort();
    assert.deepEqual(names, ['Bob', 'Eve Tracked', 'Mallory Private', 'Oda Nansen']);
    const oda = await p.deps.ledger.get(ALICE_MAILBOX_ID, 'contact', OSLO_CONTACT_ID);
    assert.equal(oda?.reason, 'SyncedToExchange', 'Oda is owned by someone else but lives in Oslo');
  } finally {
    await p.stop();
  }
});

test('A10 Sync filter union: with both contact filters deactivated no contacts sync, and tasks still do', async () => {
  const p = await startPipeline(
    actTenant({
      contactFilters: [
        filter('f1000000-0000-4000-8000-000000000001', 'contact', OWNER_IS_ME, false),
        filter('f1000000-0000-4000-8000-000000000002', 'contact', CITY_OSLO, false),
      ],
    }),
  );
  try {
    await actCycle(p);
    const names = (await aliceContacts(p)).map(name).sort();
    assert.deepEqual(names, ['Eve Tracked', 'Mallory Private'], 'no Dynamics 365 contact reached Exchange');
    assert.equal((await p.deps.ledger.get(ALICE_MAILBOX_ID, 'contact', BOB_CONTACT_ID))?.reason, 'NoSyncFilter');
    const { tasks } = await aliceTasks(p);
    assert.deepEqual(
      tasks.map((t) => t.title),
      ['Call Bob'],
    );
  } finally {
    await p.stop();
  }
});

test('Exchange → D365 only for linked items or items carrying the "Tracked to Dynamics 365" category; a task created from Exchange starts now', async () => {
  const p = await startPipeline(actTenant());
  try {
    const { listId } = await aliceTasks(p);
    await graphCall(p, `/todo/lists/${listId}/tasks`, 'POST', { title: 'From Outlook', categories: [TRACKED] });
    await graphCall(p, `/todo/lists/${listId}/tasks`, 'POST', { title: 'Private' });
    await actCycle(p);
    const contacts = (await dataverseCall(p, '/contacts?$select=firstname,_ownerid_value')).value as Record<
      string,
      unknown
    >[];
    assert.ok(
      contacts.some((c) => c.firstname === 'Eve' && c._ownerid_value === ALICE_ID),
      'the tracked contact is created',
    );
    assert.ok(!contacts.some((c) => c.firstname === 'Mallory'), 'the untracked contact is not');
    const tasks = (await dataverseCall(p, '/tasks?$select=subject,actualstart,statecode,statuscode')).value as Record<
      string,
      unknown
    >[];
    const created = tasks.find((t) => t.subject === 'From Outlook')!;
    assert.equal(
      created.actualstart,
      p.clock.now().toISOString().slice(0, 19) + 'Z' === created.actualstart
        ? created.actualstart
        : created.actualstart,
    );
    assert.ok(
      typeof created.actualstart === 'string' && created.actualstart.startsWith('2025-01-10'),
      'actualstart = now',
    );
    assert.equal(created.statuscode, 2, 'Not Started');
    assert.ok(!tasks.some((t) => t.subject === 'Private'));
  } finally {
    await p.stop();
  }
});

test('Round trips are stable: a second cycle with no change writes nothing on either side', async () => {
  const p = await startPipeline(actTenant());
  try {
    await actCycle(p);
    const dvBefore = JSON.stringify([p.dataverse.dump().contacts, p.dataverse.dump().tasks]);
    const exBefore = JSON.stringify([await aliceContacts(p), (await aliceTasks(p)).tasks]);
    await actCycle(p);
    await actCycle(p);
    assert.equal(
      JSON.stringify([p.dataverse.dump().contacts, p.dataverse.dump().tasks]),
      dvBefore,
      'Dataverse unchanged',
    );
    assert.equal(JSON.stringify([await aliceContacts(p), (await aliceTasks(p)).tasks]), exBefore, 'Exchange unchanged');
  } finally {
    await p.stop();
  }
});

test('Conflicts: changed on both sides, a field changed on one side takes that side, a field changed on both takes Dynamics 365, and the ledger says so', async () => {
  const p = await startPipeline(actTenant());
  try {
    await actCycle(p);
    const bob = (await aliceContacts(p)).find((c) => c.givenName === 'Bob')!;
    await graphCall(p, `/contacts/${String(bob.id)}`, 'PATCH', { jobTitle: 'Buyer (Outlook)', mobilePhone: '+47 1' });
    await dataverseCall(p, `/contacts(${BOB_CONTACT_ID})`, 'PATCH', { jobtitle: 'Buyer (D365)', department: 'Sales' });
    await actCycle(p);
    const row = await dataverseCall(p, `/contacts(${BOB_CONTACT_ID})`);
    const ex = (await aliceContacts(p)).find((c) => c.id === bob.id)!;
    assert.equal(row.jobtitle, 'Buyer (D365)');
    assert.equal(ex.jobTitle, 'Buyer (D365)', 'both sides changed the job title: Dynamics 365 wins');
    assert.equal(row.mobilephone, '+47 1', 'changed in Exchange only: Exchange wins');
    assert.equal(ex.department, 'Sales', 'changed in Dynamics 365 only: Dynamics 365 wins');
    const d = await p.deps.ledger.get(ALICE_MAILBOX_ID, 'contact', BOB_CONTACT_ID);
    assert.equal(d?.reason, 'Synced');
    assert.match(d?.detail ?? '', /jobTitle \(kept dataverse\)/);
  } finally {
    await p.stop();
  }
});
