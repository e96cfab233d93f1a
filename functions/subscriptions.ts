// Timer: create, renew and remove Graph subscriptions as mailboxes come and go (stage:
// shared/pipeline/notify-subscriptions.ts). Runs on the schedule's timer; most ticks change nothing.
import { azureStages } from '../index';
import { app, type InvocationContext, type Timer } from '@azure/functions';
import type { Stages } from '../shared/pipeline/stages';
import { hostSafe } from './trigger';

export function subscriptionsHandler(stages: () => Promise<Pick<Stages, 'subscriptions'>>) {
  return hostSafe(async (_timer: Timer, context: InvocationContext): Promise<void> => {
    const r = await (await stages()).subscriptions();
    context.log(
      `subscriptions: ${r.created} created, ${r.renewed} renewed, ${r.removed} removed, ${r.failed.length} refused`,
    );
  });
}

app.timer('subscriptions', {
  schedule: '%SCHEDULE_CRON%',
  handler: async (timer, context) => subscriptionsHandler(azureStages)(timer, context),
});
