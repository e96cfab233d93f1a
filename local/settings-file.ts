// `--settings FILE`: app settings as in local.settings.json's `Values`, overriding the environment.
import { readFileSync } from 'node:fs';

export function readSettingsFile(path: string): Record<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`--settings ${path}: ${(e as Error).message}`);
  }
  const values = raw && typeof raw === 'object' && 'Values' in raw ? (raw as { Values: unknown }).Values : raw;
  if (!values || typeof values !== 'object' || Array.isArray(values)) throw new Error(`--settings ${path}: expected an object (or { "Values": { … } })`);
  const out: Record<string, string> = {};
  const problems: string[] = [];
  for (const [k, v] of Object.entries(values)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else problems.push(`${k}: value must be a string, number or boolean`);
  }
  if (problems.length) throw new Error(`--settings ${path}: ${problems.join('; ')}`);
  return out;
}
