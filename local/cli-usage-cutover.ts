// The cut-over commands' entries in the `exsync` table (cli-usage.ts): mailbox and shadow.
import { DATA, SETTINGS } from './cli-flags';
import type { CommandSpec, FlagSpec } from './cli-usage';

const DEPLOYMENT: FlagSpec = {
  value: 'SPEC',
  doc: 'list: read a deployment, signed in as you (az login): an azd environment name, or tables=URL,servicebus=NAMESPACE[,prefix=P]',
};

export const MAILBOX_ACTIONS = ['list', 'takeover', 'release', 'shadow', 'enable', 'disable', 'resync'];

export const CUTOVER_COMMANDS: Record<string, CommandSpec> = {
  mailbox: {
    synopsis: [
      'exsync mailbox list [--data DIR] [--settings FILE] [--deployment SPEC] [--json]',
      'exsync mailbox takeover|release|shadow|enable|disable|resync <address or mailbox id> [--data DIR] [--settings FILE] [--json]',
    ],
    summary: "the cut-over from SSS, one mailbox at a time: who owns each mailbox, and the operator's switches",
    about: [
      'list: every mailbox with its mode (owned, shadow, released), health, last sync and SSS columns.',
      "takeover: SSS's email delivery methods set to None (previous values kept), the product owns the mailbox.",
      "release: SSS's delivery methods back as takeover found them; the product leaves the mailbox alone.",
      'shadow: synced and decided, nothing written (compare with `exsync shadow report`).',
      "enable / disable: the product's own switch (and enable re-enables a mailbox health disabled).",
      'resync: every folder of the mailbox starts again from the beginning at its next sync.',
      'Works on the data directory of the last local run (docs/cut-over.md). With --deployment (or',
      "AzureWebJobsStorage__tableServiceUri set) list reads a deployment's registry instead: addresses only when",
      'LOG_PERSONAL_DATA is true; the actions work on the local data directory only.',
    ],
    flags: { data: DATA, settings: SETTINGS, deployment: DEPLOYMENT, json: { doc: 'print the result as JSON' } },
    positional: { what: MAILBOX_ACTIONS.join(', '), values: MAILBOX_ACTIONS, then: 'a mailbox (address or id)' },
  },
  shadow: {
    synopsis: ['exsync shadow report [--data DIR] [--settings FILE] [--json]'],
    summary: 'what shadow mode would have tracked, against what SSS really tracked',
    about: [
      'Compares every shadow decision with the email rows Dataverse holds for the same Message-ID and',
      'direction: agreement by reason, and every disagreement with its explanation.',
    ],
    flags: { data: DATA, settings: SETTINGS, json: { doc: 'print the report as JSON' } },
    positional: { what: 'report', values: ['report'] },
  },
};
