// The cut-over from SSS (docs/cut-over.md): shadow mode against a Dataverse that already holds SSS's rows,
// takeover and rollback of one mailbox, and the operator's commands, each through `exsync` as a user runs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALICE, ALICE_MAILBOX_ID, SALES, SALES_MAILBOX_ID } from '../../local/tenant/acceptance';
import { ScaledClock } from '../../local/clock';
import { startDataverseSimulator } from '../../local/sim/dataverse';
import { startGraphSimulator } from '../../local/sim/graph';
import type { TenantFixture } from '../../local/tenant/fixture';
import type { ShadowReport } from '../../shared/pipeline/shadow-report';
import type { MailboxRow, AdminOutcome } from '../../shared/pipeline/mailbox-admin';
import { cleanup, createdEmails, decisionFor, exsync, runTenant, type CliRun, type Dump } from '../support/cli';
import { SHADOW, shadowFixture } from '../support/shadow-fixture';

const SHADOW_ENV = { SHADOW_MODE: 'true' };

/** `exsync <args> --data <the run's data dir>`, in SHADOW_MODE as the run was. */
function inRun(run: { dir: string }, args: string[]): CliRun {
  return exsync([...args, '--data', join(run.dir, 'data')], { dir: run.dir, env: SHADOW_ENV });
}

function json<T>(r: CliRun): T {
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Dataverse and Exchange as the simulators hold the fixture before anything ran. */
async function untouched(f: TenantFixture): Promise<{ dataverse: unknown; exchange: unknown }> {
  const clock = new ScaledClock(new Date(f.now!));
  const dv = await startDataverseSimulator({ tenant: f, clock });
  const graph = await startGraphSimulator({ tenant: f, clock });
  try {
    return { dataverse: dv.dump(), exchange: graph.exchangeState() };
  } finally {
    await dv.close();
    await graph.close();
  }
}

/**
 * The rows without the times the simulator stamped when it loaded the fixture (the run's clock had moved on
 * by then); versionnumber, which every write moves, is still compared.
 */
function withoutLoadTimes(dv: unknown): unknown {
  return JSON.parse(JSON.stringify(dv, (k, v: unknown) => (k === 'createdon' || k === 'modifiedon' ? undefined : v)));
}

const mailboxRow = (dump: Dump, id: string) => dump.dataverse.mailboxes!.find((m) => m.mailboxid === id)!;
const SSS_COLUMNS = [
  'incomingemaildeliverymethod',
  'outgoingemaildeliverymethod',
  'actdeliverymethod',
  'enabledforincomingemail',
  'enabledforoutgoingemail',
  'enabledforact',
];
const columnsOf = (row: Record<string, unknown>) => Object.fromEntries(SSS_COLUMNS.map((c) => [c, row[c]]));

test("A shadow run of a tenant fixture whose Dataverse already holds SSS's rows reports agreement and names each disagreement", () => {
  const run = runTenant(shadowFixture(), [], { env: SHADOW_ENV });
  try {
    const r = json<ShadowReport>(inRun(run, ['shadow', 'report', '--json']));
    assert.equal(r.messages, 6);
    assert.equal(r.agreed, 3);
    assert.equal(r.disagreed, 3);
    assert.deepEqual(r.agreement, [
      { tracked: true, reason: 'AcceptAll', count: 1 },
      { tracked: true, reason: 'CorrelationMatch', count: 1 },
      { tracked: false, reason: 'NoCorrelationMatch', count: 1 },
    ]);
    const named = r.disagreements.map((d) => [d.internetMessageId, d.kind, d.direction, d.reason]);
    assert.deepEqual(named, [
      [SHADOW.productOnly, 'ProductWouldTrack', 'incoming', 'AcceptAll'],
      [SHADOW.sssOnly, 'SssTracked', 'incoming', 'NoCorrelationMatch'],
      [SHADOW.otherDirection, 'ProductWouldTrack', 'incoming', 'AcceptAll'],
    ]);
    // Each disagreement carries its explanation: the mailbox that decided, with its parties and filters.
    const sssOnly = r.disagreements.find((d) => d.internetMessageId === SHADOW.sssOnly)!;
    assert.equal(sssOnly.sssActivityIds.length, 1);
    assert.deepEqual(
      sssOnly.explain.map((e) => [e.mailbox, e.outcome, e.reason, e.shadow]),
      [[ALICE, 'skipped', 'NoCorrelationMatch', true]],
    );
    assert.ok(sssOnly.explain[0]!.evaluation?.filters.length, 'the filters asked are part of the explanation');
    assert.deepEqual(
      r.mailboxes.map((m) => [m.mailbox, m.decisions]),
      [
        [ALICE, 3],
        [SALES, 3],
      ],
    );
    const text = inRun(run, ['shadow', 'report']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /6 message\(s\) compared\): 3 agree \(50\.0 %\), 3 disagree/);
    for (const id of [SHADOW.productOnly, SHADOW.sssOnly, SHADOW.otherDirection])
      assert.ok(text.stdout.includes(`exsync explain "${id}"`), `the text names ${id}`);
  } finally {
    cleanup(run);
  }
});

