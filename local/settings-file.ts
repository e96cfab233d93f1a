// `--settings FILE`: app settings as in local.settings.json's `Values`, overriding the environment. A key
// that is not a setting is never ignored in silence: one close to a setting's name is refused as a
// misspelling, any other is named in a warning. Keys of the Functions host and the SDKs are expected there.
import { readFileSync } from 'node:fs';
import { SETTINGS } from '../shared/config';
import { BadInputError } from './bad-input';
import { closestName } from './closest-name';

const OURS: readonly string[] = SETTINGS.map((s) => s.name);

/** What a local.settings.json holds besides our settings: the Functions host's, Application Insights', OpenTelemetry's and the Azure SDKs' own names. */
const NOT_OURS = [
  /^FUNCTIONS_/,
  /^AzureWebJobs/,
  /^AzureFunctionsJobHost__/,
  /^AzureFunctionsWebHost__/,
  /^languageWorkers__/,
  /^WEBSITE_/,
  /^SCM_/,
  /^ENABLE_ORYX_BUILD$/,
  /^APPLICATIONINSIGHTS_/,
  /^OTEL_/,
  /^AZURE_/,
  /^ServiceBusConnection__/,
  /^NODE_/,
];

export interface SettingKeyCheck {
  /** "KEY: did you mean NAME?" for keys close to a setting's name. */
  misspelt: string[];
  /** Keys that are neither a setting, close to one, nor a known host name. */
  unknown: string[];
}

export function checkSettingKeys(keys: string[]): SettingKeyCheck {
  const out: SettingKeyCheck = { misspelt: [], unknown: [] };
  for (const key of keys) {
    if (OURS.includes(key)) continue;
    const likely = closestName(key, OURS);
    if (likely)
      out.misspelt.push(
        `${key}: not a setting; did you mean ${likely}?${likely.toLowerCase() === key.toLowerCase() ? ' (names are case-sensitive)' : ''}`,
      );
    else if (!NOT_OURS.some((re) => re.test(key))) out.unknown.push(key);
  }
  return out;
}

export function readSettingsFile(
  path: string,
  warn: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Record<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new BadInputError(`--settings ${path}: ${(e as Error).message}`);
  }
  const values = raw && typeof raw === 'object' && 'Values' in raw ? (raw as { Values: unknown }).Values : raw;
  if (!values || typeof values !== 'object' || Array.isArray(values))
    throw new BadInputError(
      `--settings ${path}: expected an object (or { "Values": { … } }), got ${values === null ? 'null' : Array.isArray(values) ? 'an array' : `a ${typeof values}`}`,
    );
  const out: Record<string, string> = {};
  const problems: string[] = [];
  for (const [k, v] of Object.entries(values)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else
      problems.push(
        `${k}: expected a string, number or boolean, got ${v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v}`,
      );
  }
  const keys = checkSettingKeys(Object.keys(values));
  problems.push(...keys.misspelt);
  if (problems.length)
    throw new BadInputError(`--settings ${path}: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  if (keys.unknown.length)
    warn(
      `exsync: warning: --settings ${path}: ignored, not a setting of exsync or of the Functions host: ${keys.unknown.join(', ')}`,
    );
  return out;
}
