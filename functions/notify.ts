// HTTP (anonymous): POST /api/notify, where Graph sends change notifications, lifecycle notifications and
// its validation handshake (stage: shared/pipeline/notify.ts). Anonymous because Graph cannot send a function
// key header; a `?code=` key in the notificationUrl would sit in Graph's subscription and in every request
// URL the host records. Each notification is authenticated instead by its subscription's secret clientState
// (compared in constant time), and nothing but a sync job for a synced mailbox can come of it.
import { azureStages } from '../index';
import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { MAX_NOTIFY_BODY_CHARS } from '../shared/domain/notifications';
import type { Stages } from '../shared/pipeline/stages';
import { hostSafe } from './trigger';

export const NOTIFY_ROUTE = 'notify';

export function notifyHandler(stages: () => Promise<Pick<Stages, 'notify'>>) {
  return hostSafe(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const validationToken = request.query.get('validationToken') ?? undefined;
    if (validationToken === undefined && Number(request.headers.get('content-length') ?? 0) > MAX_NOTIFY_BODY_CHARS)
      return { status: 413 };
    const body = validationToken === undefined ? await request.text() : undefined;
    const answer = await (
      await stages()
    ).notify({
      ...(validationToken !== undefined ? { validationToken } : {}),
      ...(body !== undefined ? { body } : {}),
    });
    return answer.text !== undefined
      ? { status: answer.status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: answer.text }
      : { status: answer.status };
  });
}

app.http('notify', {
  methods: ['POST'],
  authLevel: 'anonymous',
  route: NOTIFY_ROUTE,
  handler: notifyHandler(azureStages),
});
