// `exsync mailbox …` and `exsync shadow report`, on the data directory of the last local run
// (cutover-context.ts): the actions themselves are shared/pipeline/mailbox-admin.ts and shadow-report.ts.
import {
  disable,
  enable,
  listMailboxes,
  MailboxAdminError,
  release,
  resync,
  shadow,
  takeover,
  type AdminOutcome,
  type MailboxAdminDeps,
  type MailboxRow,
} from '../shared/pipeline/mailbox-admin';
import { shadowReport } from '../shared/pipeline/shadow-report';
import { BadInputError } from './bad-input';
import type { Flags } from './cli-usage';
import { openCutoverContext, type CutoverContext } from './cutover-context';
import { formatShadowReport } from './shadow-text';

const ACTIONS: Record<string, (deps: MailboxAdminDeps, name: string) => Promise<AdminOutcome>> = {
  takeover,
  release,
  shadow,
  enable,
  disable,
  resync,
};

const where = (flags: Flags) => ({
  data: typeof flags.data === 'string' ? flags.data : '.exsync',
  ...(typeof flags.settings === 'string' ? { settings: flags.settings } : {}),
});

function adminDeps(c: CutoverContext): MailboxAdminDeps {
  return {
    dataverse: c.dataverse,
    ownership: c.tables.ownership,
    mailboxes: c.tables.mailboxes,
    checkpoints: c.tables.checkpoints,
    columns: c.columns,
    clock: c.clock,
    shadowMode: c.settings.shadowMode,
  };
}

export async function mailboxCommand(action: string, name: string | undefined, flags: Flags): Promise<number> {
  const c = await openCutoverContext(where(flags));
  let changed = false;
  try {
    if (action === 'list') {
      const rows = await listMailboxes(adminDeps(c));
      process.stdout.write(flags.json ? `${JSON.stringify(rows, null, 2)}\n` : `${formatMailboxes(rows)}\n`);
      return 0;
    }
    const result = await ACTIONS[action](adminDeps(c), name!);
    changed = !!result.columnsWritten;
    process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : `${result.message}\n`);
    return 0;
  } catch (e) {
    if (e instanceof MailboxAdminError) throw new BadInputError(e.message);
    throw e;
  } finally {
    await c.close(changed);
  }
}

export async function shadowCommand(flags: Flags): Promise<number> {
  const c = await openCutoverContext(where(flags));
  try {
    const report = await shadowReport({ ledger: c.tables.ledger, dataverse: c.dataverse, clock: c.clock });
    process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatShadowReport(report)}\n`);
    return 0;
  } finally {
    await c.close(false);
  }
}

function formatMailboxes(rows: MailboxRow[]): string {
  if (!rows.length) return 'No mailboxes in Dataverse.';
  const w = Math.max(...rows.map((r) => r.address.length));
  return [
    `${'mailbox'.padEnd(w)}  mode      ${'health'.padEnd(15)}  SSS incoming  last sync`,
    ...rows.map(
      (r) =>
        `${r.address.padEnd(w)}  ${`${r.mode}${r.registered ? '' : '*'}${r.disabled ? '!' : ''}`.padEnd(8)}  ${r.health.padEnd(15)}  ${`${r.incomingDeliveryMethod}${r.enabledForIncoming ? '' : ' (off)'}`.padEnd(12)}  ${r.lastSyncCompletedAt ?? '-'}`,
    ),
    '* not in the registry: SHADOW_MODE decides;  ! disabled in exsync;  SSS incoming: incomingemaildeliverymethod (2 = SSS, 0 = None)',
  ].join('\n');
}
