// Timer: enqueue a sync job for every mailbox that is due (stage: shared/pipeline/schedule.ts).
import { azureStages } from '../index';
import { app, type InvocationContext, type Timer } from '@azure/functions';
import type { Stages } from '../shared/pipeline/stages';
import { hostSafe, traced } from './trigger';

export function scheduleHandler(stages: () => Promise<Pick<Stages, 'schedule'>>) {
  return hostSafe(async (_timer: Timer, context: InvocationContext): Promise<void> => {
    const r = await traced(context, 'schedule', undefined, async () => (await stages()).schedule());
    context.log(`enqueued ${r.enqueued.length} mailbox sync job(s)`);
  });
}

app.timer('schedule', {
  schedule: '%SCHEDULE_CRON%',
  handler: async (timer, context) => scheduleHandler(azureStages)(timer, context),
});
