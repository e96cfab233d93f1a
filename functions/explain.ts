// HTTP (function key): GET /api/admin/explain?id=<internetMessageId> -> why each mailbox did what it did
// (handler: shared/pipeline/explain.ts). The answer holds addresses: it is an admin endpoint, never logged.
import { azurePipeline } from '../index';
import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { explainMessage, validMessageIdInput } from '../shared/pipeline/explain';
import type { Ledger } from '../shared/ports';

export function explainHandler(ledger: () => Promise<Ledger>) {
  return async (request: HttpRequest): Promise<HttpResponseInit> => {
    const id = validMessageIdInput(request.query.get('id'));
    if (!id) return { status: 400, jsonBody: { error: 'query parameter "id" must be an internetMessageId, e.g. <abc@contoso.com>' } };
    return { status: 200, jsonBody: await explainMessage(await ledger(), id) };
  };
}

app.http('explain', {
  methods: ['GET'],
  authLevel: 'function',
  route: 'admin/explain',
  handler: explainHandler(async () => (await azurePipeline()).ledger),
});
