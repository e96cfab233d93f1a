// Delta expiry on both sides for the ACT job: Graph's 410 syncStateNotFound and Dataverse's expired change-tracking
// token start a full round, which neither duplicates what is linked nor misses what was deleted meanwhile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALICE, ALICE_ID } from '../../local/tenant/acceptance';
import { startPipeline } from '../support/pipeline';
import { actCycle, aliceContacts, aliceTasks, dataverseCall } from '../support/act-cycle';
import { actTenant } from '../support/act-tenant';

const NEW_TASK_ID = 'd0000000-0000-4000-8000-000000000021';

test('Delta expiry (Graph 410 syncStateNotFound and Dataverse change-tracking token expiry): a full resync without duplicates', async () => {
  const p = await startPipeline(actTenant());
  try {
    await dataverseCall(p, '/tasks', 'POST', {
      activityid: NEW_TASK_ID,
      subject: 'Send the quote',
      scheduledend: '2025-01-20T09:00:00Z',
      'ownerid@odata.bind': `/systemusers(${ALICE_ID})`,
    });
    await actCycle(p);
    const contactsBefore = (await aliceContacts(p)).length;
    assert.deepEqual((await aliceTasks(p)).tasks.map((t) => t.title).sort(), ['Call Bob', 'Send the quote']);
    const dvContactsBefore = p.dataverse.dump().contacts.length;

    // Deleted in Dynamics 365 while the change-tracking state is lost: only a full round can notice.
    await dataverseCall(p, `/tasks(${NEW_TASK_ID})`, 'DELETE');
    p.dataverse.expireChangeTracking();
    p.graph.expireDeltaTokens(ALICE);
    await actCycle(p);

    assert.equal((await aliceContacts(p)).length, contactsBefore, 'no contact created twice in Exchange');
    assert.equal(p.dataverse.dump().contacts.length, dvContactsBefore, 'no contact created twice in Dataverse');
    assert.deepEqual(
      (await aliceTasks(p)).tasks.map((t) => t.title),
      ['Call Bob'],
      'the open task deleted in Dynamics 365 meanwhile is deleted in Exchange',
    );
    // And the cycle after that is quiet again.
    const before = JSON.stringify(p.dataverse.dump());
    await actCycle(p);
    assert.equal(JSON.stringify(p.dataverse.dump()), before);
  } finally {
    await p.stop();
  }
});
