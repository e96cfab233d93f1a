#!/usr/bin/env node
// The `exsync` command line: run, sim, bench, explain, dlq. What each accepts, and its help, is in
// cli-usage.ts; the commands themselves (cli-commands.ts) load only once the arguments parse, so `--help`
// and a usage error answer at once.
import { SettingsError } from '../shared/config';
import { BadInputError } from './bad-input';
import { COMMANDS, UsageError, commandSynopsis, commandUsage, usage, type Flags } from './cli-usage';
import { closestName } from './closest-name';

export interface ParsedArgs {
  command: string;
  flags: Flags;
  positional: string[];
  /** `--help`: show the command's help (or the overview when there is no command) and do nothing else. */
  help?: boolean;
}

export function parseArgs(argv: string[]): ParsedArgs {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help')
    return { command: '', flags: {}, positional: [], help: true };
  if (!command) throw new UsageError('a command is needed');
  const spec = COMMANDS[command];
  if (!spec) {
    const likely = closestName(command, Object.keys(COMMANDS));
    throw new UsageError(`unknown command "${command}"${likely ? ` (did you mean ${likely}?)` : ''}`);
  }
  if (rest.some((a) => a === '--help' || a === '-h')) return { command, flags: {}, positional: [], help: true };
  const flags: Flags = {};
  const positional: string[] = [];
  const fail = (message: string) => new UsageError(message, command);
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m && spec.positional && positional.length === 0) {
      const allowed = spec.positional.values;
      if (allowed && !allowed.includes(a)) throw fail(`${command} takes ${spec.positional.what}, not "${a}"`);
      positional.push(a);
      continue;
    }
    if (!m && spec.positional?.then && positional.length === 1 && positional[0] !== 'list') {
      positional.push(a);
      continue;
    }
    if (!m) throw fail(`unexpected argument "${a}"`);
    const name = m[1];
    const flag = spec.flags[name];
    if (!flag) {
      const likely = closestName(name, Object.keys(spec.flags));
      throw fail(`--${name} is not an option of "${command}"${likely ? ` (did you mean --${likely}?)` : ''}`);
    }
    if (flag.value) {
      const v = m[2] ?? rest[++i];
      if (v === undefined || v.startsWith('--')) throw fail(`--${name} needs a value (${flag.value})`);
      flags[name] = v;
    } else if (m[2] !== undefined) throw fail(`--${name} takes no value`);
    else flags[name] = true;
  }
  const p = spec.positional;
  if (p?.optionalWith && flags[p.optionalWith] !== undefined && positional.length)
    throw fail(`give ${command} one of ${p.what}, not both`);
  if (p && positional.length === 0 && !(p.optionalWith && flags[p.optionalWith] !== undefined))
    throw fail(`${command} needs ${p.what}`);
  if (p?.then && positional.length === 1 && positional[0] !== 'list')
    throw fail(`${command} ${positional[0]} needs ${p.then}`);
  return { command, flags, positional };
}

export async function main(argv: string[]): Promise<number> {
  let parsed: ParsedArgs;
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`exsync: ${e.message}\n\n${e.command ? commandSynopsis(e.command) : usage()}\n`);
    return 2;
  }
  const { command, flags, positional } = parsed;
  if (parsed.help) {
    process.stdout.write(`${command ? commandUsage(command) : usage()}\n`);
    return 0;
  }
  try {
    // Loaded here, not at the top: --help and usage errors need none of it.
    const { runCli } = await import('./cli-commands.js');
    return await runCli(command, flags, positional);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`exsync: ${e.message}\n\n${commandSynopsis(e.command ?? command)}\n`);
      return 2;
    }
    // Refused before starting: exit 2, as for a usage error (see EXIT_CODES).
    if (e instanceof SettingsError || e instanceof BadInputError) {
      process.stderr.write(`exsync: ${e.message}\n`);
      return 2;
    }
    return failed(e);
  }
}

/** It ran, but something failed: the message, and exit code 1 (see EXIT_CODES). */
function failed(e: unknown): number {
  process.stderr.write(`exsync: ${(e as Error).message}\n`);
  return 1;
}

// `node dist/local/cli.js …`; the installed command goes through bin/exsync.js, which calls main itself.
if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => process.exit(failed(e)),
  );
}
