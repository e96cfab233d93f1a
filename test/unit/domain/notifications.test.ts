// Issue "Seconds, not minutes", point 1: notifications validated where they enter, clientState compared in
// constant time, the subscriptions planned (create, renew before expiry, remove) and the poll times (point 2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseNotificationBody,
  resourceOfMailbox,
  sameClientState,
  validationTokenToEcho,
} from '../../../shared/domain/notifications';
import { planSubscriptions, pollDueAt, type StoredSubscription } from '../../../shared/domain/subscriptions';
import { notifyJobMessageId } from '../../../shared/domain/queue-message-ids';

const NOW = new Date('2025-01-10T10:00:00Z');
const MIN = 60_000;
const sub = (id: string, mailboxId: string, folder: 'inbox' | 'sentitems', inMinutes: number): StoredSubscription => ({
  id,
  mailboxId,
  folder,
  clientState: `secret-${id}`,
  expiresAt: new Date(NOW.getTime() + inMinutes * MIN).toISOString(),
});

test('Change notifications: a body is parsed and bounded where it enters; items that are not notifications are counted, not acted on', () => {
  const ok = parseNotificationBody(
    JSON.stringify({
      value: [
        { subscriptionId: 's1', changeType: 'created', resource: 'Users/u1/Messages/m1', clientState: 'c' },
        { subscriptionId: 's1', lifecycleEvent: 'missed', clientState: 'c' },
        { subscriptionId: 's1', lifecycleEvent: 'somethingElse' },
        { subscriptionId: 's1', changeType: 'created', resource: 'Users/u1/Events/e1' },
        { subscriptionId: 's1', changeType: 'created', resource: 'Users/u1/Messages/m1/../../x' },
        { subscriptionId: 'x'.repeat(200), changeType: 'created', resource: 'Users/u1/Messages/m1' },
        'text',
      ],
    }),
  );
  assert.ok(ok.ok);
  assert.deepEqual(
    ok.value.notifications.map((n) => n.kind),
    ['change', 'lifecycle'],
  );
  assert.equal(ok.value.malformed, 5);
  for (const bad of ['', 'null', '[]', '{"value":{}}', JSON.stringify({ value: new Array(1001).fill({}) })])
    assert.equal(parseNotificationBody(bad).ok, false, bad.slice(0, 20));
});

test('Change notifications: clientState is compared in constant time on hashes, whatever the lengths', () => {
  assert.equal(sameClientState('s3cret', 's3cret'), true);
  assert.equal(sameClientState('s3cres', 's3cret'), false);
  assert.equal(sameClientState('s3cret-longer', 's3cret'), false, 'a different length does not throw');
  assert.equal(sameClientState(undefined, 's3cret'), false);
  assert.equal(sameClientState('', 's3cret'), false);
});

test('Change notifications: the resource must name the subscription mailbox (its address or a Graph object id)', () => {
  assert.equal(resourceOfMailbox('ALICE%40contoso.com', 'alice@contoso.com'), true);
  assert.equal(resourceOfMailbox('6f1c2d3e-0000-4000-8000-00000000a11c', 'alice@contoso.com'), true);
  assert.equal(resourceOfMailbox('bob@contoso.com', 'alice@contoso.com'), false);
  assert.equal(resourceOfMailbox('%E0%A4%A', 'alice@contoso.com'), false);
  assert.equal(validationTokenToEcho(''), undefined);
  assert.equal(validationTokenToEcho('Validation: x'), 'Validation: x');
});

test('Subscriptions: planned as mailboxes come and go; renewal before expiry; expired, surplus and unwanted removed', () => {
  const wanted = [
    { mailboxId: 'a', address: 'a@x.com', folder: 'inbox' as const },
    { mailboxId: 'a', address: 'a@x.com', folder: 'sentitems' as const },
    { mailboxId: 'b', address: 'b@x.com', folder: 'inbox' as const },
  ];
  const plan = planSubscriptions(
    wanted,
    [
      sub('a-in', 'a', 'inbox', 3000),
      sub('a-in-2', 'a', 'inbox', 2000), // a second for the same folder: the shorter goes
      sub('a-sent', 'a', 'sentitems', 1000), // within the 1,440-minute margin: renewed
      sub('b-old', 'b', 'inbox', -1), // expired: removed, and created again
      sub('c-in', 'c', 'inbox', 3000), // mailbox gone
    ],
    NOW,
    1440 * MIN,
  );
  assert.deepEqual(plan.remove.map((s) => s.id).sort(), ['a-in-2', 'b-old', 'c-in']);
  assert.deepEqual(
    plan.renew.map((s) => s.id),
    ['a-sent'],
  );
  assert.deepEqual(
    plan.create.map((w) => `${w.mailboxId}/${w.folder}`),
    ['b/inbox'],
  );
  const asked = planSubscriptions(
    wanted.slice(0, 1),
    [{ ...sub('a-in', 'a', 'inbox', 3000), renewNow: true }],
    NOW,
    MIN,
  );
  assert.deepEqual(
    asked.renew.map((s) => s.id),
    ['a-in'],
    'reauthorizationRequired renews whatever is left',
  );
});

test('Polling as the safety net: the slow sweep after the last sync with a live subscription; the registry time without, or while failing', () => {
  const health = {
    state: 'healthy',
    nextDueAt: '2025-01-10T10:05:00.000Z',
    lastSyncCompletedAt: '2025-01-10T10:00:00.000Z',
  };
  assert.equal(pollDueAt(health, false, 60 * MIN), Date.parse('2025-01-10T10:05:00Z'));
  assert.equal(pollDueAt(health, true, 60 * MIN), Date.parse('2025-01-10T11:00:00Z'));
  assert.equal(pollDueAt({ ...health, state: 'failing' }, true, 60 * MIN), Date.parse('2025-01-10T10:05:00Z'));
  assert.equal(pollDueAt({ state: 'healthy' }, true, 60 * MIN), undefined, 'never synced: due now');
  assert.equal(notifyJobMessageId('mbx-1', 123), 'mbx-1:notify:123');
});