test('Shadow mode writes nothing: Dataverse and Exchange are as the fixture left them, the decisions are all marked shadow', async () => {
  const f = shadowFixture();
  const run = runTenant(f, [], { env: SHADOW_ENV });
  try {
    const before = await untouched(f);
    assert.deepEqual(
      withoutLoadTimes(run.dump.dataverse),
      withoutLoadTimes(before.dataverse),
      'no email, party, attachment, queue item, trace log or mailbox column',
    );
    assert.deepEqual(run.dump.exchange, before.exchange, 'no category, no send');
    assert.equal(run.dump.decisions.length, 6);
    assert.ok(run.dump.decisions.every((d) => d.shadow === true));
    assert.equal(decisionFor(run.dump, SALES, SHADOW.productOnly)!.outcome, 'promoted');
  } finally {
    cleanup(run);
  }
});

test("Takeover and rollback of one mailbox leave the other mailboxes and SSS's columns untouched", () => {
  const f = shadowFixture();
  const run = runTenant(f, [], { env: SHADOW_ENV });
  try {
    const aliceBefore = mailboxRow(run.dump, ALICE_MAILBOX_ID);
    const salesBefore = columnsOf(mailboxRow(run.dump, SALES_MAILBOX_ID));
    const taken = json<AdminOutcome>(inRun(run, ['mailbox', 'takeover', SALES, '--json']));
    assert.deepEqual(taken.columnsWritten, { incomingemaildeliverymethod: 0, outgoingemaildeliverymethod: 0 });
    assert.deepEqual(taken.record?.previous, {
      incomingemaildeliverymethod: 2,
      outgoingemaildeliverymethod: 2,
      actdeliverymethod: 1,
      enabledforincomingemail: true,
      enabledforoutgoingemail: true,
    });
    const owned = runAgain(run);
    assert.deepEqual(columnsOf(mailboxRow(owned, SALES_MAILBOX_ID)), {
      ...salesBefore,
      incomingemaildeliverymethod: 0,
      outgoingemaildeliverymethod: 0,
    });
    assert.deepEqual(mailboxRow(owned, ALICE_MAILBOX_ID), aliceBefore, "Alice's row is not touched");
    // Leaving shadow mode replays nothing: mail decided in shadow stays decided, nothing is written.
    assert.deepEqual(createdEmails(owned, f), []);
    const list = json<MailboxRow[]>(inRun(run, ['mailbox', 'list', '--json']));
    assert.deepEqual(
      list.map((m) => [m.address, m.mode, m.registered]),
      [
        [ALICE, 'shadow', false],
        [SALES, 'owned', true],
      ],
    );
    const released = json<AdminOutcome>(inRun(run, ['mailbox', 'release', SALES, '--json']));
    assert.deepEqual(released.columnsWritten, { incomingemaildeliverymethod: 2, outgoingemaildeliverymethod: 2 });
    const back = runAgain(run);
    assert.deepEqual(columnsOf(mailboxRow(back, SALES_MAILBOX_ID)), salesBefore, "SSS's columns as they were");
    assert.deepEqual(mailboxRow(back, ALICE_MAILBOX_ID), aliceBefore);
    assert.deepEqual(createdEmails(back, f), []);
    assert.deepEqual(back.decisions, run.dump.decisions, 'every mailbox keeps the decisions it had');
  } finally {
    cleanup(run);
  }
});

