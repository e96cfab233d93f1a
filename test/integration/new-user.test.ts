// Point 14, what a new user meets, through `exsync` as a child process: the first run of the demo, the watch
// loop, bad input, the mode line, a port in use, failed items and dead letters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, cleanup, exsync } from '../support/cli';
import { acceptanceFixtureF, withInboxMessage, ALICE, BOB } from '../../local/tenant/acceptance';
import { COMMANDS } from '../../local/cli-usage';

const root = join(__dirname, '..', '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The environment of a user who has set nothing: no endpoints, no credential mode. */
function plainEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (
      v !== undefined &&
      !/^(DATAVERSE_URL|GRAPH_BASE_URL|AzureWebJobsStorage.*|CREDENTIAL_MODE|STATIC_TOKEN)$/.test(k)
    )
      env[k] = v;
  return env;
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'exsync-new-user-'));
}

/** Counts of a summary row: seen, promoted, failed. */
function counts(line: string): number[] {
  const m = /seen +(\d+) +promoted +(\d+) +failed +(\d+)/.exec(line);
  assert.ok(m, `a summary row: ${line}`);
  return m.slice(1).map(Number);
}

test("What a new user meets: the demo run prints the README's summary, says why the item failed, and the item is explained by its id", () => {
  const dir = tempDir();
  try {
    const run = exsync(['run', '--once', '--data', join(dir, 'data')], { dir });
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout.split('\n')[0]!,
      /^Graph and Dataverse: the simulators, seeded with the demo tenant \(DATAVERSE_URL is not set\)/,
    );
    // The README's sample summary: the header and Alice's row, by their numbers (times differ).
    const sample = /```\n(Graph and Dataverse[^]*?)```/.exec(readme)![1]!;
    const header = /^Summary .*$/m;
    assert.equal(run.stdout.match(header)?.[0], sample.match(header)?.[0]);
    const alice = (text: string) => /^ {2}alice@contoso\.com .*$/m.exec(text)![0];
    assert.deepEqual(counts(alice(run.stdout)), counts(alice(sample)));
    assert.match(alice(run.stdout), /failed: InvalidItem 1 /);
    const hint = /^ {2}exsync explain --item (\S+) +\(alice@contoso\.com, InvalidItem\)$/m.exec(run.stdout);
    assert.ok(hint, `the summary says how to explain the failed item:\n${run.stdout}`);
    const explained = exsync(['explain', '--item', hint[1]!, '--data', join(dir, 'data'), '--json'], { dir });
    assert.equal(explained.code, 0, explained.stderr);
    const e = JSON.parse(explained.stdout) as {
      itemId: string;
      seen: boolean;
      mailboxes: { mailbox: string; outcome: string; reason: string; internetMessageId: string; detail?: string }[];
    };
    assert.equal(e.seen, true);
    assert.equal(e.itemId, hint[1]);
    assert.equal(e.mailboxes.length, 1);
    const [m] = e.mailboxes;
    assert.deepEqual([m!.mailbox, m!.outcome, m!.reason, m!.internetMessageId], [ALICE, 'failed', 'InvalidItem', '']);
    assert.match(m!.detail ?? '', /internetMessageId/);
  } finally {
    cleanup({ dir });
  }
});

