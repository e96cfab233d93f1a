// Service Bus: write a page's emails to Dataverse and record the decisions (handler: shared/pipeline/write.ts).
import { azurePipeline } from '../index';
import { app, type InvocationContext } from '@azure/functions';
import { QUEUES } from '../shared/ports';
import { handleWriteMessage } from '../shared/pipeline/write';
import type { PipelineDeps } from '../shared/pipeline/deps';
import { inbound, runHandler } from './trigger';

export function writeHandler(pipeline: () => Promise<PipelineDeps>) {
  return async (message: unknown, context: InvocationContext): Promise<void> => {
    const msg = inbound(message, context);
    await runHandler(context, async () => handleWriteMessage(msg, await pipeline()), { name: 'write', message: msg });
  };
}

app.serviceBusQueue('write', {
  connection: 'ServiceBusConnection',
  queueName: QUEUES.activityWrites,
  handler: async (message, context) => writeHandler(azurePipeline)(message, context),
});