test('Leaving shadow mode replays already-evaluated mail only when asked: exsync mailbox resync', () => {
  const f = shadowFixture();
  const run = runTenant(f, [], { env: SHADOW_ENV });
  try {
    assert.equal(inRun(run, ['mailbox', 'takeover', SALES]).code, 0);
    assert.deepEqual(createdEmails(runAgain(run), f), []);
    const resynced = inRun(run, ['mailbox', 'resync', SALES]);
    assert.equal(resynced.code, 0, resynced.stderr);
    assert.match(resynced.stdout, /start again from the beginning/);
    const after = runAgain(run);
    assert.deepEqual(
      createdEmails(after, f)
        .map((e) => e.messageid)
        .sort(),
      [SHADOW.productOnly, SHADOW.otherDirection],
    );
    assert.equal(decisionFor(after, SALES, SHADOW.bothAcceptAll)!.reason, 'Duplicate', "SSS's row is found");
    assert.equal(decisionFor(after, SALES, SHADOW.productOnly)!.shadow, undefined);
    assert.equal(decisionFor(after, ALICE, SHADOW.neither)!.shadow, true, 'Alice is still in shadow mode');
  } finally {
    cleanup(run);
  }
});

test('exsync mailbox and shadow report: exit codes, --json, and a clear error for an unknown mailbox', () => {
  const run = runTenant(shadowFixture(), [], { env: SHADOW_ENV });
  try {
    const unknown = inRun(run, ['mailbox', 'takeover', 'nobody@contoso.com']);
    assert.equal(unknown.code, 2);
    assert.match(
      unknown.stderr,
      /no mailbox "nobody@contoso\.com" in Dataverse .*known: alice@contoso\.com, sales@contoso\.com/,
    );
    const missing = inRun(run, ['mailbox', 'release']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /mailbox release needs a mailbox/);
    const wrong = inRun(run, ['mailbox', 'adopt', SALES]);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /mailbox takes list, takeover, release, shadow, enable, disable, resync, not "adopt"/);
    const notSss = inRun(run, ['mailbox', 'release', ALICE_MAILBOX_ID, '--json']);
    assert.match(json<AdminOutcome>(notSss).message, /SSS's columns were never changed/);
    const again = json<AdminOutcome>(inRun(run, ['mailbox', 'release', ALICE, '--json']));
    assert.equal(again.changed, false);
    const disabled = json<AdminOutcome>(inRun(run, ['mailbox', 'disable', SALES, '--json']));
    assert.equal(disabled.record?.disabled, true);
    assert.equal(json<AdminOutcome>(inRun(run, ['mailbox', 'enable', SALES, '--json'])).changed, true);
    const none = exsync(['shadow', 'report', '--data', join(run.dir, 'nothing-here')], { dir: run.dir });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /nothing has run in .*nothing-here yet/);
  } finally {
    cleanup(run);
  }
});

/** `exsync run --once` again on the run's data directory, in SHADOW_MODE; the dump it writes. */
function runAgain(run: { dir: string }): Dump {
  const dumpFile = join(run.dir, `dump-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  const r = inRun(run, ['run', '--once', '--dump', dumpFile]);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  return JSON.parse(readFileSync(dumpFile, 'utf8')) as Dump;
}
