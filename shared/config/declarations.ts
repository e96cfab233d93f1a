// Every app setting the product reads, declared once: its name, the kind of value (parser, bounds, values),
// default, where it applies (all, azure, local), whether the stage handlers read it, and its doc line. The
// Settings type, the validation (load.ts), the stage settings and docs/settings.md all come from here.
import { bool, cron, int, oneOf, partyTables, text, url } from './values';
import { NOTIFY_DECLARED } from './declarations-notify';

export const CREDENTIAL_MODES = ['managedidentity', 'certificate', 'workloadidentity', 'static'] as const;

/** What one declaration holds; the entries below keep their literal types, from which Settings is inferred. */
export interface SettingSpec {
  /** The app-setting (environment) name. */
  readonly name: string;
  /** The label of the kind of value in the settings table. */
  readonly kind: 'string' | 'url' | 'int' | 'bool' | 'enum' | 'cron';
  /** Raw text to the typed value; throws SettingValueError saying what was expected. */
  readonly parse: (raw: string) => unknown;
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly string[];
  /** Raw text used when the setting is unset or empty; without one the value is optional. */
  readonly default?: string;
  /** A sample value for local.settings.sample.json when there is no default (placeholders in <>). */
  readonly example?: string;
  /** Where it matters: both hosts, or only Azure or only the local runtime. */
  readonly scope: 'all' | 'azure' | 'local';
  /** Read by the stage handlers (handed over as PipelineDeps.settings). */
  readonly stage?: true;
  readonly secret?: true;
  readonly doc: string;
}

