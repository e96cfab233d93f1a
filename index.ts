// Azure Functions entry: the one composition root of a Functions process. The host loads this file and
// functions/*.js (package.json "main"); each function asks for the pipeline here, built once, lazily.
import { app } from '@azure/functions';
import { settings } from './shared/config';
import { composePipeline } from './shared/compose';
import type { PipelineDeps } from './shared/pipeline/deps';
import { createLog, type LogSink } from './shared/log';
import { createServiceBusQueue } from './shared/adapters/servicebus';

app.setup({ enableHttpStream: false });

const consoleSink: LogSink = (level, event, props) => {
  const line = JSON.stringify({ event, ...props });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.info(line);
};

let deps: Promise<PipelineDeps> | undefined;

/** Settings are validated on first use; a bad setting fails every invocation with the full list of problems. */
export function azurePipeline(): Promise<PipelineDeps> {
  deps ??= (async () => {
    const s = settings('azure');
    const clock = { now: () => new Date() };
    const queue = createServiceBusQueue({ fullyQualifiedNamespace: s.serviceBusNamespace! });
    return composePipeline({ settings: s, queue, clock, log: createLog(consoleSink, s.logPersonalData) });
  })();
  deps.catch(() => (deps = undefined));
  return deps;
}
