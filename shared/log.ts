// The one logger: structured events with ids and counts. Values that look like addresses are masked
// unless LOG_PERSONAL_DATA allows them, so a careless caller cannot leak one into logs or telemetry.
import type { Log, LogProps } from './ports';

const ADDRESS = /[^\s@<>"]+@[^\s@<>"]+/g;

export function scrub(props: LogProps | undefined, allowPersonal: boolean): LogProps | undefined {
  if (!props || allowPersonal) return props;
  const out: LogProps = {};
  for (const [k, v] of Object.entries(props)) out[k] = typeof v === 'string' ? v.replace(ADDRESS, '[address]') : v;
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
export const jsonLinesSink = (stream: NodeJS.WritableStream): LogSink => (level, event, props) => {
  stream.write(`${JSON.stringify({ t: new Date().toISOString(), level, event, ...props })}\n`);
};