export const DECLARED = {
  storageConnectionString: {
    name: 'AzureWebJobsStorage',
    ...text(),
    example: 'UseDevelopmentStorage=true',
    scope: 'all',
    doc: 'Storage connection string (local: set by `exsync run` to its embedded Azurite). Unset on Azure, where the identity-based `__tableServiceUri` form is used.',
  },
  tableServiceUri: {
    name: 'AzureWebJobsStorage__tableServiceUri',
    ...url(),
    example: 'https://<storage-account>.table.core.windows.net',
    scope: 'azure',
    doc: 'Table endpoint for checkpoints, mailboxes and the ledger, reached with the managed identity.',
  },
  tablePrefix: {
    name: 'TABLE_PREFIX',
    ...text(/^[A-Za-z][A-Za-z0-9]{0,40}$/, 'letters and digits only, starting with a letter, at most 41 characters'),
    default: 'exsync',
    scope: 'all',
    doc: 'Prefix of the Table Storage table names (letters and digits).',
  },
  serviceBusNamespace: {
    name: 'ServiceBusConnection__fullyQualifiedNamespace',
    ...text(),
    example: '<namespace>.servicebus.windows.net',
    scope: 'azure',
    doc: 'Service Bus namespace host (`<ns>.servicebus.windows.net`) for the triggers and the job sender.',
  },
  graphBaseUrl: {
    name: 'GRAPH_BASE_URL',
    ...url(),
    default: 'https://graph.microsoft.com/v1.0',
    scope: 'all',
    doc: 'Microsoft Graph endpoint (national clouds, or the simulator).',
  },
  dataverseUrl: {
    name: 'DATAVERSE_URL',
    ...url(),
    example: 'https://<org>.crm4.dynamics.com',
    scope: 'all',
    doc: 'Dataverse environment URL, e.g. `https://contoso.crm4.dynamics.com` (the Web API path is added).',
  },
  credentialMode: {
    name: 'CREDENTIAL_MODE',
    ...oneOf(CREDENTIAL_MODES),
    default: 'managedidentity',
    scope: 'all',
    doc: 'How Graph and Dataverse tokens are obtained: managed identity, certificate, workload identity (federated), or a static token (simulators only).',
  },
  azureClientId: {
    name: 'AZURE_CLIENT_ID',
    ...text(),
    example: '<client id of the user-assigned managed identity>',
    scope: 'azure',
    doc: 'Client id of the user-assigned managed identity (also used by the Azure SDK clients).',
  },
  appTenantId: {
    name: 'APP_TENANT_ID',
    ...text(),
    example: '<tenant id>',
    scope: 'all',
    doc: 'Entra tenant id of the app registration (certificate and workload identity modes).',
  },
  appClientId: {
    name: 'APP_CLIENT_ID',
    ...text(),
    example: '<app registration client id>',
    scope: 'all',
    doc: 'Client id of the app registration (certificate and workload identity modes).',
  },
  appCertificatePath: {
    name: 'APP_CERTIFICATE_PATH',
    ...text(),
    example: './certs/exsync.pem',
    scope: 'all',
    doc: 'Path of the PEM certificate with private key (certificate mode).',
  },
  staticToken: {
    name: 'STATIC_TOKEN',
    ...text(),
    scope: 'local',
    secret: true,
    doc: 'Bearer token sent as is (static mode, simulators only).',
  },
  graphPageSize: {
    name: 'GRAPH_PAGE_SIZE',
    ...int(1, 1000),
    default: '100',
    scope: 'all',
    doc: 'Delta page size asked of Graph (`Prefer: odata.maxpagesize`).',
  },
  syncIntervalSeconds: {
    name: 'SYNC_INTERVAL_SECONDS',
    ...int(10, 86400),
    default: '300',
    scope: 'all',
    stage: true,
    doc: 'Time between two syncs of a mailbox (SSS: 5 minutes after a cycle ends).',
  },
  sendPerCycle: {
    name: 'SEND_MAX_PER_CYCLE',
    ...int(1, 10000),
    default: '150',
    scope: 'all',
    stage: true,
    doc: 'Most emails one mailbox sends in a cycle, oldest first; the rest waits in Pending Send, in order, for the next cycles (Exchange Online accepts 30 messages a minute from a mailbox).',
  },
  scheduleCron: {
    name: 'SCHEDULE_CRON',
    ...cron(),
    default: '0 */1 * * * *',
    scope: 'all',
    doc: 'NCRONTAB of the schedule timer that enqueues due mailboxes.',
  },
  ...NOTIFY_DECLARED,
  syncTimeBudgetSeconds: {
    name: 'SYNC_TIME_BUDGET_SECONDS',
    ...int(5, 1800),
    default: '240',
    scope: 'all',
    stage: true,
    doc: 'Work budget of one sync job; the rest continues in a continuation job.',
  },
  dataverseBatchSize: {
    name: 'DATAVERSE_BATCH_SIZE',
    ...int(1, 300),
    default: '100',
    scope: 'all',
    doc: 'Emails per Dataverse `$batch` request (each email is a change set of 2 or 3 requests; a batch holds at most 1,000).',
  },
  writeBatchMaxBytes: {
    name: 'WRITE_BATCH_MAX_BYTES',
    ...int(10000, 1000000),
    default: '200000',
    scope: 'all',
    stage: true,
    doc: 'Largest write-batch message (Service Bus Standard allows 256 KB).',
  },
  queueMaxDeliveryCount: {
    name: 'QUEUE_MAX_DELIVERY_COUNT',
    ...int(1, 2000),
    default: '10',
    scope: 'local',
    doc: 'Deliveries before the embedded queue dead-letters a message (on Azure: the queue property set by Bicep).',
  },
  autoTrackSentItems: {
    name: 'AUTO_TRACK_SENT_ITEMS',
    ...bool(),
    scope: 'all',
    stage: true,
    doc: 'Overrides the OrgDB setting AutoTrackSentFolderItems (scan Sent Items); unset = read from Dataverse.',
  },
  trackedCategoryName: {
    name: 'TRACKED_CATEGORY_NAME',
    ...text(),
    default: 'Tracked to Dynamics 365',
    scope: 'all',
    stage: true,
    doc: 'Outlook category that tracks an item whatever the filters (SSS: TrackCategorizedItems, exact name).',
  },
  enhancedReferences: {
    name: 'ENHANCED_REFERENCES',
    ...bool(),
    default: 'false',
    scope: 'all',
    stage: true,
    doc: 'Enhanced: correlate by the References header (newest first) after In-Reply-To; SSS ignores References.',
  },
  enhancedAutoReplyPolicy: {
    name: 'ENHANCED_AUTO_REPLY_POLICY',
    ...bool(),
    default: 'false',
    scope: 'all',
    stage: true,
    doc: 'Enhanced: skip automatic replies (Auto-Submitted, Precedence, X-Autoreply) with reason AutoReply; SSS tracks them.',
  },
  enhancedSameSubjectGuard: {
    name: 'ENHANCED_SAME_SUBJECT_GUARD',
    ...bool(),
    default: 'false',
    scope: 'all',
    stage: true,
    doc: 'Enhanced: header and conversation-index correlation need the same subject (RE:/FW: aside), so a forwarded thread does not pull in unrelated mail.',
  },
  enhancedProcessMovedMail: {
    name: 'ENHANCED_PROCESS_MOVED_MAIL',
    ...bool(),
    default: 'false',
    scope: 'all',
    stage: true,
    doc: 'Enhanced: process mail moved into the Inbox later (per-folder delta); SSS skips mail received before its watermark.',
  },
  enhancedOutageBackoff: {
    name: 'ENHANCED_OUTAGE_BACKOFF',
    ...bool(),
    default: 'false',
    scope: 'all',
    stage: true,
    doc: 'Enhanced: when at least half of the mailboxes fail within 15 minutes the platform is down, not the mailboxes: back off and retry without disabling anyone; SSS disables each after 10 failures.',
  },
  shadowMode: {
    name: 'SHADOW_MODE',
    ...bool(),
    default: 'false',
    scope: 'all',
    stage: true,
    doc: 'Cut-over: sync and decide for every mailbox the ownership registry does not list as owned or released, but write nothing to Dataverse or Exchange; `exsync shadow report` compares the decisions with what SSS tracked. Off: a mailbox the registry does not list is owned, as before the cut-over tools (docs/cut-over.md).',
  },
  partyExtraTables: {
    name: 'PARTY_EXTRA_TABLES',
    ...partyTables(),
    default: '',
    scope: 'all',
    doc: 'More email-enabled tables for party resolution, beyond users, queues, contacts, accounts and leads: `logicalname:column|column` items separated by commas, e.g. `new_vendor:emailaddress`.',
  },
  logPersonalData: {
    name: 'LOG_PERSONAL_DATA',
    ...bool(),
    default: 'false',
    scope: 'all',
    doc: 'Allow email addresses and subjects in logs and telemetry.',
  },
  liveMetrics: {
    name: 'LIVE_METRICS',
    ...bool(),
    default: 'false',
    scope: 'azure',
    doc: 'Application Insights Live Metrics, for the worker (Azure Monitor distro) and, through the app setting Bicep derives from it, the Functions host. Off by default; when on, it shows what telemetry shows, under the same redaction.',
  },
  clockSpeed: {
    name: 'CLOCK_SPEED',
    ...int(1, 100000),
    default: '1',
    scope: 'local',
    doc: 'How many times faster than real time the local runtime and simulators run.',
  },
  simLimits: {
    name: 'SIM_LIMITS',
    ...oneOf(['off', 'real']),
    default: 'off',
    scope: 'local',
    doc: "Service protection limits of the local simulators (`exsync run`, `exsync sim`): `real` = Graph's 4 concurrent and 10,000 per 10 minutes per app and mailbox, Dataverse's per-user limits, on the simulator clock.",
  },
} as const satisfies Record<string, SettingSpec>;
