// docs/settings.md and local.settings.sample.json, made from the declarations (shared/config/declarations.ts).
// `npm run docs:settings` writes them; test/infra/settings.test.ts fails when either differs from what this makes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AZURE_NEEDS, CREDENTIAL_NEEDS, SETTINGS, type SettingSpec } from '../../shared/config';

export const GENERATED = { doc: 'docs/settings.md', sample: 'local.settings.sample.json' } as const;
export const REGENERATE = 'npm run docs:settings';

const specs: readonly SettingSpec[] = SETTINGS;
const cell = (text: string) => text.replace(/\|/g, '\\|');

function typeLabel(s: SettingSpec): string {
  if (s.values) return s.values.join(' | ');
  if (s.min !== undefined && s.max !== undefined) return `${s.kind} (${s.min}–${s.max})`;
  return s.kind;
}

const defaultLabel = (s: SettingSpec) =>
  s.default === undefined ? '—' : s.default === '' ? 'empty' : `\`${s.default}\``;

function settingsTable(): string {
  const rows = specs.map(
    (s) => `| \`${s.name}\` | ${cell(typeLabel(s))} | ${defaultLabel(s)} | ${s.scope} | ${cell(s.doc)} |`,
  );
  return ['| setting | type | default | where | what it does |', '|---|---|---|---|---|', ...rows].join('\n');
}

const code = (name: string) => `\`${name}\``;
/** a, b and c */
const and = (items: readonly string[]) => items.join(', ').replace(/, ([^,]*)$/, ' and $1');

/** The cross-setting rules as a list: what Azure needs, what each credential mode needs. */
function neededTogether(): string {
  const azure = AZURE_NEEDS.map((n) => (typeof n === 'string' ? code(n) : `${code(n[0])} (or ${code(n[1])})`));
  const modes = Object.entries(CREDENTIAL_NEEDS)
    .filter(([, needs]) => needs.length)
    .map(([mode, needs]) => `${code(mode)} needs ${and(needs.map(code))}`);
  return [
    `- On Azure: ${and(azure)}; \`CREDENTIAL_MODE\` \`static\` is refused there.`,
    `- \`CREDENTIAL_MODE\`: ${modes.join('; ')}.`,
  ].join('\n');
}

export function settingsMarkdown(): string {
  return `# Settings

<!-- Generated from shared/config/declarations.ts by \`${REGENERATE}\`: edit the declarations, not this page. -->

Every app setting is declared once, in \`shared/config/declarations.ts\`, and validated when a host starts: a
bad or missing value stops the start with one message that lists every problem, each naming the setting, the
value and what was expected. On Azure the Function App's settings come from \`infra/app/function.bicep\` (fed
by the deployment parameters); locally from the environment or \`exsync run --settings FILE\` (a
\`local.settings.json\`; \`local.settings.sample.json\` has every setting with a sample value). Host-level
Service Bus tuning (\`maxConcurrentSessions\`, …) comes from \`host.json\` and can be overridden with
\`AzureFunctionsJobHost__extensions__serviceBus__<name>\` app settings.

"where" says which host reads the setting: \`all\`, \`azure\` (the Function App only) or \`local\` (the
one-machine runtime of \`exsync\` only). An empty value counts as unset.

Needed together (checked at start, \`shared/config/rules.ts\`):

${neededTogether()}

${settingsTable()}

## Adding a setting

1. One entry in \`DECLARED\` (\`shared/config/declarations.ts\`): the name, the kind of value (\`text()\`,
   \`url()\`, \`int(min, max)\`, \`bool()\`, \`oneOf([...])\`, \`cron()\`), a default (or an example for the
   sample file), where it applies, \`stage: true\` when a stage handler reads it, and the doc line. Its
   property in \`Settings\` (and \`StageSettings\`) and its validation follow from the entry.
2. \`${REGENERATE}\` rewrites this page and \`local.settings.sample.json\`.
3. When Azure reads it (where \`all\` or \`azure\`), set it in \`infra/app/function.bicep\`:
   \`test/infra/settings.test.ts\` fails until the Bicep and the declarations agree.
`;
}

/** local.settings.sample.json: every setting with its default, else its example, else empty. */
export function sampleSettingsJson(): string {
  const values: Record<string, string> = { FUNCTIONS_WORKER_RUNTIME: 'node' };
  for (const s of specs) values[s.name] = s.default ?? s.example ?? '';
  return `${JSON.stringify({ IsEncrypted: false, Values: values }, null, 2)}\n`;
}

if (require.main === module) {
  const root = join(__dirname, '..', '..', '..');
  writeFileSync(join(root, GENERATED.doc), settingsMarkdown());
  writeFileSync(join(root, GENERATED.sample), sampleSettingsJson());
  process.stdout.write(`wrote ${GENERATED.doc} and ${GENERATED.sample}\n`);
}
