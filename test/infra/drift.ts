// The drift checks as pure functions over texts: Bicep text on one side, what the code declares (SETTINGS,
// QUEUES, the trigger registrations, the expected role grants) on the other. Each returns what differs, by
// name, so a test can feed it the real texts (expect no drift) or a copy with one change on one side
// (expect exactly that name) — see drift.test.ts.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  balancedFrom,
  blocks,
  bound,
  code,
  params,
  prop,
  quotedNames,
  readText,
  resolve,
  resources,
  root,
} from './bicep-text';

// ---------------------------------------------------------------- app settings

/** What a test needs of a declared setting (shared/config/declarations.ts entries fit). */
export interface DeclaredSetting {
  readonly name: string;
  readonly scope: string;
  readonly default?: string;
  readonly min?: number;
  readonly max?: number;
}

/** Platform and identity settings the code does not declare (the host, the SDKs, App Insights read them). */
export const PLATFORM_SETTINGS: readonly RegExp[] = [
  /^AzureWebJobsStorage__\w+$/,
  /^ServiceBusConnection__\w+$/,
  /^APPLICATIONINSIGHTS_\w+$/,
  /^FUNCTIONS_\w+$/,
  /^AZURE_CLIENT_ID$/,
  /^AzureFunctionsJobHost__\w+$/,
];

/** Declared settings deliberately not set on Azure, with the reason. */
export const NOT_ON_AZURE: Readonly<Record<string, string>> = {
  AzureWebJobsStorage:
    'a connection string needs shared keys, which are off; Azure uses the identity-based AzureWebJobsStorage__* form',
};

/** The `var appSettings = [...]` array of infra/app/function.bicep (comments removed). */
export function appSettingsBlock(functionBicep: string): string {
  const src = code(functionBicep);
  const at = src.indexOf('var appSettings =');
  if (at < 0) throw new Error('function.bicep declares no var appSettings');
  return balancedFrom(src, at);
}

/** Every `name: '...'` in the appSettings array, in order (duplicates kept). */
export const appSettingNames = (functionBicep: string): string[] => quotedNames(appSettingsBlock(functionBicep));

export interface SettingsDrift {
  /** Declared for Azure (scope all|azure) but not set by function.bicep. */
  missingFromBicep: string[];
  /** Set by function.bicep but neither declared nor a platform name. */
  unknownToCode: string[];
  /** Declared local-only but set on Azure. */
  localOnlyOnAzure: string[];
  /** Set more than once. */
  setTwice: string[];
}

export function settingsDrift(functionBicep: string, settings: readonly DeclaredSetting[]): SettingsDrift {
  const names = appSettingNames(functionBicep);
  const set = new Set(names);
  const declared = new Set(settings.map((s) => s.name));
  return {
    missingFromBicep: settings
      .filter((s) => s.scope !== 'local' && !(s.name in NOT_ON_AZURE) && !set.has(s.name))
      .map((s) => s.name),
    unknownToCode: [...set].filter((n) => !declared.has(n) && !PLATFORM_SETTINGS.some((re) => re.test(n))),
    localOnlyOnAzure: [...set].filter((n) => settings.some((s) => s.name === n && s.scope === 'local')),
    setTwice: [...new Set(names.filter((n, i) => names.indexOf(n) !== i))],
  };
}

/**
 * Defaults and @minValue/@maxValue of the main.bicep parameters that feed a setting
 * ({ name: 'X', value: [string(]p[)] } -> function.bicep param p -> main.bicep param), against the code's.
 * Returns one line per difference and how many defaults were compared.
 */
