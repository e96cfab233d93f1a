// Options several `exsync` commands share, defined once (cli-usage.ts and cli-usage-cutover.ts use them).
import type { FlagSpec } from './cli-usage';

export const DATA: FlagSpec = { value: 'DIR', doc: 'data directory of the local run (default .exsync)' };
export const SETTINGS: FlagSpec = {
  value: 'FILE',
  doc: 'app settings as in local.settings.json ({"Values": {…}}), over the environment',
};
