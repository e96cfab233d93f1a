// HTTP: the status page (shared/status-page/), read-only, at two routes. /api/ops/status/ needs a function key
// (`?code=`); /api/ops/status-signed-in/ needs an Entra ID sign-in through App Service Authentication
// (docs/deploy.md), which alone sets the x-ms-client-principal-id header (the platform drops it from outside
// requests), so without that authentication the route answers nothing but a redirect to sign in. Routes do
// not start with "admin" or "runtime" (the host reserves both).
import { app, type HttpRequest, type HttpResponseInit } from '@azure/functions';
import { settings } from '../shared/config';
import type { StatusSources } from '../shared/pipeline/status';
import { deploymentStatusSources } from '../shared/status-sources';
import { handleStatusRequest, MAX_FORM } from '../shared/status-page/http';
import { hostSafe } from './trigger';

export const STATUS_ROUTE = 'ops/status';
export const SIGNED_IN_STATUS_ROUTE = 'ops/status-signed-in';

let sources: Promise<StatusSources> | undefined;
function azureSources(): Promise<StatusSources> {
  sources ??= deploymentStatusSources(settings('azure'), { now: () => new Date() });
  sources.catch(() => (sources = undefined));
  return sources;
}

export function statusHandler(route: string, src: () => Promise<StatusSources>, o: { signedIn: boolean }) {
  return hostSafe(async (request: HttpRequest): Promise<HttpResponseInit> => {
    if (o.signedIn && !request.headers.get('x-ms-client-principal-id'))
      return {
        status: 302,
        headers: { location: `/.auth/login/aad?post_login_redirect_uri=${encodeURIComponent(`/api/${route}/`)}` },
      };
    // A function key given in the query string goes on with the form, which the host checks again.
    const code = o.signedIn ? null : request.query.get('code');
    const action = `/api/${route}/explain${code ? `?code=${encodeURIComponent(code)}` : ''}`;
    const body = request.method === 'POST' ? (await request.text()).slice(0, MAX_FORM + 1) : undefined;
    const path = `/${request.params.path ?? ''}`;
    const r = await handleStatusRequest(
      { method: request.method, path, ...(body !== undefined ? { body } : {}) },
      await src(),
      action,
    );
    return { status: r.status, headers: r.headers, ...(request.method === 'HEAD' ? {} : { body: r.body }) };
  });
}

const methods: ('GET' | 'HEAD' | 'POST')[] = ['GET', 'HEAD', 'POST'];
app.http('status', {
  methods,
  authLevel: 'function',
  route: `${STATUS_ROUTE}/{*path}`,
  handler: statusHandler(STATUS_ROUTE, azureSources, { signedIn: false }),
});
app.http('statusSignedIn', {
  methods,
  authLevel: 'anonymous',
  route: `${SIGNED_IN_STATUS_ROUTE}/{*path}`,
  handler: statusHandler(SIGNED_IN_STATUS_ROUTE, azureSources, { signedIn: true }),
});
