// What `exsync mailbox …` and `exsync shadow report` work on: the product's tables and Dataverse. Locally,
// the data directory of the last run (its Azurite, and its Dataverse simulator restored from its snapshot,
// which is saved back when a command changed a mailbox row); the status page's lane adds a deployment.
import { loadSettings, type Settings } from '../shared/config';
import { tablesFor } from '../shared/compose';
import type { TableStore } from '../shared/adapters/tables';
import { createDataverseAdapter } from '../shared/adapters/dataverse';
import { createWebApi } from '../shared/adapters/dataverse/http';
import { createMailboxColumns } from '../shared/adapters/dataverse/mailbox-columns';
import type { Clock, DataversePort } from '../shared/ports';
import type { MailboxColumnsPort } from '../shared/ports-cutover';
import { startAzurite } from './azurite';
import { ScaledClock } from './clock';
import { DataDir, type DataDirState } from './data-dir';
import { startDataverseSimulator } from './sim/dataverse';
import { readSettingsFile } from './settings-file';
import { BadInputError } from './bad-input';

export interface CutoverContext {
  settings: Settings;
  tables: TableStore;
  dataverse: DataversePort;
  columns: MailboxColumnsPort;
  clock: Clock;
  /** Stops what was started; `changed` saves the Dataverse simulator's state back to the data directory. */
  close(changed: boolean): Promise<void>;
}

const LOCAL_TOKEN = 'local-simulator-token';

export async function openCutoverContext(args: { data: string; settings?: string }): Promise<CutoverContext> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    ...(args.settings ? readSettingsFile(args.settings) : {}),
  };
  const dir = new DataDir(args.data);
  if (!dir.hasState())
    throw new BadInputError(`nothing has run in ${args.data} yet: run \`exsync run\` first (or use --data)`);
  const state = dir.read<DataDirState>('state.json');
  const clock = new ScaledClock(new Date(state.clock));
  const azurite = await startAzurite({ location: dir.azurite });
  const stops: (() => Promise<void>)[] = [() => azurite.stop()];
  try {
    const sim = await startDataverseSimulator({ snapshot: dir.read('dataverse.json'), clock, port: 0 });
    stops.unshift(() => sim.close());
    const settings = loadSettings(
      {
        ...env,
        AzureWebJobsStorage: azurite.connectionString,
        DATAVERSE_URL: sim.baseUrl,
        CREDENTIAL_MODE: 'static',
        STATIC_TOKEN: LOCAL_TOKEN,
      },
      'local',
    );
    const token = () => Promise.resolve(LOCAL_TOKEN);
    return {
      settings,
      tables: await tablesFor(settings),
      dataverse: createDataverseAdapter({ url: sim.baseUrl, token, clock, batchSize: settings.dataverseBatchSize }),
      columns: createMailboxColumns(createWebApi({ url: sim.baseUrl, token, clock })),
      clock,
      async close(changed) {
        if (changed) dir.write('dataverse.json', sim.snapshot());
        for (const stop of stops) await stop();
      },
    };
  } catch (e) {
    for (const stop of stops) await stop();
    throw e;
  }
}
