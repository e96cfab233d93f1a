// The status page's routes, one home for the Azure function (functions/status.ts) and `exsync run`'s local
// server: GET / (the page), GET /status.json (the same view as JSON), POST /explain (the page with an
// explanation; the id travels in the body, as for ops/explain, because hosts record request URLs). Nothing
// here writes: every other method is 405, every other path 404.
import { explainForPage, readStatus, type StatusSources } from '../pipeline/status';
import { CONTENT_SECURITY_POLICY, renderStatusPage } from './render';

export interface StatusRequest {
  method: string;
  /** The path below the page's base, '' or '/' for the page itself. */
  path: string;
  /** The request body (POST /explain: application/x-www-form-urlencoded), at most MAX_FORM characters. */
  body?: string;
}
export interface StatusResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const MAX_FORM = 4096;
const ROUTES: Record<string, string[]> = {
  '/': ['GET', 'HEAD'],
  '/status.json': ['GET', 'HEAD'],
  '/explain': ['POST'],
};

const SECURITY = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
};

const html = (status: number, body: string): StatusResponse => ({
  status,
  headers: { 'content-type': 'text/html; charset=utf-8', ...SECURITY },
  body,
});
const text = (status: number, body: string, extra: Record<string, string> = {}): StatusResponse => ({
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8', ...SECURITY, ...extra },
  body: `${body}\n`,
});

/** The `id` field of a urlencoded form; undefined when the body is too large or has none. */
function formId(body: string | undefined): string | undefined {
  if (body === undefined || body.length > MAX_FORM) return undefined;
  const id = new URLSearchParams(body).get('id');
  return id === null ? undefined : id;
}

/** `explainAction`: the URL the page's explain form posts to, as the host serves POST /explain. */
export async function handleStatusRequest(
  req: StatusRequest,
  src: StatusSources,
  explainAction: string,
): Promise<StatusResponse> {
  const path = req.path === '' ? '/' : req.path.replace(/\/+$/, '') || '/';
  const allowed = ROUTES[path];
  if (!allowed) return text(404, 'Not found. The status page is at its root; it has /status.json and /explain.');
  const method = req.method.toUpperCase();
  if (!allowed.includes(method))
    return text(405, `${path} answers ${allowed.join(', ')} only: the status page is read-only.`, {
      allow: allowed.join(', '),
    });
  if (path === '/explain') {
    const id = formId(req.body);
    if (id === undefined) return text(400, `send a form with a field "id" (at most ${MAX_FORM} characters)`);
    const [view, explained] = await Promise.all([readStatus(src), explainForPage(src, id)]);
    return html(200, renderStatusPage(view, explainAction, explained));
  }
  const view = await readStatus(src);
  if (path === '/status.json')
    return {
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8', ...SECURITY },
      body: JSON.stringify(view),
    };
  return html(200, renderStatusPage(view, explainAction));
}
