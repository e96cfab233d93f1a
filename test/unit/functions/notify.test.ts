// Issue "Seconds, not minutes", point 1: the notify function's glue, as the Functions host calls it: Graph's
// validation handshake answered as text/plain with the decoded token, a notification answered 202 with its job
// sent, an oversize body refused before it is read; the stage runs over in-memory fakes of its ports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HttpRequest } from '@azure/functions';
import { notifyHandler, NOTIFY_ROUTE } from '../../../functions/notify';
import { createStages } from '../../../shared/pipeline/stages';
import { QUEUES } from '../../../shared/ports';
import { fakePipeline, userMailbox } from '../../support/fakes';
import { withNotifications } from '../../support/fakes/notify';

const ALICE = userMailbox('mbx-alice', 'alice@contoso.com', 'user-alice');
const url = `https://app.example/api/${NOTIFY_ROUTE}`;

async function setup() {
  const p = withNotifications(fakePipeline({ mailboxes: [ALICE] }));
  const stages = createStages(p.deps);
  await stages.schedule();
  await stages.subscriptions();
  return { ...p, handler: notifyHandler(async () => stages) };
}

test('Change notifications: the notify function answers the validation handshake with the decoded token as text/plain, 200', async () => {
  const { handler, queue } = await setup();
  const token = 'Validation: Testing client application reachability for subscription Request-Id: 1a2b';
  const res = await handler(
    new HttpRequest({ method: 'POST', url: `${url}?validationToken=${encodeURIComponent(token)}` }),
  );
  assert.equal(res.status, 200);
  assert.equal(res.body, token);
  assert.match(String((res.headers as Record<string, string>)['Content-Type']), /^text\/plain/);
  assert.equal(queue.accepted(QUEUES.syncJobs).length, 1, 'no job from the handshake: only the first schedule tick');
});

test('Change notifications: the notify function answers a notification 202 and sends its sync job; an oversize body is refused unread', async () => {
  const { handler, queue, store } = await setup();
  const s = [...store.rows.values()][0]!;
  const body = JSON.stringify({
    value: [
      {
        subscriptionId: s.id,
        changeType: 'created',
        resource: 'Users/alice@contoso.com/Messages/AAMk1',
        clientState: s.clientState,
      },
    ],
  });
  const res = await handler(new HttpRequest({ method: 'POST', url, body: { string: body } }));
  assert.equal(res.status, 202);
  assert.equal(res.body, undefined);
  assert.equal(queue.accepted(QUEUES.syncJobs).length, 2);
  const big = await handler(
    new HttpRequest({ method: 'POST', url, headers: { 'content-length': '5000000' }, body: { string: '{}' } }),
  );
  assert.equal(big.status, 413);
});
