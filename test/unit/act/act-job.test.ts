// The ACT job's shape: one message per mailbox, workload and slot, and what `exsync dlq list` says about one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseActJob } from '../../../shared/domain/act/job';
import { actJobMessageId } from '../../../shared/domain/queue-message-ids';
import { describeBody } from '../../../local/dlq';

const MAILBOX = 'c0ffee00-0000-4000-8000-000000000001';

test('ACT makes durable progress: each workload is its own job, with its own message id', () => {
  const contact = parseActJob({ kind: 'act', mailboxId: MAILBOX, trigger: 'schedule', slot: '7', workload: 'contact' });
  const task = parseActJob({ kind: 'act', mailboxId: MAILBOX, trigger: 'schedule', slot: '7', workload: 'task' });
  assert.ok(contact.ok && task.ok);
  assert.equal(contact.value.workload, 'contact');
  assert.notEqual(actJobMessageId(contact.value), actJobMessageId(task.value));
  assert.equal(actJobMessageId(task.value), `${MAILBOX}:act:task:7`);
  const old = parseActJob({ kind: 'act', mailboxId: MAILBOX, trigger: 'schedule', slot: '7' });
  assert.ok(old.ok && old.value.workload === undefined, 'a job from before the split still parses (every workload)');
  const bad = parseActJob({ kind: 'act', mailboxId: MAILBOX, trigger: 'schedule', slot: '7', workload: 'email' });
  assert.deepEqual(bad, { ok: false, error: 'act job: unknown workload' });
});

test('exsync dlq list names a dead-lettered ACT job and its workload, not "unrecognised body"', () => {
  assert.equal(
    describeBody(
      { kind: 'act', mailboxId: MAILBOX, trigger: 'schedule', slot: '7', workload: 'task' },
      'alice@contoso.com',
    ),
    'ACT job (task) for mailbox alice@contoso.com',
  );
  assert.equal(describeBody({ kind: 'act', mailboxId: MAILBOX }), `ACT job for mailbox ${MAILBOX}`);
});
