// Service Bus (sessions = mailbox): sync one mailbox from its checkpoint (handler: shared/pipeline/sync.ts).
import { azurePipeline } from '../index';
import { app, type InvocationContext } from '@azure/functions';
import { QUEUES } from '../shared/ports';
import { handleSyncMessage } from '../shared/pipeline/sync';
import type { PipelineDeps } from '../shared/pipeline/deps';
import { inbound, runHandler } from './trigger';

export function syncHandler(pipeline: () => Promise<PipelineDeps>) {
  return async (message: unknown, context: InvocationContext): Promise<void> => {
    const msg = inbound(message, context);
    await runHandler(context, async () => handleSyncMessage(msg, await pipeline()), { name: 'sync', message: msg });
  };
}

app.serviceBusQueue('sync', {
  connection: 'ServiceBusConnection',
  queueName: QUEUES.syncJobs,
  isSessionsEnabled: true,
  handler: async (message, context) => syncHandler(azurePipeline)(message, context),
});
