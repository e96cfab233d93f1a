// What the Functions host is told at start: the Node worker requires every file that package.json "main" names,
// and each app.http/app.timer/app.serviceBusQueue call hands the function's metadata to the worker's core API
// (the `@azure/functions-core` module the worker provides). Here that module is a recorder, so a test sees the
// metadata the host would validate, made by @azure/functions itself from the real compiled modules.
import Module from 'node:module';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface Binding {
  type: string;
  direction: string;
  route?: string;
  methods?: string[];
  authLevel?: string;
  [key: string]: unknown;
}
export interface RegisteredFunction {
  name: string;
  bindings: Record<string, Binding>;
}

/** The trigger binding of a registration (the one binding whose type ends in "Trigger"). */
export const triggerOf = (f: RegisteredFunction): Binding =>
  Object.values(f.bindings).find((b) => /Trigger$/.test(b.type))!;

/** package.json "main" as the worker reads it: one path with `{a,b}` alternatives and `*` within a segment. */
export function expandMain(root: string, main: string): string[] {
  const brace = /\{([^{}]*)\}/.exec(main);
  if (brace) return brace[1]!.split(',').flatMap((alt) => expandMain(root, main.replace(brace[0], alt)));
  if (/[?[\]]|\*\*/.test(main)) throw new Error(`package.json main uses glob syntax this model does not read: ${main}`);
  if (!main.includes('*')) return statSync(join(root, main), { throwIfNoEntry: false })?.isFile() ? [main] : [];
  const parts = main.split('/');
  const i = parts.findIndex((p) => p.includes('*'));
  const dir = parts.slice(0, i).join('/');
  const re = new RegExp(`^${parts[i]!.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
  let names: string[];
  try {
    names = readdirSync(join(root, dir))
      .filter((n) => re.test(n))
      .sort();
  } catch {
    return [];
  }
  return names.flatMap((n) => expandMain(root, [...parts.slice(0, i), n, ...parts.slice(i + 1)].join('/')));
}

/**
 * Requires every entry file of the app under `root` (package.json "main") with a recording core API in place
 * and returns what was registered. Call it before anything in the process has loaded @azure/functions: that
 * package looks for the core API once and remembers the answer.
 */
export function registeredFunctions(root: string): { files: string[]; functions: RegisteredFunction[] } {
  const main = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string }).main;
  const files = expandMain(root, main);
  const functions: RegisteredFunction[] = [];
  const core = {
    setProgrammingModel: () => undefined,
    registerFunction: (metadata: RegisteredFunction) => {
      functions.push(metadata);
      return { dispose: () => undefined };
    },
    log: () => undefined,
  };
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = loader._load;
  loader._load = function (request: string, ...rest: unknown[]) {
    return request === '@azure/functions-core' ? core : original.call(this, request, ...rest);
  };
  try {
    for (const f of files) require(join(root, f));
  } finally {
    loader._load = original;
  }
  return { files: files.map((f) => relative(root, join(root, f))), functions };
}

/**
 * The host's rule for HTTP routes (azure-functions-host, ScriptHost.ValidateHttpFunction,
 * https://github.com/Azure/azure-functions-host/blob/dev/src/WebJobs.Script/Host/ScriptHost.cs): an empty route
 * means the function name; the route, trimmed of '/' and lower-cased, must not start with "admin" or "runtime"
 * (a plain string prefix: "administration/x" is refused too). Otherwise the function is not loaded: "The
 * specified route conflicts with one or more built in routes."
 */
export function reservedRouteProblem(functionName: string, route: string | undefined): string | undefined {
  const effective = (route && route.trim() ? route : functionName).replace(/^\/+|\/+$/g, '').toLowerCase();
  const reserved = ['admin', 'runtime'].find((p) => effective.startsWith(p));
  return reserved
    ? `${functionName}: route "${route ?? ''}" starts with "${reserved}", which the Functions host reserves`
    : undefined;
}
