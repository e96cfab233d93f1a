// Where the admin commands (explain, mailbox list, dlq) read: a "target" that yields the same ports for the local
// data directory (its Azurite) and for a deployment (Table Storage and Service Bus through the real SDKs, with the
// signed-in developer's credential: DefaultAzureCredential, which includes `az login`). A deployment is named by
// --deployment (an azd environment, or tables=/servicebus=/prefix=), or by settings (AzureWebJobsStorage,
// AzureWebJobsStorage__tableServiceUri, ServiceBusConnection__fullyQualifiedNamespace) in the environment or
// --settings.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSettings, type Settings } from '../shared/config';
import { tablesFor } from '../shared/compose';
import type { TableStore } from '../shared/adapters/tables';
import { createServiceBusQueue, type ServiceBusQueue } from '../shared/adapters/servicebus';
import { azureResourceCredential } from '../shared/adapters/identity';
import { DataDir } from './data-dir';
import { startAzurite } from './azurite';
import { readSettingsFile } from './settings-file';
import { BadInputError } from './bad-input';

export interface TargetArgs {
  data: string;
  settings?: string;
  deployment?: string;
}

export interface Target {
  /** 'local' (the data directory) or 'deployment'. */
  kind: 'local' | 'deployment';
  settings: Settings;
  tables: TableStore;
  /** The deployment's Service Bus, when one is named; locally dead letters are in the data directory. */
  serviceBus?: ServiceBusQueue;
  close(): Promise<void>;
}

/** The azd outputs a deployment is found by (infra/main.bicep): the table endpoint, the namespace, the prefix. */
const AZD_KEYS: Record<string, string> = {
  AZURE_STORAGE_TABLE_ENDPOINT: 'AzureWebJobsStorage__tableServiceUri',
  SERVICE_BUS_NAMESPACE: 'ServiceBusConnection__fullyQualifiedNamespace',
  TABLE_PREFIX: 'TABLE_PREFIX',
};
const SPEC_KEYS: Record<string, string> = {
  tables: 'AzureWebJobsStorage__tableServiceUri',
  servicebus: 'ServiceBusConnection__fullyQualifiedNamespace',
  prefix: 'TABLE_PREFIX',
};

function dotenv(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) out[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
  }
  return out;
}

/** --deployment as settings: `tables=URL,servicebus=NS,prefix=P`, or the name of an azd environment (.azure/NAME/.env). */
export function deploymentSettings(spec: string, cwd = process.cwd()): Record<string, string> {
  const out: Record<string, string> = {};
  if (spec.includes('=')) {
    for (const part of spec.split(',')) {
      const at = part.indexOf('=');
      const key = SPEC_KEYS[part.slice(0, at).trim()];
      if (at < 0 || !key)
        throw new BadInputError(`--deployment: "${part}" is not tables=URL, servicebus=NAMESPACE or prefix=P`);
      out[key] = part.slice(at + 1).trim();
    }
  } else {
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(spec))
      throw new BadInputError(`--deployment: "${spec}" is not an azd environment name`);
    const file = join(cwd, '.azure', spec, '.env');
    if (!existsSync(file))
      throw new BadInputError(`--deployment ${spec}: no azd environment here (${file} is missing)`);
    const env = dotenv(file);
    for (const [from, to] of Object.entries(AZD_KEYS)) if (env[from]) out[to] = env[from];
  }
  if (!out.AzureWebJobsStorage__tableServiceUri)
    throw new BadInputError(
      `--deployment ${spec}: no table endpoint (tables=https://<account>.table.core.windows.net)`,
    );
  if (
    out.ServiceBusConnection__fullyQualifiedNamespace &&
    !out.ServiceBusConnection__fullyQualifiedNamespace.includes('.')
  )
    out.ServiceBusConnection__fullyQualifiedNamespace += '.servicebus.windows.net';
  return out;
}

/** The settings a command reads with: the environment, then --settings, then --deployment. */
function targetEnv(args: TargetArgs): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    ...(args.settings ? readSettingsFile(args.settings) : {}),
    ...(args.deployment ? deploymentSettings(args.deployment) : {}),
  };
  // A named deployment is reached with the developer's sign-in, never with a key a local run left in the environment.
  if (args.deployment) delete env.AzureWebJobsStorage;
  return env;
}

const isRemote = (env: Record<string, string | undefined>) =>
  !!(env.AzureWebJobsStorage || env.AzureWebJobsStorage__tableServiceUri);

/** Whether the command reads a deployment's storage (--deployment, or a storage account in the settings). */
export function namesDeployment(args: TargetArgs): boolean {
  return isRemote(targetEnv(args));
}

export async function openTarget(args: TargetArgs): Promise<Target> {
  const env = targetEnv(args);
  const remote = isRemote(env);
  let stop: (() => Promise<void>) | undefined;
  if (!remote) {
    const dir = new DataDir(args.data);
    if (!dir.hasState())
      throw new BadInputError(`nothing has run in ${args.data} yet (use --data, or --deployment to read a deployment)`);
    const azurite = await startAzurite({ location: dir.azurite });
    stop = () => azurite.stop();
    env.AzureWebJobsStorage = azurite.connectionString;
  }
  try {
    const settings = loadSettings({ ...env, CREDENTIAL_MODE: env.CREDENTIAL_MODE ?? 'managedidentity' }, 'local');
    const tables = await tablesFor(settings);
    const serviceBus = settings.serviceBusNamespace
      ? createServiceBusQueue({
          fullyQualifiedNamespace: settings.serviceBusNamespace,
          credential: azureResourceCredential(settings),
        })
      : undefined;
    return {
      kind: remote ? 'deployment' : 'local',
      settings,
      tables,
      ...(serviceBus ? { serviceBus } : {}),
      close: async () => {
        await serviceBus?.close();
        await stop?.();
      },
    };
  } catch (e) {
    await stop?.();
    throw e;
  }
}
