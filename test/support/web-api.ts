// Raw HTTP to a Web API simulator, for what clients hide (statuses, headers, bodies as sent).
export interface RawResponse {
  status: number;
  headers: Headers;
  json: any; // tests read arbitrary OData shapes
  text: string;
}

export async function rawCall(
  base: string,
  method: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string>; token?: string } = {},
): Promise<RawResponse> {
  const res = await fetch(path.startsWith('http') ? path : `${base}/${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${opts.token ?? 'test-token'}`,
      Accept: 'application/json',
      ...(opts.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...opts.headers,
    },
    body: opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, headers: res.headers, json, text };
}