export function defaultsDrift(
  mainBicep: string,
  functionBicep: string,
  settings: readonly DeclaredSetting[],
): { mismatches: string[]; compared: number } {
  const block = appSettingsBlock(functionBicep);
  const main = code(mainBicep);
  const mainParams = new Map(params(mainBicep).map((p) => [p.name, p]));
  const apiAt = main.indexOf("module api 'app/function.bicep'");
  if (apiAt < 0) throw new Error("main.bicep has no module api 'app/function.bicep'");
  const apiModule = balancedFrom(main, apiAt);
  const apiParams = balancedFrom(apiModule, apiModule.indexOf('params:'));
  const mismatches: string[] = [];
  let compared = 0;
  for (const s of settings) {
    const value = new RegExp(`name: '${s.name}', value: (?:string\\()?(\\w+)\\)? \\}`).exec(block)?.[1];
    const mainName = value && prop(apiParams, value);
    const p = mainName && /^\w+$/.test(mainName) ? mainParams.get(mainName) : undefined;
    if (!p) continue;
    if (s.default !== undefined) {
      const d = p.defaultExpr?.replace(/^'(.*)'$/, '$1');
      if (d !== s.default)
        mismatches.push(`${s.name}: default ${s.default} in code, ${d ?? '(none)'} in param ${p.name}`);
      compared++;
    }
    if (s.min !== undefined && bound(p, 'minValue') !== s.min)
      mismatches.push(`${s.name}: min ${s.min} in code, @minValue ${bound(p, 'minValue') ?? '(none)'} on ${p.name}`);
    if (s.max !== undefined && bound(p, 'maxValue') !== s.max)
      mismatches.push(`${s.name}: max ${s.max} in code, @maxValue ${bound(p, 'maxValue') ?? '(none)'} on ${p.name}`);
  }
  return { mismatches, compared };
}

// ---------------------------------------------------------------- queues

export interface BicepQueue {
  name: string;
  body: string;
}
/** Non-existing `Microsoft.ServiceBus/namespaces/queues` resources with their names resolved. */
export function bicepQueues(servicebusBicep: string): BicepQueue[] {
  return resources(servicebusBicep, 'Microsoft.ServiceBus/namespaces/queues').map((r) => ({
    name: String(resolve(servicebusBicep, prop(r.body, 'name'))),
    body: r.body,
  }));
}
/** A queue property, resolved through the file's vars (`maxDeliveryCount: maxDeliveryCount` -> 10). */
export const queueFlag = (servicebusBicep: string, q: BicepQueue, key: string): unknown =>
  resolve(servicebusBicep, prop(q.body, key));

export interface Trigger {
  file: string;
  fn: string;
  /** The queue name, or `?<expression>` when it does not resolve. */
  queue: string;
  connection?: string;
  sessions: boolean;
}
/** The `app.serviceBusQueue('fn', {...})` registrations in the given function files (file name -> text). */
export function triggers(
  functionFiles: Readonly<Record<string, string>>,
  queues: Readonly<Record<string, string>>,
): Trigger[] {
  const out: Trigger[] = [];
  for (const [file, text] of Object.entries(functionFiles)) {
    for (const b of blocks(text, /app\.serviceBusQueue\('([^']+)',\s*/g)) {
      const queueExpr = prop(b.body, 'queueName') ?? '';
      const key = /^QUEUES\.(\w+)$/.exec(queueExpr)?.[1];
      const queue = key ? queues[key] : resolve('', queueExpr);
      const connection = resolve('', prop(b.body, 'connection'));
      out.push({
        file,
        fn: b.header[1]!,
        queue: typeof queue === 'string' ? queue : `?${queueExpr}`,
        ...(typeof connection === 'string' ? { connection } : {}),
        sessions: prop(b.body, 'isSessionsEnabled') === 'true',
      });
    }
  }
  return out;
}

export interface QueueDrift {
  /** In QUEUES (or listened on by a trigger) but not created by Bicep. */
  missingFromBicep: string[];
  /** Created by Bicep but not in QUEUES. */
  unknownToCode: string[];
  /** Queues whose requiresSession differs from whether a trigger enables sessions on them. */
  sessionMismatch: string[];
}
export function queueDrift(
  servicebusBicep: string,
  functionFiles: Readonly<Record<string, string>>,
  queues: Readonly<Record<string, string>>,
): QueueDrift {
  const inBicep = bicepQueues(servicebusBicep);
  const names = new Set(inBicep.map((q) => q.name));
  const ts = triggers(functionFiles, queues);
  const wanted = new Set([...Object.values(queues), ...ts.map((t) => t.queue)]);
  const sessionQueues = new Set(ts.filter((t) => t.sessions).map((t) => t.queue));
  return {
    missingFromBicep: [...wanted].filter((n) => !names.has(n)),
    unknownToCode: [...names].filter((n) => !Object.values(queues).includes(n)),
    sessionMismatch: inBicep
      .filter((q) => (queueFlag(servicebusBicep, q, 'requiresSession') === true) !== sessionQueues.has(q.name))
      .map((q) => q.name),
  };
}

// ---------------------------------------------------------------- roles

