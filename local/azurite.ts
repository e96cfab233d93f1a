// Embedded Azurite (Table service only) as a child process: the one-machine runtime and the integration
// tests keep checkpoints in the real Table Storage API without Docker or a global install.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Azurite's published development account key; not a secret (docs: "Use the Azurite emulator"). */
export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteOptions {
  /** Persist tables to this directory (created if missing). */
  location?: string;
  /** Keep everything in memory; the default when no location is given. */
  inMemory?: boolean;
  host?: string;
  /** 0 or undefined = a free port. */
  port?: number;
  /** How long to wait for the server to accept connections: a hang guard (a loaded machine can take tens of seconds). */
  startTimeoutMs?: number;
}

export interface AzuriteHandle {
  connectionString: string;
  tableEndpoint: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

const START_ATTEMPTS = 5;

export async function startAzurite(opts: AzuriteOptions = {}): Promise<AzuriteHandle> {
  const host = opts.host ?? '127.0.0.1';
  let lastError: unknown;
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    const port = opts.port ? opts.port : await freePort(host);
    try {
      return await startOnce(opts, host, port);
    } catch (err) {
      lastError = err;
      // Another process may take the port between our probe and Azurite's bind: pick another one.
      if (!opts.port && err instanceof AzuriteStartError && err.addressInUse) continue;
      throw err;
    }
  }
  throw lastError;
}

export class AzuriteStartError extends Error {
  constructor(
    message: string,
    readonly addressInUse: boolean,
  ) {
    super(message);
    this.name = 'AzuriteStartError';
  }
}

async function startOnce(opts: AzuriteOptions, host: string, port: number): Promise<AzuriteHandle> {
  const inMemory = opts.inMemory ?? !opts.location;
  // In memory Azurite refuses --location yet still uses cwd as its workspace: run it in a throwaway directory.
  const scratch = inMemory ? mkdtempSync(join(tmpdir(), 'exsync-azurite-')) : undefined;
  const location = opts.location ? resolve(opts.location) : undefined;
  if (location) mkdirSync(location, { recursive: true });

  const args = [
    '--disableTelemetry',
    '--skipApiVersionCheck',
    '--loose',
    '--silent',
    '--tableHost',
    host,
    '--tablePort',
    String(port),
  ];
  if (inMemory) args.push('--inMemoryPersistence');
  else args.push('--location', location ?? process.cwd());

  const child = spawn(process.execPath, ['-e', WATCHDOG, tableBin(), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: scratch ?? location ?? process.cwd(),
    // Its own process group: a Ctrl+C in the terminal reaches us, and we stop Azurite after saving state.
    detached: true,
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);

  const killOnExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);
  const cleanup = () => {
    process.off('exit', killOnExit);
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  };

  try {
    await waitUntilListening(child, host, port, opts.startTimeoutMs ?? 120_000, () => output);
  } catch (err) {
    await stopChild(child);
    cleanup();
    throw err;
  }
  // A forgotten handle must not keep the parent alive; the exit hook and the watchdog still end the child.
  child.unref();
  (child.stdout as unknown as { unref?: () => void }).unref?.();
  (child.stderr as unknown as { unref?: () => void }).unref?.();

  const tableEndpoint = `http://${host}:${port}/${AZURITE_ACCOUNT}`;
  let stopping: Promise<void> | undefined;
  return {
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_ACCOUNT_KEY};` +
      `TableEndpoint=${tableEndpoint};`,
    tableEndpoint,
    port,
    pid: child.pid!,
    stop() {
      stopping ??= stopChild(child).finally(cleanup);
      return stopping;
    },
  };
}

/** azurite is an optional dependency (the Function App is built without it): say so when it is missing. */
function tableBin(): string {
  let pkgPath: string;
  try {
    pkgPath = require.resolve('azurite/package.json');
  } catch {
    throw new AzuriteStartError(
      'azurite is not installed: it is an optional dependency of exchange-dataverse-sync, left out by --omit=optional; install again without that flag',
      false,
    );
  }
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { bin: Record<string, string> };
  return join(dirname(pkgPath), pkg.bin['azurite-table']);
}

// Runs Azurite's own entry in the child and exits if the parent disappears (even by SIGKILL, when no
// exit hook runs): the child is re-parented, so its ppid changes.
const WATCHDOG = `
const parent = process.ppid;
setInterval(() => { if (process.ppid !== parent) process.exit(0); }, 500).unref();
const bin = process.argv[1];
process.argv = [process.execPath, bin, ...process.argv.slice(2)];
require(bin);
`;

async function freePort(host: string): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', rej);
    srv.listen(0, host, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

function waitUntilListening(
  child: ChildProcess,
  host: string,
  port: number,
  timeoutMs: number,
  output: () => string,
): Promise<void> {
  return new Promise((res, rej) => {
    const deadline = Date.now() + timeoutMs;
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      child.off('exit', onExit);
      if (err) rej(err);
      else res();
    };
    const onExit = (code: number | null, signal: string | null) => {
      const out = output();
      finish(
        new AzuriteStartError(
          `azurite-table exited (${code ?? signal}) before listening: ${out.trim()}`,
          /EADDRINUSE/.test(out),
        ),
      );
    };
    child.once('exit', onExit);
    const probe = () => {
      if (done) return;
      // Only our child's own word counts: when two processes picked the same free port, a connection alone
      // could reach the other one's Azurite (and two runs would share tables); ours then exits EADDRINUSE.
      if (!STARTED.test(output())) {
        if (Date.now() > deadline)
          finish(
            new AzuriteStartError(`azurite-table did not listen on ${host}:${port} within ${timeoutMs} ms`, false),
          );
        else setTimeout(probe, 50);
        return;
      }
      const socket = connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        finish();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline)
          finish(
            new AzuriteStartError(`azurite-table did not listen on ${host}:${port} within ${timeoutMs} ms`, false),
          );
        else setTimeout(probe, 50);
      });
    };
    probe();
  });
}

/** What azurite-table prints once its own listen() has succeeded (table/main.js). */
const STARTED = /Azurite Table service successfully started on /;

async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  child.ref(); // keep the parent alive until the child is really gone
  // Azurite saves its database and closes only on SIGINT (its table main ignores SIGTERM).
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
