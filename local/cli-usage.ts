// What `exsync` accepts, and the help it prints: one table, read by the parser and by `--help`, so an option
// cannot exist without its description.

import { DATA, SETTINGS } from './cli-flags';
import { CUTOVER_COMMANDS } from './cli-usage-cutover';

export type Flags = Record<string, string | true>;

export class UsageError extends Error {
  /** The command whose usage to show with the message, when the command was known. */
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

export interface FlagSpec {
  /** Placeholder of the value (FILE, DIR, N, SPEC); none for a switch. */
  value?: string;
  doc: string;
}

export interface CommandSpec {
  synopsis: string[];
  summary: string;
  /** Paragraph lines shown by `exsync <command> --help`. */
  about: string[];
  flags: Record<string, FlagSpec>;
  /** The word before the options, when the command takes one. */
  /** `then`: a second word, needed after every value of the first but `list` (e.g. `mailbox takeover <mailbox>`). */
  positional?: { what: string; values?: string[]; optionalWith?: string; then?: string };
}

const DEPLOYMENT: FlagSpec = {
  value: 'SPEC',
  doc: 'read a deployment, signed in as you (az login): an azd environment name, or tables=URL,servicebus=NAMESPACE[,prefix=P]',
};

export const COMMANDS: Record<string, CommandSpec> = {
  run: {
    synopsis: [
      'exsync run   [--once] [--tenant FILE] [--data DIR] [--reset] [--dump FILE] [--faults SPEC] [--settings FILE]',
    ],
    summary: 'sync the mailboxes on this machine, then keep checking for due mailboxes until Ctrl+C',
    about: [
      'Runs the product on this machine: the same stages as on Azure over an embedded queue, Table Storage in an',
      'embedded Azurite, and the Graph and Dataverse simulators seeded with the demo tenant (or --tenant). With',
      'DATAVERSE_URL set (environment or --settings) and no --tenant it uses the real services instead; the first',
      'line it prints says which, and why. Without --once it also serves the notify endpoint the Graph simulator',
      'posts change notifications to (the second line gives its URL), so arriving mail is synced at once.',
    ],
    flags: {
      once: { doc: 'sync every due mailbox once, wait for every queue to empty, then exit (polling only)' },
      tenant: {
        value: 'FILE',
        doc: 'start from this tenant fixture (Graph and Web API JSON) instead of the data directory',
      },
      data: DATA,
      reset: { doc: 'discard the data directory and reseed the demo tenant' },
      dump: {
        value: 'FILE',
        doc: 'write the final state (Dataverse, Exchange, decisions, dead letters, alerts) as JSON',
      },
      faults: { value: 'SPEC', doc: 'seeded faults, e.g. seed=7,graph.429=0.2,dataverse.5xx=0.05,crash=0.05' },
      settings: SETTINGS,
    },
  },
  sim: {
    synopsis: ['exsync sim   [--tenant FILE] [--graph-port N] [--dataverse-port N]'],
    summary: 'serve only the Graph and Dataverse simulators, for any client, until Ctrl+C',
    about: ['Prints "graph: <url>" and "dataverse: <url>"; any non-empty bearer token is accepted.'],
    flags: {
      tenant: { value: 'FILE', doc: 'seed the simulators with this tenant fixture (default: the demo tenant)' },
      'graph-port': { value: 'N', doc: 'port of the Graph simulator (default: a free port)' },
      'dataverse-port': { value: 'N', doc: 'port of the Dataverse simulator (default: a free port)' },
    },
  },
  bench: {
    synopsis: [
      'exsync bench [--mailboxes N] [--messages-per-mailbox N] [--arrivals-per-mailbox N] [--live-minutes N]',
      '             [--schedule-mailboxes N] [--json]',
    ],
    summary: "ours beside a naive SSS-like baseline on a generated tenant, with the services' limits on",
    about: [
      "Each side takes in the tenant, then mail arrives over the run's clock (idle time skipped) while it syncs.",
      'Then one schedule tick over 10,000 mailboxes. docs/cli.md says what each figure means.',
    ],
    flags: {
      mailboxes: { value: 'N', doc: 'mailboxes in the generated tenant (default 10)' },
      'messages-per-mailbox': { value: 'N', doc: 'messages per mailbox already there at the start (default 200)' },
      'arrivals-per-mailbox': { value: 'N', doc: 'messages that arrive later, per active mailbox (default 20)' },
      'live-minutes': { value: 'N', doc: 'clock minutes over which they arrive (default 60)' },
      'schedule-mailboxes': { value: 'N', doc: 'mailboxes of the schedule timing; 0 leaves it out (default 10000)' },
      json: { doc: 'print { "ours": {…}, "baseline": {…} } as JSON' },
    },
  },
  explain: {
    synopsis: [
      'exsync explain <internetMessageId> [--data DIR] [--settings FILE] [--deployment SPEC] [--json]',
      'exsync explain --item ID [--data DIR] [--settings FILE] [--deployment SPEC] [--json]',
    ],
    summary: 'why an email was (not) tracked, from the ledger of decisions',
    about: [
      'For every mailbox that saw the message: outcome, reason, correlation, the parties and the filters asked.',
      'An item without a Message-ID is found by its Exchange item id (--item; the summary and --dump show it).',
      "With --deployment (or AzureWebJobsStorage__tableServiceUri set) it reads a deployment's ledger instead of the local one.",
    ],
    flags: {
      item: { value: 'ID', doc: "explain the item with this Exchange (Graph) item id, the decision's graphId" },
      data: DATA,
      settings: SETTINGS,
      deployment: DEPLOYMENT,
      json: { doc: 'print the explanation as JSON' },
    },
    positional: {
      what: 'an internetMessageId, e.g. exsync explain "<abc@contoso.com>", or --item ID',
      optionalWith: 'item',
    },
  },
  dlq: {
    synopsis: [
      'exsync dlq list   [--data DIR] [--settings FILE] [--deployment SPEC] [--json]',
      'exsync dlq replay [--data DIR] [--settings FILE] [--deployment SPEC] [--json]',
    ],
    summary: 'list dead-lettered messages, or send them to their queues again',
    about: [
      'Locally the dead letters are kept in the data directory; with --deployment (or',
      "ServiceBusConnection__fullyQualifiedNamespace set) they are read from the queues' dead-letter queues on Service Bus.",
    ],
    flags: { data: DATA, settings: SETTINGS, deployment: DEPLOYMENT, json: { doc: 'print as JSON' } },
    positional: { what: 'list or replay', values: ['list', 'replay'] },
  },
  ...CUTOVER_COMMANDS,
};

export const EXIT_CODES = [
  '0  done: everything synced (run --once), or the command answered',
  '1  it ran, but something failed: dead letters, or a stage or an outside system that could not be reached',
  '2  refused before starting: a bad argument, setting, --settings file, tenant fixture or --faults spec',
];

function flagLines(flags: Record<string, FlagSpec>): string[] {
  const names = Object.entries(flags).map(([n, f]) => [`--${n}${f.value ? ` ${f.value}` : ''}`, f.doc] as const);
  const width = Math.max(...names.map(([n]) => n.length));
  return names.map(([n, doc]) => `  ${n.padEnd(width)}  ${doc}`);
}

/** `exsync --help`: every command with what it does, how to get a command's options, and the exit codes. */
export function usage(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(...names.map((n) => n.length));
  return [
    "Usage: exsync <command> [options]        exsync <command> --help shows a command's options",
    '',
    ...Object.values(COMMANDS).flatMap((c) => c.synopsis.map((s) => `  ${s}`)),
    '',
    'Commands:',
    ...names.map((n) => `  ${n.padEnd(width)}  ${COMMANDS[n].summary}`),
    '',
    'Exit codes:',
    ...EXIT_CODES.map((l) => `  ${l}`),
  ].join('\n');
}

/** With a usage error: the command's synopsis, and where its options are described. */
export function commandSynopsis(command: string): string {
  const c = COMMANDS[command];
  return [
    `Usage: ${c.synopsis[0]}`,
    ...c.synopsis.slice(1).map((s) => `       ${s}`),
    `(exsync ${command} --help describes each option)`,
  ].join('\n');
}

/** `exsync <command> --help`. */
export function commandUsage(command: string): string {
  const c = COMMANDS[command];
  return [
    `Usage: ${c.synopsis[0]}`,
    ...c.synopsis.slice(1).map((s) => `       ${s}`),
    '',
    `${command}: ${c.summary}.`,
    ...c.about,
    '',
    'Options:',
    ...flagLines(c.flags),
    '',
    'Exit codes:',
    ...EXIT_CODES.map((l) => `  ${l}`),
  ].join('\n');
}
