// The schedule stage at 10,000 mailboxes: the Dataverse simulator holds them, Table Storage (Azurite) their
// registry, and the timer's tick is timed when every one of them is due (the steady state: all registered).
import { loadSettings } from '../../shared/config';
import { composePipeline } from '../../shared/compose';
import { createLocalQueues } from '../../shared/adapters/localqueue';
import { createLog } from '../../shared/log';
import type { MailboxRecord, OutgoingMessage, QueueName } from '../../shared/ports';
import { runSchedule } from '../../shared/pipeline/schedule';
import { ScaledClock } from '../clock';
import { startAzurite } from '../azurite';
import { startDataverseSimulator } from '../sim/dataverse';
import { demoTenant } from '../tenant/demo';

export interface ScheduleTiming {
  mailboxes: number;
  /** The first tick: every mailbox seen for the first time, registered and enqueued. */
  firstTickMs: number;
  /** A later tick with every mailbox due again. */
  dueTickMs: number;
  enqueued: number;
  /** Of the later tick: writing the due mailboxes' records (Table transactions), and sending their jobs. */
  registryWriteMs: number;
  queueMs: number;
}

export async function timeSchedule(mailboxes = 10_000): Promise<ScheduleTiming> {
  const tenant = demoTenant({ mailboxes, messagesPerMailbox: 0 });
  const clock = new ScaledClock(new Date(tenant.now ?? Date.now()), 1);
  clock.virtualWaits = true;
  const stops: (() => Promise<void>)[] = [];
  try {
    const dv = await startDataverseSimulator({ tenant, clock });
    stops.push(() => dv.close());
    const azurite = await startAzurite({ inMemory: true });
    stops.push(() => azurite.stop());
    const settings = loadSettings(
      {
        AzureWebJobsStorage: azurite.connectionString,
        GRAPH_BASE_URL: 'http://127.0.0.1:9/v1.0', // the schedule never calls Graph
        DATAVERSE_URL: dv.baseUrl,
        CREDENTIAL_MODE: 'static',
        STATIC_TOKEN: 'bench-schedule',
      },
      'local',
    );
    const local = createLocalQueues(clock, {});
    const spent = { registryWriteMs: 0, queueMs: 0 };
    const timed =
      <A extends unknown[]>(key: keyof typeof spent, f: (...a: A) => Promise<void>) =>
      async (...a: A) => {
        const t0 = Date.now();
        await f(...a);
        spent[key] += Date.now() - t0;
      };
    const queue = { send: timed('queueMs', (q: QueueName, m: OutgoingMessage[]) => local.port.send(q, m)) };
    const composed = await composePipeline({ settings, queue, clock, log: createLog(() => undefined) });
    const registry = composed.mailboxes;
    const deps = {
      ...composed,
      mailboxes: { ...registry, upsertMany: timed('registryWriteMs', (r: MailboxRecord[]) => registry.upsertMany(r)) },
    };
    await deps.dataverse.loadOrgContext(); // the cached organization, as a warm Functions instance has it
    let t = Date.now();
    const first = await runSchedule(deps);
    const firstTickMs = Date.now() - t;
    clock.advance(settings.syncIntervalSeconds * 1000);
    spent.registryWriteMs = spent.queueMs = 0;
    t = Date.now();

    const due = await runSchedule(deps);
    const dueTickMs = Date.now() - t;
    if (first.enqueued.length !== due.enqueued.length)
      throw new Error(`schedule: ${first.enqueued.length} enqueued, then ${due.enqueued.length}`);
    return { mailboxes, firstTickMs, dueTickMs, enqueued: due.enqueued.length, ...spent };
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}