test('What a new user meets: the watch loop says it checks every 60 s for due mailboxes, and when none is due, when the next one is', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'tenant.json'), JSON.stringify(acceptanceFixtureF()));
  // A mailbox is due an hour after its sync; the loop looks every 60 s of a clock 60 times faster than real.
  const child = spawn(
    process.execPath,
    [CLI, 'run', '--tenant', join(dir, 'tenant.json'), '--data', join(dir, 'data')],
    {
      cwd: dir,
      env: { ...plainEnv(), CLOCK_SPEED: '60', SYNC_INTERVAL_SECONDS: '3600' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  try {
    await new Promise<void>((res, rej) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (/^No mailbox is due yet/m.test(out)) res();
      });
      child.on('exit', () => rej(new Error(`exsync run ended early:\n${out}\n${err}`)));
    });
  } finally {
    child.kill('SIGINT');
  }
  assert.equal(await exited, 0, err);
  assert.match(
    out,
    /^Checking every 60 s for mailboxes that are due \(each mailbox every 3600 s, SYNC_INTERVAL_SECONDS; clock x60\)\. Press Ctrl\+C to stop\.$/m,
  );
  const idle =
    /^No mailbox is due yet: the next is due at (\d\d:\d\d:\d\d) UTC \(in (\d+) s on the run's clock, x60\)\.$/m.exec(
      out,
    );
  assert.ok(idle, out);
  assert.ok(
    Number(idle[2]) > 0 && Number(idle[2]) <= 3600,
    `the next mailbox is due within the interval (${idle[2]} s)`,
  );
  assert.doesNotMatch(
    out.slice(out.indexOf('Checking every')),
    /Nothing new/,
    'no mailbox was synced, so nothing claims "Nothing new"',
  );
  assert.doesNotMatch(out, /Watching for new mail/);
  cleanup({ dir });
});

