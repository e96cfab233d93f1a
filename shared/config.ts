// Settings: declared once (config/declarations.ts), typed from the declarations (config/types.ts), validated
// at start (config/load.ts, config/rules.ts), and listed in docs/settings.md (`npm run docs:settings`).
import { DECLARED } from './config/declarations';

export { DECLARED, type SettingSpec } from './config/declarations';
export type { Settings, StageSettings } from './config/types';
export { AZURE_NEEDS, CREDENTIAL_NEEDS } from './config/rules';
export { earlySetting, loadSettings, settings, SettingsError, stageSettings } from './config/load';

/** Every declaration as a list, in declaration order (tests and the `--settings` key check walk it). */
export const SETTINGS = Object.values(DECLARED);
