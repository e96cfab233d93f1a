// Azure Functions entry: the one composition root of a Functions process. The host loads this file and
// functions/*.js (package.json "main"); each function asks for its stage here, built once, lazily.
// First: telemetry starts before the Azure SDKs and the handlers load (APPLICATIONINSIGHTS_CONNECTION_STRING).
import { azureTelemetry } from './shared/telemetry/azure';
import { app } from '@azure/functions';
import { settings } from './shared/config';
import { composeStages } from './shared/compose';
import type { Stages } from './shared/pipeline/stages';
import { createLog, type LogSink } from './shared/log';
import { createServiceBusQueue } from './shared/adapters/servicebus';
import { azureResourceCredential } from './shared/adapters/identity';
import { telemetrySink, textLine } from './shared/telemetry';

app.setup({ enableHttpStream: false });

// Without telemetry the host turns these JSON lines into `traces`, which the workbook reads as events. With
// telemetry they are customEvents (telemetrySink), and the console keeps a text line that is not counted twice.
const consoleSink: LogSink = (level, event, props) => {
  const line = azureTelemetry.destinations.length ? textLine(event, props) : JSON.stringify({ event, ...props });
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.info(line);
};

let stages: Promise<Stages> | undefined;

/** Settings are validated on first use; a bad setting fails every invocation with the full list of problems. */
export function azureStages(): Promise<Stages> {
  stages ??= (async () => {
    const s = settings('azure');
    const clock = { now: () => new Date(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };
    const queue = createServiceBusQueue({
      fullyQualifiedNamespace: s.serviceBusNamespace!,
      credential: azureResourceCredential(s),
    });
    return composeStages({
      settings: s,
      queue,
      clock,
      log: createLog(telemetrySink(consoleSink), s.logPersonalData),
    });
  })();
  stages.catch(() => (stages = undefined));
  return stages;
}
