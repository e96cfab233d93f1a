// `exsync explain <internetMessageId>`: reads the ledger where the decisions are (the data directory's
// Azurite, or the Azure storage account named by the settings) and prints why, per mailbox.
import { loadSettings } from '../shared/config';
import { tablesFor } from '../shared/compose';
import { explainMessage, validMessageIdInput, type Explanation } from '../shared/pipeline/explain';
import { DataDir } from './data-dir';
import { startAzurite } from './azurite';
import { readSettingsFile } from './settings-file';

export async function explainCommand(args: { id: string; data: string; settings?: string }): Promise<Explanation> {
  const id = validMessageIdInput(args.id);
  if (!id) throw new Error(`"${args.id}" is not a Message-ID (like <abc@contoso.com>)`);
  const env: Record<string, string | undefined> = { ...process.env, ...(args.settings ? readSettingsFile(args.settings) : {}) };
  const remote = env.AzureWebJobsStorage || env.AzureWebJobsStorage__tableServiceUri;
  let stop: (() => Promise<void>) | undefined;
  try {
    if (!remote) {
      const dir = new DataDir(args.data);
      if (!dir.hasState()) throw new Error(`nothing has run in ${args.data} yet (use --data, or set AzureWebJobsStorage__tableServiceUri to read a deployment)`);
      const azurite = await startAzurite({ location: dir.azurite });
      stop = () => azurite.stop();
      env.AzureWebJobsStorage = azurite.connectionString;
    }
    const settings = loadSettings({ ...env, CREDENTIAL_MODE: env.CREDENTIAL_MODE ?? 'managedidentity' }, 'local');
    const tables = await tablesFor(settings);
    return await explainMessage(tables.ledger, id);
  } finally {
    await stop?.();
  }
}
