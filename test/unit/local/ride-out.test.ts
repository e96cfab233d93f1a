// Issue point "Backoff instead of instant redelivery": the local runtime's own loop (the timer's part:
// schedule, the mailbox registry between cycles, the summary and the dump) waits out an outage on the
// run's clock instead of ending the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { patient, rideOutOn } from '../../../local/ride-out';
import { ScaledClock } from '../../../local/clock';
import { isKind, permanent, throttled, transient } from '../../../shared/domain/errors';
import { MAX_RETRY_ATTEMPTS, retryDelayMs } from '../../../shared/domain/backoff';
import type { LogProps } from '../../../shared/ports';

function setup() {
  const clock = new ScaledClock(new Date('2025-01-10T10:00:00Z'), 1);
  clock.virtualWaits = true; // `--once`: a wait moves the clock
  const events: LogProps[] = [];
  const log = {
    info: () => undefined,
    warn: (_e: string, p?: LogProps) => void events.push(p ?? {}),
    error: () => undefined,
  };
  return { clock, events, rideOut: rideOutOn(clock, log) };
}

test('Backoff instead of instant redelivery: the local loop rides out a Table Storage outage with the backoff, moving the run clock', async () => {
  const { clock, events, rideOut } = setup();
  const registry = {
    calls: 0,
    async list() {
      if (++this.calls <= 3) throw throttled('tables', 'mailbox list: busy', 0, { status: 503, code: 'ServerBusy' });
      return ['mbx-1'];
    },
  };
  const before = clock.now().getTime();
  assert.deepEqual(await patient('mailboxes', registry, rideOut).list(), ['mbx-1']);
  assert.equal(registry.calls, 4);
  const waited = [1, 2, 3].map((a) => retryDelayMs(a, { kind: 'throttled' }, 'mailboxes.list'));
  assert.deepEqual(
    events.map((e) => e.waitMs),
    waited,
  );
  assert.ok(clock.now().getTime() - before >= waited.reduce((a, b) => a + b), 'the waits moved the clock');
  assert.deepEqual(
    events.map((e) => `${e.what} ${e.system}`),
    Array(3).fill('mailboxes.list tables'),
  );
});

test('Backoff instead of instant redelivery: the local loop gives up like a stage does, and never retries what cannot succeed', async () => {
  const { rideOut } = setup();
  let calls = 0;
  await assert.rejects(
    rideOut('schedule', async () => {
      calls++;
      throw transient('dataverse', 'Dataverse get: 503', { status: 503 });
    }),
    (e) => isKind(e, 'transient'),
  );
  assert.equal(calls, MAX_RETRY_ATTEMPTS + 1);
  calls = 0;
  await assert.rejects(
    rideOut('schedule', async () => {
      calls++;
      throw permanent('dataverse', 'Dataverse get: 401', { status: 401 });
    }),
    (e) => isKind(e, 'permanent'),
  );
  assert.equal(calls, 1);
});
