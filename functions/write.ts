// Service Bus: write a page's emails to Dataverse and record the decisions (stage: shared/pipeline/write.ts).
import { azureStages } from '../index';
import { app, type InvocationContext } from '@azure/functions';
import { QUEUES } from '../shared/ports';
import type { Stages } from '../shared/pipeline/stages';
import { inbound, runHandler } from './trigger';

export function writeHandler(stages: () => Promise<Pick<Stages, 'write'>>) {
  return async (message: unknown, context: InvocationContext): Promise<void> => {
    const msg = inbound(message, context);
    await runHandler(context, async () => (await stages()).write(msg), { name: 'write', message: msg });
  };
}

app.serviceBusQueue('write', {
  connection: 'ServiceBusConnection',
  queueName: QUEUES.activityWrites,
  handler: async (message, context) => writeHandler(azureStages)(message, context),
});
