// `exsync explain <internetMessageId>` and `exsync explain --item <id>`: reads the ledger where the decisions
// are (the data directory's Azurite, or the Azure storage account named by the settings) and prints why, per
// mailbox.
import { loadSettings } from '../shared/config';
import { tablesFor } from '../shared/compose';
import {
  explainItem,
  explainMessage,
  validItemIdInput,
  validMessageIdInput,
  type Explanation,
  type ItemExplanation,
} from '../shared/pipeline/explain';
import { DataDir } from './data-dir';
import { startAzurite } from './azurite';
import { readSettingsFile } from './settings-file';
import { BadInputError } from './bad-input';

export async function explainCommand(args: {
  id?: string;
  item?: string;
  data: string;
  settings?: string;
}): Promise<Explanation | ItemExplanation> {
  const id = args.id === undefined ? undefined : validMessageIdInput(args.id);
  if (args.id !== undefined && !id)
    throw new BadInputError(
      `"${args.id}" is not a Message-ID (like <abc@contoso.com>); for an item without one, use --item <its Exchange item id>`,
    );
  const item = args.item === undefined ? undefined : validItemIdInput(args.item);
  if (args.item !== undefined && !item)
    throw new BadInputError(
      `--item "${args.item}" is not an Exchange item id (letters, digits and + / = _ -, as the decision's graphId shows it)`,
    );
  const env: Record<string, string | undefined> = {
    ...process.env,
    ...(args.settings ? readSettingsFile(args.settings) : {}),
  };
  const remote = env.AzureWebJobsStorage || env.AzureWebJobsStorage__tableServiceUri;
  let stop: (() => Promise<void>) | undefined;
  try {
    if (!remote) {
      const dir = new DataDir(args.data);
      if (!dir.hasState())
        throw new BadInputError(
          `nothing has run in ${args.data} yet (use --data, or set AzureWebJobsStorage__tableServiceUri to read a deployment)`,
        );
      const azurite = await startAzurite({ location: dir.azurite });
      stop = () => azurite.stop();
      env.AzureWebJobsStorage = azurite.connectionString;
    }
    const settings = loadSettings({ ...env, CREDENTIAL_MODE: env.CREDENTIAL_MODE ?? 'managedidentity' }, 'local');
    const tables = await tablesFor(settings);
    return item ? await explainItem(tables.ledger, tables.mailboxes, item) : await explainMessage(tables.ledger, id!);
  } finally {
    await stop?.();
  }
}