/** An expected grant of a built-in role (by GUID) to the function app's identity, on Bicep scope symbols. */
export interface ExpectedGrant {
  role: string;
  guid: string;
  scopes: readonly string[];
  why: string;
}

/** What the code and the host use, as built-in role GUIDs (docs: Azure built-in roles) on Bicep scope symbols. */
export const EXPECTED_GRANTS: readonly ExpectedGrant[] = [
  {
    role: 'storageBlobDataOwner',
    guid: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b',
    scopes: ['storage'],
    why: 'host storage (leases, timer state) and the Flex deployment container',
  },
  {
    role: 'storageTableDataContributor',
    guid: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
    scopes: ['storage'],
    why: 'checkpoints, mailboxes, ledger, correlation tables',
  },
  {
    role: 'serviceBusDataOwner',
    guid: '090c5cfd-751d-490a-894a-3ce6f1109419',
    scopes: ['queue'],
    why: 'per queue: the triggers receive, the code sends, the scaler reads message counts (Manage)',
  },
  {
    role: 'monitoringMetricsPublisher',
    guid: '3913510d-42f4-4e42-8a64-420c390055eb',
    scopes: ['appInsights'],
    why: 'Entra-authenticated telemetry',
  },
  {
    role: 'keyVaultSecretsUser',
    guid: '4633458b-17de-408a-b874-0445c86b69e6',
    scopes: ['vault'],
    why: 'certificate credential mode only (conditional)',
  },
];
/**
 * The role assignments of rbac.bicep whose principal is the function app's identity, as `role@scope` keys
 * (role = the key of `var roles`, or the GUID when the key is unknown; scope = the scope symbol, `[i]` dropped).
 */
export function identityGrants(rbacBicep: string): string[] {
  const roles = (resolve(rbacBicep, 'roles') ?? {}) as Record<string, string>;
  const out = new Set<string>();
  for (const r of resources(rbacBicep, 'Microsoft.Authorization/roleAssignments')) {
    if (prop(r.body, 'principalId') !== 'identity.properties.principalId') continue;
    const scope = (prop(r.body, 'scope') ?? '(resource group)').replace(/\[\w+\]$/, '');
    for (const m of r.body.matchAll(/\broles\.(\w+)/g))
      out.add(`${m[1]! in roles ? m[1]! : `unknown role key ${m[1]}`}@${scope}`);
    for (const m of r.body.matchAll(/'([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'/g))
      out.add(`${m[1]}@${scope}`);
  }
  return [...out].sort();
}

export interface RoleDrift {
  /** Expected `role@scope` grants Bicep does not make. */
  missing: string[];
  /** Grants Bicep makes that nobody expects. */
  extra: string[];
  /** Keys of `var roles` whose GUID is not the expected built-in one. */
  wrongGuid: string[];
}
export function roleDrift(rbacBicep: string, expected: readonly ExpectedGrant[]): RoleDrift {
  const roles = (resolve(rbacBicep, 'roles') ?? {}) as Record<string, string>;
  const actual = new Set(identityGrants(rbacBicep));
  const want = new Set(expected.flatMap((g) => g.scopes.map((s) => `${g.role}@${s}`)));
  return {
    missing: [...want].filter((k) => !actual.has(k)).sort(),
    extra: [...actual].filter((k) => !want.has(k)).sort(),
    wrongGuid: expected.filter((g) => roles[g.role] !== undefined && roles[g.role] !== g.guid).map((g) => g.role),
  };
}

// ---------------------------------------------------------------- mutations for the negative tests

/** `text` with `insertion` placed right after the one occurrence of `anchor` (throws if not exactly one). */
export function insertAfter(text: string, anchor: string, insertion: string): string {
  const at = text.indexOf(anchor);
  if (at < 0 || text.indexOf(anchor, at + 1) >= 0) throw new Error(`anchor must occur exactly once: ${anchor}`);
  return text.slice(0, at + anchor.length) + insertion + text.slice(at + anchor.length);
}

/** `text` with the one occurrence of `from` replaced (throws if not exactly one). */
export function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`text must occur exactly once: ${from}`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** functions/*.ts of the repository, file name -> text. */
export function functionFiles(): Record<string, string> {
  return Object.fromEntries(
    readdirSync(join(root, 'functions'))
      .filter((n) => n.endsWith('.ts'))
      .sort()
      .map((n) => [n, readText(`functions/${n}`)]),
  );
}
