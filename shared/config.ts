// Every app setting the product reads: name, type, default, one-line doc. Read and validated once per
// process (loadSettings); a bad or missing setting stops the start with one message naming every problem.
// The README's settings table is checked against SETTINGS by test/unit/config.test.ts.

type Kind = 'string' | 'url' | 'int' | 'bool' | 'enum' | 'cron';
interface SettingSpec {
  name: string;
  kind: Kind;
  default?: string;
  doc: string;
  values?: readonly string[];
  min?: number;
  max?: number;
  /** Where it matters: both, or only in one runtime. */
  scope: 'all' | 'azure' | 'local';
  secret?: boolean;
}

export const CREDENTIAL_MODES = ['managedidentity', 'certificate', 'workloadidentity', 'static'] as const;
export type CredentialMode = (typeof CREDENTIAL_MODES)[number];

export const SETTINGS = [
  {
    name: 'AzureWebJobsStorage',
    kind: 'string',
    scope: 'all',
    doc: 'Storage connection string (local: set by `exsync run` to its embedded Azurite). Unset on Azure, where the identity-based `__tableServiceUri` form is used.',
  },
  {
    name: 'AzureWebJobsStorage__tableServiceUri',
    kind: 'url',
    scope: 'azure',
    doc: 'Table endpoint for checkpoints, mailboxes and the ledger, reached with the managed identity.',
  },
  {
    name: 'TABLE_PREFIX',
    kind: 'string',
    default: 'exsync',
    scope: 'all',
    doc: 'Prefix of the Table Storage table names (letters and digits).',
  },
  {
    name: 'ServiceBusConnection__fullyQualifiedNamespace',
    kind: 'string',
    scope: 'azure',
    doc: 'Service Bus namespace host (`<ns>.servicebus.windows.net`) for the triggers and the job sender.',
  },
  {
    name: 'GRAPH_BASE_URL',
    kind: 'url',
    default: 'https://graph.microsoft.com/v1.0',
    scope: 'all',
    doc: 'Microsoft Graph endpoint (national clouds, or the simulator).',
  },
  {
    name: 'DATAVERSE_URL',
    kind: 'url',
    scope: 'all',
    doc: 'Dataverse environment URL, e.g. `https://contoso.crm4.dynamics.com` (the Web API path is added).',
  },
  {
    name: 'CREDENTIAL_MODE',
    kind: 'enum',
    values: CREDENTIAL_MODES,
    default: 'managedidentity',
    scope: 'all',
    doc: 'How Graph and Dataverse tokens are obtained: managed identity, certificate, workload identity (federated), or a static token (simulators only).',
  },
  {
    name: 'AZURE_CLIENT_ID',
    kind: 'string',
    scope: 'azure',
    doc: 'Client id of the user-assigned managed identity (also used by the Azure SDK clients).',
  },
  {
    name: 'APP_TENANT_ID',
    kind: 'string',
    scope: 'all',
    doc: 'Entra tenant id of the app registration (certificate and workload identity modes).',
  },
  {
    name: 'APP_CLIENT_ID',
    kind: 'string',
    scope: 'all',
    doc: 'Client id of the app registration (certificate and workload identity modes).',
  },
  {
    name: 'APP_CERTIFICATE_PATH',
    kind: 'string',
    scope: 'all',
    doc: 'Path of the PEM certificate with private key (certificate mode).',
  },
  {
    name: 'STATIC_TOKEN',
    kind: 'string',
    scope: 'local',
    secret: true,
    doc: 'Bearer token sent as is (static mode, simulators only).',
  },
  {
    name: 'GRAPH_PAGE_SIZE',
    kind: 'int',
    default: '100',
    min: 1,
    max: 1000,
    scope: 'all',
    doc: 'Delta page size asked of Graph (`Prefer: odata.maxpagesize`).',
  },
  {
    name: 'SYNC_INTERVAL_SECONDS',
    kind: 'int',
    default: '300',
    min: 10,
    max: 86400,
    scope: 'all',
    doc: 'Time between two syncs of a mailbox (SSS: 5 minutes after a cycle ends).',
  },
  {
    name: 'SCHEDULE_CRON',
    kind: 'cron',
    default: '0 */1 * * * *',
    scope: 'all',
    doc: 'NCRONTAB of the schedule timer that enqueues due mailboxes.',
  },
  {
    name: 'SYNC_TIME_BUDGET_SECONDS',
    kind: 'int',
    default: '240',
    min: 5,
    max: 1800,
    scope: 'all',
    doc: 'Work budget of one sync job; the rest continues in a continuation job.',
  },
  {
    name: 'DATAVERSE_BATCH_SIZE',
    kind: 'int',
    default: '100',
    min: 1,
    max: 300,
    scope: 'all',
    doc: 'Emails per Dataverse `$batch` request (each email is a change set of 2 or 3 requests; a batch holds at most 1,000).',
  },
  {
    name: 'WRITE_BATCH_MAX_BYTES',
    kind: 'int',
    default: '200000',
    min: 10000,
    max: 1000000,
    scope: 'all',
    doc: 'Largest write-batch message (Service Bus Standard allows 256 KB).',
  },
  {
    name: 'QUEUE_MAX_DELIVERY_COUNT',
    kind: 'int',
    default: '10',
    min: 1,
    max: 2000,
    scope: 'local',
    doc: 'Deliveries before the embedded queue dead-letters a message (on Azure: the queue property set by Bicep).',
  },
  {
    name: 'AUTO_TRACK_SENT_ITEMS',
    kind: 'bool',
    scope: 'all',
    doc: 'Overrides the OrgDB setting AutoTrackSentFolderItems (scan Sent Items); unset = read from Dataverse.',
  },
  {
    name: 'TRACKED_CATEGORY_NAME',
    kind: 'string',
    default: 'Tracked to Dynamics 365',
    scope: 'all',
    doc: 'Outlook category that tracks an item whatever the filters (SSS: TrackCategorizedItems, exact name).',
  },
  {
    name: 'ENHANCED_REFERENCES',
    kind: 'bool',
    default: 'false',
    scope: 'all',
    doc: 'Enhanced: correlate by the References header (newest first) after In-Reply-To; SSS ignores References.',
  },
  {
    name: 'ENHANCED_AUTO_REPLY_POLICY',
    kind: 'bool',
    default: 'false',
    scope: 'all',
    doc: 'Enhanced: skip automatic replies (Auto-Submitted, Precedence, X-Autoreply) with reason AutoReply; SSS tracks them.',
  },
  {
    name: 'ENHANCED_SAME_SUBJECT_GUARD',
    kind: 'bool',
    default: 'false',
    scope: 'all',
    doc: 'Enhanced: header and conversation-index correlation need the same subject (RE:/FW: aside), so a forwarded thread does not pull in unrelated mail.',
  },
  {
    name: 'ENHANCED_PROCESS_MOVED_MAIL',
    kind: 'bool',
    default: 'false',
    scope: 'all',
    doc: 'Enhanced: process mail moved into the Inbox later (per-folder delta); SSS skips mail received before its watermark.',
  },
  {
    name: 'ENHANCED_OUTAGE_BACKOFF',
    kind: 'bool',
    default: 'false',
    scope: 'all',
    doc: 'Enhanced: when at least half of the mailboxes fail within 15 minutes the platform is down, not the mailboxes: back off and retry without disabling anyone; SSS disables each after 10 failures.',
  },
  {
    name: 'PARTY_EXTRA_TABLES',
    kind: 'string',
    default: '',
    scope: 'all',
    doc: 'More email-enabled tables for party resolution, beyond users, queues, contacts, accounts and leads: `logicalname:column|column` items separated by commas, e.g. `new_vendor:emailaddress`.',
  },
  {
    name: 'LOG_PERSONAL_DATA',
    kind: 'bool',
    default: 'false',
    scope: 'all',
    doc: 'Allow email addresses and subjects in logs and telemetry.',
  },
  {
    name: 'LIVE_METRICS',
    kind: 'bool',
    default: 'false',
    scope: 'azure',
    doc: 'Application Insights Live Metrics, for the worker (Azure Monitor distro) and, through the app setting Bicep derives from it, the Functions host. Off by default; when on, it shows what telemetry shows, under the same redaction.',
  },
  {
    name: 'CLOCK_SPEED',
    kind: 'int',
    default: '1',
    min: 1,
    max: 100000,
    scope: 'local',
    doc: 'How many times faster than real time the local runtime and simulators run.',
  },
  {
    name: 'SIM_LIMITS',
    kind: 'enum',
    values: ['off', 'real'],
    default: 'off',
    scope: 'local',
    doc: "Service protection limits of the local simulators (`exsync run`, `exsync sim`): `real` = Graph's 4 concurrent and 10,000 per 10 minutes per app and mailbox, Dataverse's per-user limits, on the simulator clock.",
  },
] as const satisfies readonly SettingSpec[];

