// The wire text of a JSON value read from a fixture or a request body: a string as is, a number or boolean as
// it is written; null, a missing value, an object or an array has none, and the caller says what stands in.
export function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}
