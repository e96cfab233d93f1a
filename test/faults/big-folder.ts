// A big folder synced in time budgets by continuation jobs. The budget is measured on the run's clock, and
// every delta page Graph serves moves that clock on by `pageClockMs`, as a slow Graph would: which page ends
// a job is then fixed by the page count, not by how fast this machine is.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { SALES } from '../../local/tenant/acceptance';
import { runCommand } from '../../local/run';
import type { Dump } from '../support/cli';
import { bigFolderTenant } from './hostile-tenant';

/** The sync budget the test sets (the smallest SYNC_TIME_BUDGET_SECONDS allows). */
const BUDGET_SECONDS = 5;
const PAGE_SIZE = 100;

/**
 * Syncs a Sales Inbox of `count` messages with a 5 s budget while each delta page takes `pageClockMs` of clock
 * time, and checks: one promoted decision per message, no dead letters, and at least one continuation job per
 * `ceil(budget / pageClockMs)` pages.
 */
export async function assertBigFolderSyncs(count: number, pageClockMs: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'exsync-big-'));
  try {
    const settings = join(dir, 'settings.json');
    writeFileSync(
      settings,
      JSON.stringify({
        Values: { SYNC_TIME_BUDGET_SECONDS: String(BUDGET_SECONDS), GRAPH_PAGE_SIZE: String(PAGE_SIZE) },
      }),
    );
    const dumpFile = join(dir, 'dump.json');
    let delay: (() => void) | undefined;
    const result = await runCommand(
      {
        once: true,
        data: join(dir, 'data'),
        reset: true,
        quiet: true,
        tenantObject: bigFolderTenant(count),
        settings,
        dump: dumpFile,
        onSimulators: (_g, _d, clock) => (delay = () => clock.advance(pageClockMs)),
        simOptions: {
          graph: {
            intercept: (req) => {
              if (req.mailbox === SALES && /\/messages\/delta$/.test(req.path)) delay?.();
              return undefined;
            },
          },
        },
      },
      new Writable({ write: (_c, _e, cb) => cb() }),
    );
    const dump = JSON.parse(readFileSync(dumpFile, 'utf8')) as Dump;
    assert.equal(result.exitCode, 0);
    assert.equal(dump.deadLetters.length, 0);
    const sales = dump.decisions.filter((d) => d.mailbox === SALES);
    assert.equal(sales.length, count);
    assert.equal(new Set(sales.map((d) => d.graphId)).size, count);
    assert.ok(
      sales.every((d) => d.outcome === 'promoted'),
      'Sales accepts all mail',
    );
    const continuations = readFileSync(join(dir, 'data', 'exsync.log'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"sync.continues"')).length;
    const pages = Math.ceil(count / PAGE_SIZE);
    const pagesPerJob = Math.floor((BUDGET_SECONDS * 1000) / pageClockMs) + 1;
    assert.ok(
      continuations >= Math.ceil(pages / pagesPerJob) - 1,
      `the budget ended a job every ${pagesPerJob} page(s) and continuation jobs carried on (${continuations} for ${pages} pages)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