export type SettingName = (typeof SETTINGS)[number]['name'];

export interface Settings {
  storageConnectionString?: string;
  tableServiceUri?: string;
  tablePrefix: string;
  serviceBusNamespace?: string;
  graphBaseUrl: string;
  dataverseUrl?: string;
  credentialMode: CredentialMode;
  azureClientId?: string;
  appTenantId?: string;
  appClientId?: string;
  appCertificatePath?: string;
  staticToken?: string;
  graphPageSize: number;
  syncIntervalSeconds: number;
  scheduleCron: string;
  syncTimeBudgetSeconds: number;
  dataverseBatchSize: number;
  writeBatchMaxBytes: number;
  queueMaxDeliveryCount: number;
  autoTrackSentItems?: boolean;
  trackedCategoryName: string;
  enhancedReferences: boolean;
  enhancedAutoReplyPolicy: boolean;
  enhancedSameSubjectGuard: boolean;
  enhancedProcessMovedMail: boolean;
  enhancedOutageBackoff: boolean;
  /** Extra email-enabled tables for party resolution: logical name and email columns. */
  partyExtraTables: { logicalName: string; columns: string[] }[];
  logPersonalData: boolean;
  liveMetrics: boolean;
  clockSpeed: number;
  /** Whether the local simulators enforce the services' limits. */
  simLimits: 'off' | 'real';
}

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid settings (${problems.length}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SettingsError';
  }
}

