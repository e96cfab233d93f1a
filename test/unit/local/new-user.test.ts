// Point 14, what a new user meets, where it can be checked without a run: the README's claims against the
// code and the demo tenant, the --settings key check, and the lines the summary prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKLOADS } from '../../../shared/domain/reasons';
import { ACT_MODULES } from '../../../shared/pipeline/act';
import { demoTenant } from '../../../local/tenant/demo';
import { tenantFigures } from '../../../local/tenant/figures';
import { COMMANDS, EXIT_CODES } from '../../../local/cli-usage';
import { checkSettingKeys } from '../../../local/settings-file';
import { closestName } from '../../../local/closest-name';
import { formatNothingDue, formatSummary, summarize } from '../../../local/summary';
import { describeBody } from '../../../local/dlq';
import type { Decision } from '../../../shared/domain/activity';

const root = join(__dirname, '..', '..', '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** A README section: from its heading to the next heading of the same level. */
function section(heading: string): string {
  const at = readme.indexOf(`\n${heading}\n`);
  assert.ok(at >= 0, `README has ${heading}`);
  const level = heading.split(' ')[0]!;
  const end = readme.indexOf(`\n${level} `, at + heading.length + 2);
  return readme.slice(at, end < 0 ? undefined : end);
}

/**
 * What the status line may call "still to come", and how the code shows it is not there yet. A new item
 * must be added here, so the status line cannot name something without a way to tell it is missing.
 */
const STILL_TO_COME: Record<string, () => boolean> = {
  'outgoing email': () => !(WORKLOADS as readonly string[]).includes('send'),
  appointments: () => !ACT_MODULES.some((m) => m.workload === 'appointment'),
  contacts: () => !(WORKLOADS as readonly string[]).includes('contact'),
  tasks: () => !(WORKLOADS as readonly string[]).includes('task'),
  'Graph change notifications': () =>
    !readdirSync(join(root, 'functions')).some((f) => /notif|subscri|webhook/i.test(f)),
};

test('What a new user meets: the README status line calls nothing "still to come" that the product has', () => {
  const status = /\nStatus: ([^]*?)\n\n/.exec(readme)?.[1]?.replace(/\s+/g, ' ');
  assert.ok(status, 'README has a Status: paragraph');
  const toCome = /Still to come: ([^.]*)\./.exec(status)?.[1];
  assert.ok(toCome, 'the status line says what is still to come');
  for (const item of toCome.split(';').map((s) => s.trim())) {
    assert.ok(item in STILL_TO_COME, `"${item}" is a known future feature (add it to STILL_TO_COME with its check)`);
    assert.ok(STILL_TO_COME[item]!(), `"${item}" is still to come, but the code has it`);
  }
  // The fault runs exist, so the status line must not put them among what is to come (the case).
  assert.ok(existsSync(join(root, 'test', 'faults', 'fault-suite.test.ts')));
  assert.doesNotMatch(toCome, /fault/i);
  assert.match(status, /fault runs .*are in place/);
});

test("What a new user meets: the README figures of the demo tenant are the demo tenant's", () => {
  const f = tenantFigures(demoTenant());
  const synced = f.inbox + f.sentItems;
  const quick = section('## Quick start').replace(/\s+/g, ' ');
  const m =
    /demo tenant\*\* \((\d+) mailboxes holding (\d+) messages: (\d+) in the folders that are synced, Inbox and Sent Items, and (\d+) in other folders/.exec(
      quick,
    );
  assert.ok(m, 'the Quick start describes the demo tenant with its figures');
  assert.deepEqual(m.slice(1).map(Number), [f.mailboxes, f.messages, synced, f.otherFolders]);
  assert.match(
    quick,
    new RegExp(`Summary \\(${f.mailboxes} mailbox\\(es\\), ${synced} item\\(s\\) seen`),
    'the sample summary counts what the synced folders hold',
  );
  const proof = /Proof: `test\/faults\/` runs the demo tenant \((\d+) mailboxes, (\d+) messages in synced folders/.exec(
    readme.replace(/\s+/g, ' '),
  );
  assert.ok(proof, 'the fault-run paragraph describes the demo tenant');
  assert.deepEqual(proof.slice(1).map(Number), [f.mailboxes, synced]);
});

test('What a new user meets: the README command line and exit codes are the ones exsync --help prints', () => {
  const block = /```\n([^]*?)```/.exec(section('## Command line'))![1]!.trim().split('\n');
  assert.deepEqual(
    block,
    Object.values(COMMANDS).flatMap((c) => c.synopsis),
  );
  const table = [...section('## Command line').matchAll(/^\| ([0-9]) \| (.+) \|$/gm)].map((r) => r[1]);
  assert.deepEqual(
    table,
    EXIT_CODES.map((l) => l.slice(0, 1)),
  );
  for (const [name, c] of Object.entries(COMMANDS)) {
    assert.ok(c.summary && c.about.length, `${name} is described`);
    for (const [flag, spec] of Object.entries(c.flags))
      assert.ok(spec.doc.length > 10, `--${flag} of ${name} is described`);
  }
});

test('What a new user meets: a misspelt --settings key is named with the likely setting; unknown keys are named; host keys are expected', () => {
  const r = checkSettingKeys([
    'DATAVERSE_URL',
    'DATAVERSE_URI',
    'graph_page_size',
    'SYNC_INTERVAL_SECOND',
    'MY_OWN_THING',
    'FUNCTIONS_WORKER_RUNTIME',
    'AzureWebJobsFeatureFlags',
    'AzureFunctionsJobHost__logging__logLevel__default',
    'APPLICATIONINSIGHTS_CONNECTION_STRING',
    'OTEL_SERVICE_NAME',
    'AZURE_TENANT_ID',
    'ServiceBusConnection__clientId',
  ]);
  assert.deepEqual(r.misspelt, [
    'DATAVERSE_URI: not a setting; did you mean DATAVERSE_URL?',
    'graph_page_size: not a setting; did you mean GRAPH_PAGE_SIZE? (names are case-sensitive)',
    'SYNC_INTERVAL_SECOND: not a setting; did you mean SYNC_INTERVAL_SECONDS?',
  ]);
  assert.deepEqual(r.unknown, ['MY_OWN_THING']);
  const sample = JSON.parse(readFileSync(join(root, 'local.settings.sample.json'), 'utf8')) as {
    Values: Record<string, string>;
  };
  assert.deepEqual(
    checkSettingKeys(Object.keys(sample.Values)),
    { misspelt: [], unknown: [] },
    'the sample settings file draws no complaint',
  );
  assert.equal(closestName('onse', ['once', 'tenant', 'data']), 'once');
  assert.equal(closestName('verbose', ['once', 'tenant', 'data']), undefined);
});

function decision(
  mailbox: string,
  outcome: Decision['outcome'],
  reason: Decision['reason'],
  graphId: string,
): Decision {
  return {
    mailboxId: `id-${mailbox}`,
    mailbox,
    workload: 'email',
    folder: 'inbox',
    internetMessageId: '',
    messageKey: '',
    graphId,
    outcome,
    reason,
    correlationMethod: 'None',
    decidedAt: '2025-01-10T10:00:00Z',
  };
}

test('What a new user meets: the summary names why items failed and how to explain each by its item id', () => {
  const rows = summarize(
    [
      decision('alice@contoso.com', 'failed', 'InvalidItem', 'AAMk-1'),
      decision('alice@contoso.com', 'failed', 'WriteFailed', 'AAMk-2'),
      decision('alice@contoso.com', 'failed', 'InvalidItem', 'AAMk-3'),
      decision('alice@contoso.com', 'skipped', 'NoCorrelationMatch', 'AAMk-4'),
      decision('bob@contoso.com', 'promoted', 'AcceptAll', 'AAMk-5'),
    ],
    new Map(),
  );
  const text = formatSummary(rows, true);
  assert.match(
    text,
    /alice@contoso\.com +seen +4 +promoted +0 +failed +3 .* failed: InvalidItem 2, WriteFailed 1 +skipped: NoCorrelationMatch 1/,
  );
  for (const id of ['AAMk-1', 'AAMk-2', 'AAMk-3'])
    assert.match(text, new RegExp(`exsync explain --item ${id} +\\(alice@contoso\\.com, \\w+\\)`));
  assert.doesNotMatch(text, /AAMk-[45]/, 'only failed items are listed');
  const masked = formatSummary(rows, false);
  assert.doesNotMatch(masked, /contoso/, 'masked summaries name no address');
  assert.match(masked, /exsync explain --item AAMk-1 +\(mailbox 1, InvalidItem\)/);
});

test('What a new user meets: when no mailbox is due, the loop says when the next one is, not "Nothing new"', () => {
  const now = new Date('2025-01-10T10:01:00Z');
  assert.equal(
    formatNothingDue([{ dueAt: '2025-01-10T10:05:00Z' }, { dueAt: '2025-01-10T10:04:30Z' }], now, 1),
    'No mailbox is due yet: the next is due at 10:04:30 UTC (in 210 s).',
  );
  assert.match(formatNothingDue([{ dueAt: '2025-01-10T10:05:00Z' }], now, 60), /in 240 s on the run's clock, x60\)/);
  assert.match(formatNothingDue([], now, 1), /none is waiting/);
});

test('What a new user meets: dead letters name the mailbox by address when the summary does', () => {
  assert.equal(
    describeBody({ kind: 'sync', mailboxId: 'c0ffee00-0000-4000-8000-000000000001' }, 'alice@contoso.com'),
    'sync job for mailbox alice@contoso.com',
  );
  assert.equal(
    describeBody({ kind: 'write', mailboxId: 'c0ffee00-0000-4000-8000-000000000001', entries: [1, 2] }),
    'write batch of 2 item(s) for mailbox c0ffee00-0000-4000-8000-000000000001',
  );
  assert.equal(
    describeBody({ kind: 'send', mailboxId: 'c0ffee00-0000-4000-8000-000000000001' }, 'alice@contoso.com'),
    'send job for mailbox alice@contoso.com',
  );
});
