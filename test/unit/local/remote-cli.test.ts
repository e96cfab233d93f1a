// Issue point "The command line against a deployment": how --deployment names one, the progress bar, and the
// dead-letter listing at the Service Bus port boundary.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deploymentSettings } from '../../../local/target';
import { bar, withProgress } from '../../../local/progress';
import { deadLetterRows } from '../../../shared/status-sources';
import type { ServiceBusQueue } from '../../../shared/adapters/servicebus';

test('The command line against a deployment: --deployment names an azd environment by the outputs azd keeps', () => {
  const dir = mkdtempSync(join(tmpdir(), 'exsync-azd-'));
  try {
    mkdirSync(join(dir, '.azure', 'prod'), { recursive: true });
    writeFileSync(
      join(dir, '.azure', 'prod', '.env'),
      [
        'AZURE_CLIENT_ID="11111111-2222-3333-4444-555555555555"',
        'AZURE_STORAGE_TABLE_ENDPOINT="https://stexsync.table.core.windows.net/"',
        'SERVICE_BUS_NAMESPACE="sb-exsync.servicebus.windows.net"',
        'TABLE_PREFIX="exsync"',
      ].join('\n'),
    );
    assert.deepEqual(deploymentSettings('prod', dir), {
      AzureWebJobsStorage__tableServiceUri: 'https://stexsync.table.core.windows.net/',
      ServiceBusConnection__fullyQualifiedNamespace: 'sb-exsync.servicebus.windows.net',
      TABLE_PREFIX: 'exsync',
    });
    assert.throws(() => deploymentSettings('staging', dir), /no azd environment here/);
    assert.throws(() => deploymentSettings('../prod', dir), /not an azd environment name/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('The command line against a deployment: --deployment tables=,servicebus=,prefix= names the resources themselves', () => {
  assert.deepEqual(deploymentSettings('tables=https://st.table.core.windows.net,servicebus=sb-x,prefix=p1'), {
    AzureWebJobsStorage__tableServiceUri: 'https://st.table.core.windows.net',
    ServiceBusConnection__fullyQualifiedNamespace: 'sb-x.servicebus.windows.net',
    TABLE_PREFIX: 'p1',
  });
  assert.throws(() => deploymentSettings('servicebus=sb-x'), /no table endpoint/);
  assert.throws(() => deploymentSettings('tables=https://x,queue=y'), /"queue=y" is not/);
});

function fakeTty() {
  const written: string[] = [];
  return { stream: { isTTY: true, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream, written };
}

test('The command line against a deployment: a progress bar on stderr once a command takes more than a second, only on a terminal', async () => {
  mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] });
  try {
    const tty = fakeTty();
    let finish!: () => void;
    const done = withProgress(
      'Reading',
      (p) =>
        new Promise<string>((r) => {
          p.update(1, 4);
          finish = () => r('answer');
        }),
      tty.stream,
    );
    mock.timers.tick(999);
    assert.deepEqual(tty.written, [], 'nothing within the first second');
    mock.timers.tick(1);
    assert.match(tty.written.at(-1)!, /Reading \[######------------------\] 1\/4 1\.0 s/);
    mock.timers.tick(100);
    assert.equal(tty.written.length, 2, 'redrawn every 100 ms');
    finish();
    assert.equal(await done, 'answer');
    assert.equal(tty.written.at(-1), '\r\x1b[2K', 'the line is cleared at the end');

    const pipe = { isTTY: false, write: () => assert.fail('no bar on a pipe') } as unknown as NodeJS.WriteStream;
    const quick = withProgress('Reading', () => new Promise<number>((r) => setTimeout(() => r(7), 5000)), pipe);
    mock.timers.tick(5000);
    assert.equal(await quick, 7);
  } finally {
    mock.timers.reset();
  }
  assert.match(bar('Reading', 2500, 0), /^Reading \[-*#-*\] 2\.5 s$/);
});

test('The command line against a deployment: dead letters of both queues from Service Bus, with their mailbox', async () => {
  const asked: [string, number | undefined][] = [];
  const sb = {
    listDeadLetters: async (queue: string, max?: number) => {
      asked.push([queue, max]);
      return queue === 'sync-jobs'
        ? [
            {
              body: { kind: 'sync', mailboxId: 'mbx-1' },
              messageId: 'sync:1',
              applicationProperties: {},
              deliveryCount: 10,
              reason: 'MaxDeliveryCountExceeded',
              description: 'the last error',
              enqueuedTimeUtc: new Date('2025-01-10T10:00:00Z'),
            },
          ]
        : [];
    },
  } as unknown as ServiceBusQueue;
  assert.deepEqual(await deadLetterRows(sb, 50), [
    {
      queue: 'sync-jobs',
      messageId: 'sync:1',
      reason: 'MaxDeliveryCountExceeded',
      description: 'the last error',
      deadLetteredAt: '2025-01-10T10:00:00.000Z',
      mailboxId: 'mbx-1',
    },
  ]);
  assert.deepEqual(asked, [
    ['sync-jobs', 50],
    ['activity-writes', 50],
  ]);
});
