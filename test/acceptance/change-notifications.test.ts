// Issue "Seconds, not minutes", point 1, as a user meets it: `exsync run` (without --once) serves the notify
// endpoint, says where, and the Graph simulator delivers to it, so a message that arrives during the run is
// synced through the notification path while polling is slowed by the live subscription.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  acceptanceFixtureF,
  withInboxMessage,
  ALICE,
  ALICE_MAILBOX_ID,
  BOB,
  F_NOW,
} from '../../local/tenant/acceptance';
import { CLI, decisionFor, type Dump } from '../support/cli';

const mail = (id: string, at: string) => ({
  internetMessageId: id,
  subject: 'Order 7',
  receivedDateTime: at,
  from: { emailAddress: { address: BOB } },
  toRecipients: [{ emailAddress: { address: ALICE } }],
});

interface LogLine {
  event: string;
  mailboxId?: string;
  trigger?: string;
}
const logOf = (file: string): LogLine[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as LogLine)
    : [];
/** Waits on what the run writes, never on the clock (the test runner's hang guard ends a real hang). */
const pause = () => new Promise((r) => setTimeout(r, 200));

test('Change notifications: exsync run serves the notify endpoint and a message delivered in the Graph simulator is synced through it, with polling slowed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'exsync-notify-'));
  try {
    const arrives = new Date(Date.parse(F_NOW) + 3 * 60_000).toISOString();
    const tenant = withInboxMessage(acceptanceFixtureF(), ALICE, mail('<before@fabrikam.com>', F_NOW));
    tenant.dataverse.usersettingscollection![0]!.incomingemailfilteringmethod = 0;
    tenant.timeline = [
      { at: arrives, deliver: { to: ALICE, folder: 'inbox', message: mail('<arrives@fabrikam.com>', arrives) } },
    ];
    writeFileSync(join(dir, 'tenant.json'), JSON.stringify(tenant));
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env))
      if (
        v !== undefined &&
        !/^(DATAVERSE_URL|GRAPH_BASE_URL|AzureWebJobsStorage|CREDENTIAL_MODE|STATIC_TOKEN|NOTIFY_)/.test(k)
      )
        env[k] = v;
    // A fast clock, and a sweep far beyond the run: only a notification can bring the message in.
    Object.assign(env, { CLOCK_SPEED: '60', NOTIFY_SWEEP_MINUTES: '1440' });
    const child = spawn(
      process.execPath,
      [CLI, 'run', '--tenant', 'tenant.json', '--data', 'data', '--dump', 'dump.json'],
      {
        cwd: dir,
        env,
      },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const log = join(dir, 'data', 'exsync.log');
    const notifiedSyncDone = () => {
      const lines = logOf(log);
      const start = lines.findIndex((l) => l.event === 'sync.start' && l.trigger === 'notify');
      // The sync hands its promoted mail to the write stage: the decision is recorded when that write is done.
      return start >= 0 && lines.slice(start).some((l) => l.event === 'write.done' && l.mailboxId === ALICE_MAILBOX_ID);
    };
    while (!notifiedSyncDone() && child.exitCode === null) await pause();
    child.kill('SIGINT');
    assert.equal(await exited, 0, stdout);

    assert.match(stdout, /Change notifications: Graph posts to http:\/\/127\.0\.0\.1:\d+\/api\/notify/);
    const dump = JSON.parse(readFileSync(join(dir, 'dump.json'), 'utf8')) as Dump;
    assert.equal(decisionFor(dump, ALICE, '<arrives@fabrikam.com>')?.outcome, 'promoted');
    const syncs = logOf(log).filter((l) => l.event === 'sync.start' && l.mailboxId === ALICE_MAILBOX_ID);
    assert.deepEqual(
      syncs.filter((l) => l.trigger === 'schedule').length,
      1,
      'polled once, at the start; the arrival came by notification',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