test('What a new user meets: every bad input exits 2 with a clear message (usage, settings, fixture, --settings file, --faults spec)', () => {
  const dir = tempDir();
  try {
    const data = join(dir, 'data');
    const expectRefused = (args: string[], message: RegExp, env: Record<string, string> = {}) => {
      const r = exsync(args, { dir, env });
      assert.equal(r.code, 2, `${args.join(' ')}: exit 2\n${r.stdout}\n${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.doesNotMatch(r.stdout, /Syncing/, 'nothing started');
    };
    expectRefused(['run', '--onse'], /--onse is not an option of "run" \(did you mean --once\?\)/);
    expectRefused(
      ['run', '--once', '--data', data],
      /Invalid settings \(1\):\n {2}- GRAPH_PAGE_SIZE: "lots" is not a whole number/,
      { GRAPH_PAGE_SIZE: 'lots' },
    );
    writeFileSync(
      join(dir, 'bad-tenant.json'),
      JSON.stringify({ dataverse: {}, exchange: { 'alice@contoso.com': { mailFolders: [{ messages: [] }] } } }),
    );
    expectRefused(
      ['run', '--once', '--tenant', join(dir, 'bad-tenant.json'), '--data', data],
      /tenant fixture .*bad-tenant\.json: 1 problem:\n {2}exchange\["alice@contoso\.com"\]\.mailFolders\[0\]\.displayName: expected the folder's name, got nothing \(the key is missing\)/,
    );
    writeFileSync(join(dir, 'broken.json'), '{ "Values": { "GRAPH_PAGE_SIZE": "10", } }');
    expectRefused(
      ['run', '--once', '--settings', join(dir, 'broken.json'), '--data', data],
      /--settings .*broken\.json: /,
    );
    writeFileSync(
      join(dir, 'misspelt.json'),
      JSON.stringify({ Values: { DATAVERSE_URI: 'https://contoso.crm4.dynamics.com' } }),
    );
    expectRefused(
      ['run', '--once', '--settings', join(dir, 'misspelt.json'), '--data', data],
      /DATAVERSE_URI: not a setting; did you mean DATAVERSE_URL\?/,
    );
    expectRefused(
      ['run', '--once', '--faults', 'seed=1,graph.492=0.1', '--data', data],
      /Invalid --faults: graph\.492: unknown fault/,
    );
    expectRefused(['explain', 'two words'], /is not a Message-ID/);
    expectRefused(['explain', '--item', 'x y'], /is not an Exchange item id/);
  } finally {
    cleanup({ dir });
  }
});

test('What a new user meets: unknown --settings keys are named in a warning, keys of the Functions host are not', () => {
  const dir = tempDir();
  try {
    writeFileSync(
      join(dir, 'local.settings.json'),
      JSON.stringify({
        IsEncrypted: false,
        Values: {
          FUNCTIONS_WORKER_RUNTIME: 'node',
          AzureWebJobsFeatureFlags: 'EnableWorkerIndexing',
          AzureFunctionsJobHost__logging__logLevel__default: 'Warning',
          OTEL_SERVICE_NAME: 'exsync',
          MY_TEAM_NOTE: 'hello',
          GRAPH_PAGE_SIZE: '50',
        },
      }),
    );
    // explain reads the settings file first, then finds that nothing ran in the data directory.
    const r = exsync(
      ['explain', '<x@y.z>', '--settings', join(dir, 'local.settings.json'), '--data', join(dir, 'nothing')],
      { dir },
    );
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /warning: --settings .*local\.settings\.json: ignored, not a setting of exsync or of the Functions host: MY_TEAM_NOTE\n/,
    );
    assert.doesNotMatch(
      r.stderr,
      /FUNCTIONS_WORKER_RUNTIME|AzureWebJobsFeatureFlags|AzureFunctionsJobHost|OTEL_SERVICE_NAME|GRAPH_PAGE_SIZE/,
    );
  } finally {
    cleanup({ dir });
  }
});

test('What a new user meets: an exported DATAVERSE_URL is announced at start with where it came from, and a failed sign-in says how to use the simulators', () => {
  const dir = tempDir();
  try {
    // Workload identity without its token file fails to sign in at once, without a network.
    const env = {
      DATAVERSE_URL: 'https://contoso.crm4.dynamics.com',
      CREDENTIAL_MODE: 'workloadidentity',
      APP_TENANT_ID: '00000000-0000-4000-8000-000000000001',
      APP_CLIENT_ID: '00000000-0000-4000-8000-000000000002',
      AZURE_FEDERATED_TOKEN_FILE: '',
    };
    const real = exsync(['run', '--once', '--data', join(dir, 'data')], { dir, env });
    assert.equal(real.code, 1, real.stderr);
    const [first, second] = real.stdout.split('\n');
    assert.equal(
      first,
      `Dataverse: https://contoso.crm4.dynamics.com (DATAVERSE_URL in the environment); Graph: https://graph.microsoft.com/v1.0 (the default); credential: workloadidentity (CREDENTIAL_MODE in the environment). Table Storage: embedded Azurite in ${join(dir, 'data')}.`,
    );
    assert.equal(
      second,
      'These are real services. For the simulators instead, unset DATAVERSE_URL, or pass --tenant FILE.',
    );
    assert.match(real.stderr, /WorkloadIdentityCredential/);
    assert.match(
      real.stderr,
      /exsync run used the real services because DATAVERSE_URL is set \(in the environment\) and could not sign in with CREDENTIAL_MODE workloadidentity\..* To run on the simulators instead, unset DATAVERSE_URL or pass --tenant FILE\./,
    );

    writeFileSync(
      join(dir, 'settings.json'),
      JSON.stringify({ Values: { DATAVERSE_URL: 'https://fabrikam.crm4.dynamics.com' } }),
    );
    const { DATAVERSE_URL: _exported, ...notExported } = env;
    const fromFile = exsync(['run', '--once', '--settings', join(dir, 'settings.json'), '--data', join(dir, 'data2')], {
      dir,
      env: notExported,
    });
    assert.equal(fromFile.code, 1);
    assert.match(
      fromFile.stdout,
      /^Dataverse: https:\/\/fabrikam\.crm4\.dynamics\.com \(DATAVERSE_URL in .*settings\.json\)/,
    );
    assert.match(
      fromFile.stdout,
      /For the simulators instead, remove DATAVERSE_URL from .*settings\.json, or pass --tenant FILE\./,
    );

    writeFileSync(join(dir, 'tenant.json'), JSON.stringify(acceptanceFixtureF()));
    const sims = exsync(['run', '--once', '--tenant', join(dir, 'tenant.json'), '--data', join(dir, 'data3')], {
      dir,
      env,
    });
    assert.equal(sims.code, 0, sims.stderr);
    assert.match(
      sims.stdout.split('\n')[0]!,
      /^Graph and Dataverse: the simulators, seeded with .*tenant\.json \(--tenant given, so DATAVERSE_URL in the environment is not used\)\./,
    );
  } finally {
    cleanup({ dir });
  }
});

test('What a new user meets: a simulator port in use says to stop the other run or use another --data directory, not --reset', async () => {
  const dir = tempDir();
  try {
    writeFileSync(join(dir, 'tenant.json'), JSON.stringify(acceptanceFixtureF()));
    const data = join(dir, 'data');
    const first = exsync(['run', '--once', '--tenant', join(dir, 'tenant.json'), '--data', data], { dir });
    assert.equal(first.code, 0, first.stderr);
    const { ports } = JSON.parse(readFileSync(join(data, 'state.json'), 'utf8')) as { ports: { graph: number } };
    // Another process now holds the Graph simulator's port, as a second `exsync run` on this directory would.
    const holder = createServer();
    await new Promise<void>((res, rej) => holder.once('error', rej).listen(ports.graph, '127.0.0.1', () => res()));
    try {
      const second = exsync(['run', '--once', '--data', data], { dir });
      assert.equal(second.code, 1);
      assert.match(
        second.stderr,
        new RegExp(
          `the Graph simulator's port ${ports.graph} is in use: is another exsync run using .*data\\? Stop it, or give this run another --data directory`,
        ),
      );
      assert.doesNotMatch(second.stderr, /--reset/);
    } finally {
      await new Promise((res) => holder.close(res));
    }
  } finally {
    cleanup({ dir });
  }
});

test('What a new user meets: dead letters name mailboxes by address, as the summary does', () => {
  const dir = tempDir();
  try {
    const data = join(dir, 'data');
    const f = withInboxMessage(acceptanceFixtureF(), ALICE, {
      internetMessageId: '<dlq-name@fabrikam.com>',
      subject: 'Hello',
      from: { emailAddress: { address: BOB } },
    });
    writeFileSync(join(dir, 'tenant.json'), JSON.stringify(f));
    // A party table that does not exist makes every lookup fail: the sync job is dead-lettered.
    const broken = exsync(['run', '--once', '--tenant', join(dir, 'tenant.json'), '--data', data], {
      dir,
      env: { PARTY_EXTRA_TABLES: 'new_missing:emailaddress', QUEUE_MAX_DELIVERY_COUNT: '2' },
    });
    assert.equal(broken.code, 1, 'a run that dead-letters exits 1');
    assert.match(broken.stdout, /^ {2}sync-jobs: sync job for mailbox alice@contoso\.com: /m);
    assert.doesNotMatch(broken.stdout, /for mailbox [0-9a-f]{8}-/);
    const list = exsync(['dlq', 'list', '--data', data], { dir });
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /sync job for mailbox alice@contoso\.com/);
  } finally {
    cleanup({ dir });
  }
});

test('What a new user meets: --help describes every command, option and exit code, and `exsync <command> --help` shows that command', () => {
  const all = exsync(['--help']);
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stdout, /^Usage: exsync <command> \[options\]/);
  for (const [name, c] of Object.entries(COMMANDS))
    assert.ok(all.stdout.includes(`  ${name.padEnd(7)}  ${c.summary}`), `${name} with its description`);
  assert.match(all.stdout, /Exit codes:\n {2}0 .*\n {2}1 .*\n {2}2 .*/);
  for (const [name, c] of Object.entries(COMMANDS)) {
    const one = exsync([name, '--help']);
    cleanup(one);
    assert.equal(one.code, 0, one.stderr);
    assert.ok(one.stdout.startsWith(`Usage: ${c.synopsis[0]}`), one.stdout);
    for (const [flag, spec] of Object.entries(c.flags))
      assert.match(
        one.stdout,
        new RegExp(`^ {2}--${flag}${spec.value ? ` ${spec.value}` : ''} +\\S.{10,}$`, 'm'),
        `${name} --${flag} is described`,
      );
    assert.match(one.stdout, /Exit codes:/);
  }
  cleanup(all);
});