type Env = Record<string, string | undefined>;

function parseOne(spec: SettingSpec, raw: string, problems: string[]): string | number | boolean | undefined {
  const bad = (why: string) => (problems.push(`${spec.name}: ${why}`), undefined);
  switch (spec.kind) {
    case 'string':
      return raw;
    case 'url': {
      let u: URL;
      try {
        u = new URL(raw);
      } catch {
        return bad(`"${raw}" is not an absolute URL`);
      }
      if (u.protocol !== 'https:' && u.protocol !== 'http:') return bad('must be an http(s) URL');
      return raw.replace(/\/+$/, '');
    }
    case 'int': {
      if (!/^-?\d+$/.test(raw.trim())) return bad(`"${raw}" is not a whole number`);
      const n = Number(raw);
      if (spec.min !== undefined && n < spec.min) return bad(`${n} is below the minimum ${spec.min}`);
      if (spec.max !== undefined && n > spec.max) return bad(`${n} is above the maximum ${spec.max}`);
      return n;
    }
    case 'bool': {
      const v = raw.trim().toLowerCase();
      if (['true', '1', 'yes'].includes(v)) return true;
      if (['false', '0', 'no'].includes(v)) return false;
      return bad(`"${raw}" is not true or false`);
    }
    case 'enum':
      if (!spec.values!.includes(raw)) return bad(`"${raw}" is not one of ${spec.values!.join(', ')}`);
      return raw;
    case 'cron': {
      const fields = raw.trim().split(/\s+/);
      if (fields.length !== 6 || !fields.every((f) => /^[\d*/,\-]+$/.test(f)))
        return bad(`"${raw}" is not a 6-field NCRONTAB expression (seconds first)`);
      return raw.trim();
    }
  }
}

