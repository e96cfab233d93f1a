// Issue point "One home per rule: alerts through one module": every alert is a domain value (ALERTS), and
// raising one records it and says it in the log at its level, the same way for every stage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALERTS, type Alert } from '../../../shared/domain/alerts';
import { logAlert, raiseAlert } from '../../../shared/pipeline/alerts';
import type { Log, LogProps, MailboxAlert } from '../../../shared/ports';

function recorder() {
  const lines: { level: string; event: string; props?: LogProps }[] = [];
  const log: Log = {
    info: (event, props) => lines.push({ level: 'info', event, props }),
    warn: (event, props) => lines.push({ level: 'warn', event, props }),
    error: (event, props) => lines.push({ level: 'error', event, props }),
  };
  return { log, lines };
}

test('One home per rule: alerts through one module: raising an alert records it with the time and logs it at its level', async () => {
  const recorded: MailboxAlert[] = [];
  const { log, lines } = recorder();
  const deps = {
    alerts: {
      record: async (a: MailboxAlert) => void recorded.push(a),
      forMailbox: async () => [],
      all: async () => [],
    },
    clock: { now: () => new Date('2025-01-10T10:00:00Z') },
    log,
  };
  await raiseAlert(deps, 'mb-1', ALERTS.notApproved());
  await raiseAlert(deps, 'mb-1', ALERTS.transientFailure(3, 10, 'graph 503'));
  await raiseAlert(deps, 'mb-1', ALERTS.recovered());
  assert.deepEqual(
    recorded.map((a) => [a.mailboxId, a.level, a.code, a.at]),
    [
      ['mb-1', 'Error', 'NotApproved', '2025-01-10T10:00:00.000Z'],
      ['mb-1', 'Warning', 'TransientFailure', '2025-01-10T10:00:00.000Z'],
      ['mb-1', 'Information', 'Recovered', '2025-01-10T10:00:00.000Z'],
    ],
  );
  assert.deepEqual(
    lines.map((l) => [l.level, l.event, l.props?.code]),
    [
      ['error', 'mailbox.alert', 'NotApproved'],
      ['warn', 'mailbox.alert', 'TransientFailure'],
      ['info', 'mailbox.alert', 'Recovered'],
    ],
  );
  assert.equal(lines[1]!.props?.alert, 'sync failed (graph 503), attempt 3 of 10; retrying in 5 minutes');
});

test('One home per rule: alerts through one module: an alert met on every run is logged, never recorded', () => {
  const { log, lines } = recorder();
  logAlert(log, 'mb-2', ALERTS.trackingFoldersRefused(25, 2));
  assert.deepEqual(lines, [
    {
      level: 'warn',
      event: 'mailbox.alert',
      props: {
        mailboxId: 'mb-2',
        level: 'Warning',
        code: 'TrackingFoldersRefused',
        alert: 'more than 25 tracked folders: 2 mapping(s) rejected',
      },
    },
  ]);
});

test('One home per rule: alerts through one module: every alert has a level, a code and a message free of addresses', () => {
  const all: Alert[] = [
    ALERTS.notApproved(),
    ALERTS.reenabled(),
    ALERTS.disabledAfterPermanentError('graph 401'),
    ALERTS.disabledAfterTransientFailures(10, 'graph 503'),
    ALERTS.transientFailure(1, 10, 'graph 503'),
    ALERTS.platformOutage('graph 503', 20 * 60_000),
    ALERTS.recovered(),
    ALERTS.trackingFolderUnavailable('map-1', 'graph 404'),
    ALERTS.trackingFolderAvailable('map-1'),
    ALERTS.folderTrackingOff(true),
    ALERTS.folderTrackingOff(false),
    ALERTS.trackingFoldersRefused(25, 1),
  ];
  for (const a of all) {
    assert.ok(['Error', 'Warning', 'Information'].includes(a.level), a.code);
    assert.match(a.code, /^[A-Z][A-Za-z]+$/);
    assert.doesNotMatch(a.message, /@/);
  }
  assert.match(ALERTS.platformOutage('graph 503', 20 * 60_000).message, /backing off 20 min/);
  assert.match(ALERTS.disabledAfterPermanentError('graph 401').message, /re-enable the mailbox after fixing it$/);
});
