// Settings are read and validated once per process; a bad or missing setting stops the start with one
// message that names every problem (the setting, the value, what was expected).
import { DECLARED, type SettingSpec } from './declarations';
import { crossSettingProblems, type Host } from './rules';
import type { SettingName, Settings, StageSettings, ValueOfSetting } from './types';
import { SettingValueError } from './values';

export class SettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid settings (${problems.length}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'SettingsError';
  }
}

type Env = Record<string, string | undefined>;
const entries = Object.entries(DECLARED) as [keyof Settings, SettingSpec][];

/** The raw text a setting has: its own, or its default when unset or empty. */
const rawOf = (env: Env, spec: SettingSpec): string | undefined => {
  const raw = env[spec.name];
  return raw === undefined || raw === '' ? spec.default : raw;
};

/** The parsed value, or a problem line naming the setting and what was expected. */
function parseOne(spec: SettingSpec, raw: string): { value: unknown } | { problem: string } {
  try {
    return { value: spec.parse(raw) };
  } catch (e) {
    if (e instanceof SettingValueError) return { problem: `${spec.name}: ${e.message}` };
    throw e;
  }
}

/** Validates every setting at once; the host decides which are required. */
export function loadSettings(env: Env, requireFor: Host = 'local'): Settings {
  const problems: string[] = [];
  const parsed: Record<string, unknown> = {};
  for (const [key, spec] of entries) {
    const raw = rawOf(env, spec);
    if (raw === undefined) continue;
    const r = parseOne(spec, raw);
    if ('problem' in r) problems.push(r.problem);
    else parsed[key] = r.value;
  }
  problems.push(...crossSettingProblems(parsed as Partial<Settings>, requireFor));
  if (problems.length) throw new SettingsError(problems);
  return parsed as Settings;
}

/** What the stage handlers are given of the settings. */
export function stageSettings(s: Settings): StageSettings {
  const staged = entries.filter(([key, spec]) => spec.stage && s[key] !== undefined);
  return Object.fromEntries(staged.map(([key]) => [key, s[key]])) as StageSettings;
}

/** One setting, parsed on its own, for what must be decided before the settings are validated (telemetry
 *  starts first); an unusable value gives the default here and is reported when the settings load. */
export function earlySetting<N extends SettingName>(env: Env, name: N): ValueOfSetting<N> | undefined {
  const spec = entries.find(([, s]) => s.name === name)![1];
  const fromDefault = spec.default === undefined ? undefined : parseOne(spec, spec.default);
  const fallback = fromDefault && 'value' in fromDefault ? fromDefault.value : undefined;
  const raw = env[name];
  const own = raw === undefined || raw === '' ? undefined : parseOne(spec, raw);
  return (own && 'value' in own ? own.value : fallback) as ValueOfSetting<N> | undefined;
}

/** The one place that turns process.env into settings; the Functions entry and the CLI call it once. */
let cached: Settings | undefined;
export function settings(requireFor: Host = 'azure'): Settings {
  return (cached ??= loadSettings(process.env, requireFor));
}