/** Validates every setting at once; the runtime decides which are required (requireFor). */
export function loadSettings(env: Env, requireFor: 'azure' | 'local' = 'local'): Settings {
  const problems: string[] = [];
  const v: Record<string, string | number | boolean | undefined> = {};
  for (const spec of SETTINGS as readonly SettingSpec[]) {
    const raw = env[spec.name];
    const value = raw === undefined || raw === '' ? spec.default : raw;
    v[spec.name] = value === undefined ? undefined : parseOne(spec, value, problems);
  }
  const mode = v.CREDENTIAL_MODE as CredentialMode | undefined;
  if (mode === 'certificate') {
    for (const n of ['APP_TENANT_ID', 'APP_CLIENT_ID', 'APP_CERTIFICATE_PATH'])
      if (!v[n]) problems.push(`${n}: required when CREDENTIAL_MODE is certificate`);
  }
  if (mode === 'workloadidentity') {
    for (const n of ['APP_TENANT_ID', 'APP_CLIENT_ID'])
      if (!v[n]) problems.push(`${n}: required when CREDENTIAL_MODE is workloadidentity`);
  }
  if (mode === 'static' && !v.STATIC_TOKEN) problems.push('STATIC_TOKEN: required when CREDENTIAL_MODE is static');
  if (mode === 'static' && requireFor === 'azure')
    problems.push(
      'CREDENTIAL_MODE: static tokens are for the simulators only; use managedidentity, certificate or workloadidentity on Azure',
    );
  if (requireFor === 'azure') {
    if (!v.DATAVERSE_URL) problems.push('DATAVERSE_URL: required');
    if (!v.ServiceBusConnection__fullyQualifiedNamespace)
      problems.push('ServiceBusConnection__fullyQualifiedNamespace: required');
    if (!v.AzureWebJobsStorage && !v.AzureWebJobsStorage__tableServiceUri)
      problems.push('AzureWebJobsStorage__tableServiceUri: required (or AzureWebJobsStorage)');
  }
  if (typeof v.TABLE_PREFIX === 'string' && !/^[A-Za-z][A-Za-z0-9]{0,40}$/.test(v.TABLE_PREFIX))
    problems.push('TABLE_PREFIX: letters and digits only, starting with a letter, at most 41 characters');
  if (typeof v.PARTY_EXTRA_TABLES === 'string') {
    try {
      parsePartyTables(v.PARTY_EXTRA_TABLES);
    } catch (e) {
      problems.push(`PARTY_EXTRA_TABLES: ${(e as Error).message}`);
    }
  }
  if (problems.length) throw new SettingsError(problems);
  return {
    storageConnectionString: v.AzureWebJobsStorage as string | undefined,
    tableServiceUri: v.AzureWebJobsStorage__tableServiceUri as string | undefined,
    tablePrefix: v.TABLE_PREFIX as string,
    serviceBusNamespace: v.ServiceBusConnection__fullyQualifiedNamespace as string | undefined,
    graphBaseUrl: v.GRAPH_BASE_URL as string,
    dataverseUrl: v.DATAVERSE_URL as string | undefined,
    credentialMode: mode as CredentialMode,
    azureClientId: v.AZURE_CLIENT_ID as string | undefined,
    appTenantId: v.APP_TENANT_ID as string | undefined,
    appClientId: v.APP_CLIENT_ID as string | undefined,
    appCertificatePath: v.APP_CERTIFICATE_PATH as string | undefined,
    staticToken: v.STATIC_TOKEN as string | undefined,
    graphPageSize: v.GRAPH_PAGE_SIZE as number,
    syncIntervalSeconds: v.SYNC_INTERVAL_SECONDS as number,
    scheduleCron: v.SCHEDULE_CRON as string,
    syncTimeBudgetSeconds: v.SYNC_TIME_BUDGET_SECONDS as number,
    dataverseBatchSize: v.DATAVERSE_BATCH_SIZE as number,
    writeBatchMaxBytes: v.WRITE_BATCH_MAX_BYTES as number,
    queueMaxDeliveryCount: v.QUEUE_MAX_DELIVERY_COUNT as number,
    autoTrackSentItems: v.AUTO_TRACK_SENT_ITEMS as boolean | undefined,
    trackedCategoryName: v.TRACKED_CATEGORY_NAME as string,
    enhancedReferences: v.ENHANCED_REFERENCES as boolean,
    enhancedAutoReplyPolicy: v.ENHANCED_AUTO_REPLY_POLICY as boolean,
    enhancedSameSubjectGuard: v.ENHANCED_SAME_SUBJECT_GUARD as boolean,
    enhancedProcessMovedMail: v.ENHANCED_PROCESS_MOVED_MAIL as boolean,
    enhancedOutageBackoff: v.ENHANCED_OUTAGE_BACKOFF as boolean,
    partyExtraTables: parsePartyTables(String(v.PARTY_EXTRA_TABLES ?? '')),
    logPersonalData: v.LOG_PERSONAL_DATA as boolean,
    liveMetrics: v.LIVE_METRICS as boolean,
    clockSpeed: v.CLOCK_SPEED as number,
    simLimits: v.SIM_LIMITS as 'off' | 'real',
  };
}

/** One setting, parsed on its own, for what must be decided before the settings are validated (telemetry
 *  starts first); an unusable value gives the default here and is reported when the settings load. */
export function earlySetting(env: Env, name: SettingName): string | number | boolean | undefined {
  const spec = (SETTINGS as readonly SettingSpec[]).find((s) => s.name === name)!;
  const raw = env[name];
  const fallback = spec.default === undefined ? undefined : parseOne(spec, spec.default, []);
  if (raw === undefined || raw === '') return fallback;
  const problems: string[] = [];
  const value = parseOne(spec, raw, problems);
  return problems.length ? fallback : value;
}

/** `new_vendor:emailaddress|emailaddress2, other:email` -> tables and columns (at most 20 tables: a cap on lookup cost). */
export function parsePartyTables(raw: string): { logicalName: string; columns: string[] }[] {
  const items = raw
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  if (items.length > 20) throw new Error('at most 20 extra tables');
  return items.map((item) => {
    const m = /^([a-z][a-z0-9_]*):([a-z0-9_]+(?:\|[a-z0-9_]+)*)$/i.exec(item);
    if (!m) throw new Error(`"${item}" is not logicalname:column|column`);
    return { logicalName: m[1]!.toLowerCase(), columns: m[2]!.toLowerCase().split('|') };
  });
}

/** The one place that turns process.env into settings; the Functions entry and the CLI call it once. */
let cached: Settings | undefined;
export function settings(requireFor: 'azure' | 'local' = 'azure'): Settings {
  return (cached ??= loadSettings(process.env, requireFor));
}
