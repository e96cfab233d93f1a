// Service Bus (sessions = mailbox): sync one mailbox from its checkpoint (stage: shared/pipeline/sync.ts).
import { azureStages } from '../index';
import { app, type InvocationContext } from '@azure/functions';
import { QUEUES } from '../shared/ports';
import type { Stages } from '../shared/pipeline/stages';
import { inbound, runHandler } from './trigger';

export function syncHandler(stages: () => Promise<Pick<Stages, 'sync'>>) {
  return async (message: unknown, context: InvocationContext): Promise<void> => {
    const msg = inbound(message, context);
    await runHandler(context, async () => (await stages()).sync(msg), { name: 'sync', message: msg });
  };
}

app.serviceBusQueue('sync', {
  connection: 'ServiceBusConnection',
  queueName: QUEUES.syncJobs,
  isSessionsEnabled: true,
  handler: async (message, context) => syncHandler(azureStages)(message, context),
});
