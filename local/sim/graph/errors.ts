// Graph's error body (https://learn.microsoft.com/graph/errors): clients branch on `code`, so codes match what Graph
// sends.
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Extra members of innerError (e.g. Graph's `"code": "429"` on throttling). */
    readonly inner: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

export function errorBody(
  code: string,
  message: string,
  requestId: string,
  date: Date,
  inner: Record<string, unknown> = {},
): unknown {
  return {
    error: {
      code,
      message,
      innerError: { ...inner, 'request-id': requestId, date: date.toISOString().replace(/\.\d{3}Z$/, 'Z') },
    },
  };
}

export const badRequest = (message: string) => new GraphError(400, 'BadRequest', message);
export const itemNotFound = () =>
  new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
export const invalidUser = (who: string) =>
  new GraphError(404, 'ErrorInvalidUser', `The requested user '${who}' is invalid.`);
