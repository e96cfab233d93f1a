// Timer: enqueue a sync job for every mailbox that is due (handler: shared/pipeline/schedule.ts).
import { azurePipeline } from '../index';
import { app, type InvocationContext, type Timer } from '@azure/functions';
import { runSchedule } from '../shared/pipeline/schedule';
import type { PipelineDeps } from '../shared/pipeline/deps';
import { hostSafe, traced } from './trigger';

export function scheduleHandler(pipeline: () => Promise<PipelineDeps>) {
  return hostSafe(async (_timer: Timer, context: InvocationContext): Promise<void> => {
    const r = await traced(context, 'schedule', undefined, async () => runSchedule(await pipeline()));
    context.log(`enqueued ${r.enqueued.length} mailbox sync job(s)`);
  });
}

app.timer('schedule', {
  schedule: '%SCHEDULE_CRON%',
  handler: async (timer, context) => scheduleHandler(azurePipeline)(timer, context),
});
