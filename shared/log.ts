// The one logger: structured events with ids and counts. Values that look like personal data are masked
// unless LOG_PERSONAL_DATA allows them, so a careless caller cannot leak one into logs or telemetry.
import type { Log, LogProps } from './ports';

const ENCODED_ADDRESS = /[^\s/?&=%'"]+%40[^\s/?&=%'"]+/gi;
const ADDRESS = /[^\s@<>"'/?&=]+@[^\s@<>"'/?&=]+/g;
// OData string literals ('...', '' escapes a quote): Dataverse errors echo filter values (addresses,
// Message-IDs, subjects) in them, and nothing we log needs a quoted value.
const QUOTED = /'(?:[^']|'')*'/g;

/** The personal-data rule for free text: addresses (plain or URL-encoded, as in Graph's /users/<address>/
 *  paths) and quoted literals are masked. Logs, telemetry, Live Metrics and errors handed to the host use it. */
export function maskPersonalText(text: string): string {
  return text.replace(QUOTED, "'[redacted]'").replace(ENCODED_ADDRESS, '[address]').replace(ADDRESS, '[address]');
}

export function scrub(props: LogProps | undefined, allowPersonal: boolean): LogProps | undefined {
  if (!props || allowPersonal) return props;
  const out: LogProps = {};
  for (const [k, v] of Object.entries(props)) out[k] = typeof v === 'string' ? maskPersonalText(v) : v;
  return out;
}

export type LogSink = (level: 'info' | 'warn' | 'error', event: string, props?: LogProps) => void;

export function createLog(sink: LogSink, allowPersonal = false): Log {
  return {
    info: (e, p) => sink('info', e, scrub(p, allowPersonal)),
    warn: (e, p) => sink('warn', e, scrub(p, allowPersonal)),
    error: (e, p) => sink('error', e, scrub(p, allowPersonal)),
  };
}

/** JSON lines on stderr: the local runtime's default sink (stdout is for the user's progress). */
export const jsonLinesSink =
  (stream: NodeJS.WritableStream): LogSink =>
  (level, event, props) => {
    stream.write(`${JSON.stringify({ t: new Date().toISOString(), level, event, ...props })}\n`);
  };
