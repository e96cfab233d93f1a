// HTTP (function key): POST /api/ops/explain with {"id": "<internetMessageId>"} -> why each mailbox did what it
// did (stage: shared/pipeline/explain.ts). The answer holds addresses: an operator endpoint, never logged.
// The route does not start with "admin" or "runtime": the Functions host reserves both for its own API and
// refuses such a function at start. The Message-ID travels in the body, because the host records request
// URLs (query string included) in the `requests` telemetry.
import { azureStages } from '../index';
import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { validMessageIdInput } from '../shared/pipeline/explain';
import type { Stages } from '../shared/pipeline/stages';
import { hostSafe } from './trigger';

export const EXPLAIN_ROUTE = 'ops/explain';
const BAD_REQUEST = 'send a JSON body {"id": "<internetMessageId>"}, e.g. {"id": "<abc@contoso.com>"}';

/** The id from a JSON body of at most 4 KB; anything else is refused where it enters. */
async function messageIdFrom(request: HttpRequest): Promise<string | undefined> {
  const text = await request.text();
  if (text.length > 4096) return undefined;
  try {
    const body = JSON.parse(text) as unknown;
    return typeof body === 'object' && body !== null
      ? validMessageIdInput((body as Record<string, unknown>).id)
      : undefined;
  } catch {
    return undefined;
  }
}

export function explainHandler(stages: () => Promise<Pick<Stages, 'explain'>>) {
  return hostSafe(async (request: HttpRequest): Promise<HttpResponseInit> => {
    const id = await messageIdFrom(request);
    if (!id) return { status: 400, jsonBody: { error: BAD_REQUEST } };
    return { status: 200, jsonBody: await (await stages()).explain(id) };
  });
}

app.http('explain', {
  methods: ['POST'],
  authLevel: 'function',
  route: EXPLAIN_ROUTE,
  handler: explainHandler(azureStages),
});
