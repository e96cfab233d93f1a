// Dataverse Web API errors: HTTP status plus the hex `error.code` that live responses carry, so clients that
// classify by code (duplicate vs. concurrency vs. missing) see what production would send them.

export class DataverseError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DataverseError';
  }
  toBody(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

export const notFound = (logical: string, id: string): DataverseError =>
  new DataverseError(404, '0x80040217', `${logical} With Id = ${id} Does Not Exist`);

/** POST with an existing primary key, or PATCH with If-None-Match: * on an existing row. */
export const duplicateRecord = (): DataverseError =>
  new DataverseError(412, '0x80040237', 'A record with matching key values already exists.');

export const versionMismatch = (): DataverseError =>
  new DataverseError(
    412,
    '0x80060882',
    "The version of the existing record doesn't match the RowVersion property provided.",
  );

export const duplicateEntityKey = (logical: string, columns: string[]): DataverseError =>
  new DataverseError(
    412,
    '0x80060892',
    `Entity Key ${logical}_${columns.join('_')} violated. A record with the same value for ${columns.join(', ')} already exists. A duplicate record cannot be created.`,
  );

export const propertyNotFound = (name: string, logical: string): DataverseError =>
  new DataverseError(
    400,
    '0x80060888',
    `Could not find a property named '${name}' on type 'Microsoft.Dynamics.CRM.${logical}'.`,
  );

export const keyNotDefined = (logical: string, columns: string[]): DataverseError =>
  new DataverseError(
    400,
    '0x80060890',
    `The specified key attributes are not a defined key for the ${logical} entity: ${columns.join(', ')}`,
  );

export const segmentNotFound = (segment: string): DataverseError =>
  new DataverseError(404, '0x8006088a', `Resource not found for the segment '${segment}'.`);

/** Payload problems (read-only column, malformed bind). The live code for these varies; 0x80048d19 is the
 *  "Error identified in Payload provided by the user" family. */
export const badPayload = (message: string): DataverseError => new DataverseError(400, '0x80048d19', message);

export const invalidArgument = (message: string): DataverseError => new DataverseError(400, '0x80040203', message);

export const maskNotAllowed = (mask: unknown, logical: string): DataverseError =>
  new DataverseError(
    400,
    '0x80094006',
    `The participation type mask ${String(mask)} is not valid for activity type ${logical}.`,
  );

export const partyTypeNotAllowed = (partyLogical: string, mask: number, logical: string): DataverseError =>
  new DataverseError(
    400,
    '0x80043506',
    `An activity party of type ${partyLogical} is not allowed for participation type ${mask} on ${logical}.`,
  );

/** Update of a Completed/Canceled activity. The live code is not documented; 0x80040203 (InvalidArgument) is a guess. */
export const closedActivity = (logical: string, id: string, column: string): DataverseError =>
  new DataverseError(
    400,
    '0x80040203',
    `The ${logical} with id ${id} is closed (Completed or Canceled) and is read-only: '${column}' cannot be updated.`,
  );

/** Service protection (api-limits.md): 429 with the documented hex codes. */
export const THROTTLE = {
  requests: { code: '0x80072322', hresult: -2147015902 },
  executionTime: { code: '0x80072321', hresult: -2147015903 },
  concurrency: { code: '0x80072326', hresult: -2147015898 },
} as const;

export function ensureDataverseError(e: unknown): DataverseError {
  if (e instanceof DataverseError) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new DataverseError(500, '0x80040216', `Unexpected simulator error: ${message}`);
}
